-- Filings by prefecture
-- Cases filed (立案) per prefecture-level city and month, from the city's own
-- figures; counties' figures are listed apart so nothing is counted twice.
-- Undated statistics (month NULL) are left out.
SELECT
    month,
    prefecture,
    prefecture_total,
    county_total
FROM
(
    SELECT
        month,
        substring(region_code, 1, 4) AS code,
        ifNull(sumIf(total, length(region_code) = 4), 0) AS prefecture_total,
        ifNull(sumIf(total, length(region_code) = 6), 0) AS county_total
    FROM v_facts_monthly
    WHERE indicator = '立案' AND unit = '起' AND length(region_code) >= 4 AND month IS NOT NULL
    GROUP BY month, code
) AS m
ALL INNER JOIN
(
    SELECT code, name AS prefecture FROM v_divisions WHERE level = 'prefecture'
) AS d USING (code)
ORDER BY month, prefecture;
