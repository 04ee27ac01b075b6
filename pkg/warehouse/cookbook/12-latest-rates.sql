-- Latest rate per region and month
-- Rates (unit %) cannot be added up: for each month, region and indicator
-- the value of the statistic with the latest period end. A change of a rate
-- ("破案率同比提高5个百分点") is no rate: it has no value and is not here
-- (see reported-changes).
-- Undated statistics (month NULL) are left out.
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
