-- Latest rate per region and month
-- Rates (unit %) cannot be added up: for each month, region and indicator
-- the value of the statistic with the latest period end. Undated statistics
-- (month NULL) are left out.
SELECT
    month,
    region_code,
    region_name,
    indicator,
    category,
    latest,
    statistics
FROM v_facts_monthly
WHERE unit = '%' AND month IS NOT NULL
ORDER BY month, region_code, indicator, category;
