-- Dashboard aggregate: facts by month x region x indicator x category.
--
-- A materialized view sees every insert into facts, including replays and
-- superseded extractions, so it cannot keep running sums: a replay would add
-- twice and a fact a newer extraction dropped could never be subtracted.
-- Instead it keeps a narrow copy keyed by (month, region, indicator,
-- category, unit, statistic, article) with the load's version: a replay
-- replaces its rows, and v_facts_monthly adds up only the newest extraction of
-- each article and each distinct statistic once, however many articles
-- reported it.
--
-- month is the month a fact is about: its period's end, else its article's
-- publication date.
CREATE TABLE IF NOT EXISTS {db}.fact_stats
(
    month              Date,
    region_code        LowCardinality(String),
    region_name        LowCardinality(String),
    region_level       LowCardinality(String),
    region_province    LowCardinality(String),
    region_prefecture  LowCardinality(String),
    region_county      LowCardinality(String),
    indicator          LowCardinality(String),
    category           LowCardinality(String),
    unit               LowCardinality(String),
    stat_key           UInt64,
    ref_date           Date,
    value              Float64,
    article_id         String,
    version            UInt64
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(month)
ORDER BY (month, region_code, indicator, category, unit, stat_key, article_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.mv_fact_stats TO {db}.fact_stats AS
SELECT
    toStartOfMonth(if(period_end > toDate('1970-01-01'), period_end, published)) AS month,
    region_code,
    region_name,
    region_level,
    region_province,
    region_prefecture,
    region_county,
    indicator,
    category,
    unit,
    cityHash64(indicator, subject, category, region_code, region_name, period_start, period_end,
               if(period_start = toDate('1970-01-01') AND period_end = toDate('1970-01-01'),
                  concat(period_text, '@', toString(toYear(published))), ''),
               value, unit) AS stat_key,
    if(period_end > toDate('1970-01-01'), period_end, published) AS ref_date,
    value,
    article_id,
    version
FROM {db}.facts;

-- Counts add up (total); rates (unit %) do not, so total is NULL for them and
-- latest holds the value of the statistic with the latest period end.
CREATE VIEW IF NOT EXISTS {db}.v_facts_monthly AS
SELECT
    month,
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
    if(unit = '%', NULL, sum(value)) AS total,
    argMax(value, ref_date) AS latest
FROM
(
    SELECT
        month, region_code, indicator, category, unit, stat_key,
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
    GROUP BY month, region_code, indicator, category, unit, stat_key
)
GROUP BY month, region_code, indicator, category, unit;
