-- Statistics by province
-- Distinct statistics per province, by the level of the region they describe
-- (a province's own figures, its prefectures', its counties'). The province
-- is the first two digits of the division code.
SELECT
    name AS province,
    statistics,
    province_level,
    prefecture_level,
    county_level,
    reports,
    regions
FROM
(
    SELECT
        substring(region_code, 1, 2) AS code,
        count() AS statistics,
        countIf(length(region_code) = 2) AS province_level,
        countIf(length(region_code) = 4) AS prefecture_level,
        countIf(length(region_code) = 6) AS county_level,
        sum(articles) AS reports,
        uniqExact(region_code) AS regions
    FROM v_statistics
    WHERE region_code != ''
    GROUP BY code
) AS s
ALL INNER JOIN
(
    SELECT code, name FROM v_divisions WHERE level = 'province'
) AS d USING (code)
ORDER BY statistics DESC, province;
