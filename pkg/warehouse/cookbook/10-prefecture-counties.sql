-- One prefecture's counties (乌海市, 1503)
-- Every county of 乌海市 from the divisions table, with the statistics and
-- articles about it; counties nobody wrote about show zeros. Change '1503' to
-- look at another prefecture.
SELECT
    code,
    name AS county,
    statistics,
    reports,
    indicators
FROM
(
    SELECT code, name FROM v_divisions WHERE parent_code = '1503' AND level = 'county'
) AS d
ALL LEFT JOIN
(
    SELECT
        region_code AS code,
        count() AS statistics,
        sum(articles) AS reports,
        arrayStringConcat(arraySort(groupUniqArray(indicator)), ',') AS indicators
    FROM v_statistics
    GROUP BY region_code
) AS s USING (code)
ORDER BY code;
