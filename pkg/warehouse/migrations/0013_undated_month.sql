-- A statistic with no date (neither its period nor its article's
-- publication date is known) has no month: v_facts_monthly.month is NULL for
-- it. It was day 0 of the Date type (1970-01-01, which clickhouse-client
-- 18.16 prints 0000-00-00), a month every undated filing was summed under.
-- By-month queries leave month NULL out. fact_stats keeps day 0 (a sort key
-- cannot be Nullable); only the view turns it into NULL.
DROP TABLE IF EXISTS {db}.v_facts_monthly;

CREATE VIEW IF NOT EXISTS {db}.v_facts_monthly AS
SELECT
    if(month0 = toDate('1970-01-01'), NULL, month0) AS month,
    region_code,
    any(region_name)       AS region_name,
    any(region_level)      AS region_level,
    any(region_province)   AS region_province,
    any(region_prefecture) AS region_prefecture,
    any(region_county)     AS region_county,
    indicator,
    category,
    unit,
    count()                AS statistics,
    sum(articles)          AS reports,
    if(unit IN ('%', 'pp'), NULL, sum(value)) AS total,
    argMax(value, ref_date) AS latest
FROM
(
    SELECT
        month AS month0, region_code, indicator, category, unit, stat_key,
        any(region_name)       AS region_name,
        any(region_level)      AS region_level,
        any(region_province)   AS region_province,
        any(region_prefecture) AS region_prefecture,
        any(region_county)     AS region_county,
        any(value)             AS value,
        max(ref_date)          AS ref_date,
        uniqExact(article_id)  AS articles
    FROM {db}.fact_stats
    WHERE (article_id, version) IN (SELECT article_id, max(version) FROM {db}.articles GROUP BY article_id)
    GROUP BY month0, region_code, indicator, category, unit, stat_key
)
GROUP BY month0, region_code, indicator, category, unit;
