-- Year-on-year change, computed
-- Each statistic beside the same statistic one year earlier (same region,
-- indicator, subject, category, unit and the same days of the year), with the
-- change in percent. Rates (unit %) also get the change in percentage points.
-- Only figures: a change an article states alone has no value and is not in
-- v_statistics (see reported-changes).
SELECT
    region_code,
    region_name,
    indicator,
    subject,
    category,
    unit,
    period_start,
    period_end,
    value,
    value_last_year,
    round((value - value_last_year) / value_last_year * 100, 2) AS change_pct,
    if(unit = '%', round(value - value_last_year, 2), 0) AS change_pp
FROM
(
    SELECT
        region_code, region_name, indicator, subject, category, unit, period_start, period_end, value,
        toUInt32(toYear(period_end)) AS year,
        toMonth(period_start) * 100 + toDayOfMonth(period_start) AS start_day,
        toMonth(period_end) * 100 + toDayOfMonth(period_end) AS end_day
    FROM v_statistics
    WHERE period_end > toDate('1970-01-01')
) AS cur
ALL INNER JOIN
(
    SELECT
        region_code, indicator, subject, category, unit,
        value AS value_last_year,
        toUInt32(toYear(period_end) + 1) AS year,
        toMonth(period_start) * 100 + toDayOfMonth(period_start) AS start_day,
        toMonth(period_end) * 100 + toDayOfMonth(period_end) AS end_day
    FROM v_statistics
    WHERE period_end > toDate('1970-01-01') AND value != 0
) AS last_year USING (region_code, indicator, subject, category, unit, year, start_day, end_day)
ORDER BY region_code, indicator, category, period_end;
