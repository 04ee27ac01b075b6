-- Filings (立案) by region and month
-- Cases filed per month and region, each distinct statistic counted once
-- however many outlets reported it (reports). month is the month the period
-- ends in: "1-5月" counts in May. Do not add up a region's months when its
-- statistics are cumulative ("1-5月" and "1-6月"). Undated statistics (month
-- NULL: no period and no publication date) are left out.
SELECT
    month,
    region_code,
    region_name,
    category,
    total AS filings,
    statistics,
    reports
FROM v_facts_monthly
WHERE indicator = '立案' AND unit = '起' AND month IS NOT NULL
ORDER BY month, region_code, category;
