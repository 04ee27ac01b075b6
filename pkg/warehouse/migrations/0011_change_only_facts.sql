-- A fact that states only a change (刑事警情同比下降9.2%) has no value: NULL,
-- its change in change_value. Before this, extractors wrote the change as the
-- value, so SUM(value) and "latest rate" mixed changes with counts and rates.
ALTER TABLE {db}.facts MODIFY COLUMN value Nullable(Float64);

-- Both forms of one change (同比减少12起，下降12.1%): change_value and
-- change_unit hold the relative one, these the absolute one. ClickHouse 18.16
-- has no ADD COLUMN IF NOT EXISTS: Migrate takes "already exists" for done.
ALTER TABLE {db}.facts ADD COLUMN change_count_value Nullable(Float64) AFTER change_unit;

ALTER TABLE {db}.facts ADD COLUMN change_count_unit LowCardinality(String) AFTER change_count_value;

-- Rows older extractors wrote for a change alone carry the change as their
-- value, in the change's unit: they lose the value (a mutation, applied in
-- the background; the views below leave such rows out meanwhile).
ALTER TABLE {db}.facts UPDATE value = NULL, unit = '' WHERE has_change = 1 AND value = change_value AND unit = change_unit;

-- Views fix their columns when created: made again, they show the new ones.
DROP TABLE IF EXISTS {db}.v_statistics;

DROP TABLE IF EXISTS {db}.v_facts;

CREATE VIEW IF NOT EXISTS {db}.v_facts AS
SELECT *
FROM {db}.facts FINAL
WHERE (article_id, version) IN (SELECT article_id, max(version) FROM {db}.articles GROUP BY article_id);

-- v_statistics as in 0007, of facts with a value: a change alone is no
-- statistic to count, compare or reprint (read it in v_facts). The figure is
-- not NULL here, so value keeps the type Float64.
CREATE VIEW IF NOT EXISTS {db}.v_statistics AS
SELECT
    indicator,
    subject,
    category,
    region_code,
    region_name,
    any(region_level)      AS region_level,
    any(region_province)   AS region_province,
    any(region_prefecture) AS region_prefecture,
    any(region_county)     AS region_county,
    period_start,
    period_end,
    period_key,
    any(period_text)       AS period_text,
    value,
    unit,
    uniqExact(article_id)  AS articles,
    uniqExact(fact_id)     AS facts,
    minIf(published, published > toDate('1970-01-01')) AS first_published,
    argMin(source, tuple(published = toDate('1970-01-01'), published, article_id))     AS first_source,
    argMin(outlet, tuple(published = toDate('1970-01-01'), published, article_id))     AS first_outlet,
    argMin(article_id, tuple(published = toDate('1970-01-01'), published, article_id)) AS first_article_id,
    argMin(fact_id, tuple(published = toDate('1970-01-01'), published, article_id))    AS first_fact_id,
    argMin(evidence_sentence, tuple(published = toDate('1970-01-01'), published, article_id)) AS first_evidence
FROM
(
    SELECT
        indicator, subject, category, region_code, region_name, region_level, region_province,
        region_prefecture, region_county, period_start, period_end, period_text,
        assumeNotNull(value) AS value, unit, article_id, fact_id, published, source, outlet, evidence_sentence,
        if(period_start = toDate('1970-01-01') AND period_end = toDate('1970-01-01'),
           concat(period_text, '@', toString(toYear(published))), '') AS period_key
    FROM
    (
        SELECT * FROM {db}.v_facts
        WHERE isNotNull(value) AND NOT (has_change = 1 AND value = change_value AND unit = change_unit)
    )
)
GROUP BY indicator, subject, category, region_code, region_name, period_start, period_end, period_key, value, unit;

-- fact_stats made again as in 0009, of facts with a value only: the
-- dashboards' totals and latest rates never see a change. Only total facts
-- (and those of extractors that predate roles) are kept: a toll repeated in
-- the conclusion, a breakdown or a background figure is not summed again.
-- A NULL value reads as nan, and the filter drops it: in WHERE, "value" is the alias (on 18.16
-- even table.value), so isNotNull(value) would test the non-NULL result. The view is
-- recreated before the refill; a fact inserted meanwhile reaches the table
-- through one or the other (or both: v_facts_monthly counts each statistic
-- and article once).
DROP TABLE IF EXISTS {db}.mv_fact_stats;

DROP TABLE IF EXISTS {db}.fact_stats;

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
    ifNull(value, nan) AS value,
    article_id,
    version
FROM {db}.facts
WHERE NOT isNaN(value) AND NOT (has_change = 1 AND value = change_value AND unit = change_unit)
    AND role IN ('total', '');

INSERT INTO {db}.fact_stats (month, region_code, region_name, region_level, region_province, region_prefecture,
    region_county, indicator, category, unit, stat_key, ref_date, value, article_id, version)
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
    ifNull(value, nan) AS value,
    article_id,
    version
FROM {db}.facts
WHERE NOT isNaN(value) AND NOT (has_change = 1 AND value = change_value AND unit = change_unit)
    AND role IN ('total', '');

-- v_facts_monthly as in 0008; percentage points, like percentages, are never
-- added up.
DROP TABLE IF EXISTS {db}.v_facts_monthly;

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
    if(unit IN ('%', 'pp'), NULL, sum(value)) AS total,
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
