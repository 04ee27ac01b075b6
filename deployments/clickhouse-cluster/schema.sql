-- casewire schema for a ClickHouse cluster "casewire": shards of replicated tables
-- (ReplicatedReplacingMergeTree, *_local) behind Distributed tables with the
-- single-node names, so the loader, the views and the dashboards work
-- unchanged. Needs ClickHouse Keeper (or ZooKeeper), the macros {shard} and
-- {replica} on every node, and the casewire profile of users.d/casewire.xml
-- (distributed_product_mode = local, synchronous distributed inserts).
--
-- Generated from pkg/warehouse/migrations by
--   go test ./pkg/deploytest -run TestClusterSchema -update
-- and checked by the same test against those files.
--
--   clickhouse-client --multiquery < deployments/clickhouse-cluster/schema.sql
--
-- The last statement records every migration as applied, so a loader's
-- start-up migration finds nothing to do. Database "casewire"; for another name,
-- replace "casewire." throughout.

CREATE DATABASE IF NOT EXISTS casewire ON CLUSTER casewire;

-- 0001_schema_migrations
CREATE TABLE IF NOT EXISTS casewire.schema_migrations_local ON CLUSTER casewire
(
    version    UInt32,
    name       String,
    applied_at DateTime
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/casewire/schema_migrations_local', '{replica}')
ORDER BY version;

CREATE TABLE IF NOT EXISTS casewire.schema_migrations ON CLUSTER casewire AS casewire.schema_migrations_local
ENGINE = Distributed(casewire, casewire, schema_migrations_local, version);

-- 0002_articles
CREATE TABLE IF NOT EXISTS casewire.articles_local ON CLUSTER casewire
(
    article_id         String,
    raw_id             String,
    article_index      UInt16,
    source             LowCardinality(String),
    outlet             LowCardinality(String),
    uri                String,
    fetched_at         DateTime,
    title              String,
    subtitle           String,
    byline             String,
    dateline           String,
    published          Date,
    published_at       DateTime('Asia/Shanghai'),
    published_text     String,
    section_headings   Array(String),
    section_offsets    Array(UInt32),
    captions           Array(String),
    region_text        String,
    region_name        LowCardinality(String),
    region_code        LowCardinality(String),
    region_level       LowCardinality(String),
    region_province    LowCardinality(String),
    region_prefecture  LowCardinality(String),
    region_county      LowCardinality(String),
    region_township    LowCardinality(String),
    region_status      LowCardinality(String),
    incident_type      LowCardinality(String),
    public_security    UInt8,
    charset            LowCardinality(String),
    charset_source     LowCardinality(String),
    chars              UInt32,
    replacement_share  Float32,
    han_share          Float32,
    quality_flags      Array(String),
    edits              UInt32,
    body               String,
    fact_count         UInt32,
    entity_count       UInt32,
    extractor          LowCardinality(String),
    extractor_rank     UInt32,
    ingested_at        DateTime,
    version            UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/casewire/articles_local', '{replica}', version)
PARTITION BY toYYYYMM(published)
ORDER BY (region_code, published, article_id);

CREATE TABLE IF NOT EXISTS casewire.articles ON CLUSTER casewire AS casewire.articles_local
ENGINE = Distributed(casewire, casewire, articles_local, cityHash64(article_id));

-- 0003_facts
CREATE TABLE IF NOT EXISTS casewire.facts_local ON CLUSTER casewire
(
    fact_id                  String,
    article_id               String,
    subject                  LowCardinality(String),
    indicator                LowCardinality(String),
    category                 LowCardinality(String),
    value                    Float64,
    unit                     LowCardinality(String),
    approx                   LowCardinality(String),
    has_change               UInt8,
    change_basis             LowCardinality(String),
    change_direction         LowCardinality(String),
    change_value             Float64,
    change_unit              LowCardinality(String),
    period_text              String,
    period_start             Date,
    period_end               Date,
    region_text              String,
    region_name              LowCardinality(String),
    region_code              LowCardinality(String),
    region_level             LowCardinality(String),
    region_province          LowCardinality(String),
    region_prefecture        LowCardinality(String),
    region_county            LowCardinality(String),
    region_township          LowCardinality(String),
    region_status            LowCardinality(String),
    org                      LowCardinality(String),
    evidence_sentence        String,
    evidence_sentence_start  UInt32,
    evidence_start           UInt32,
    evidence_end             UInt32,
    evidence_text            String,
    extractor                LowCardinality(String),
    ingested_at              DateTime,
    version                  UInt64,
    published                Date,
    source                   LowCardinality(String),
    outlet                   LowCardinality(String)
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/casewire/facts_local', '{replica}', version)
PARTITION BY toYYYYMM(published)
ORDER BY (indicator, region_code, period_start, fact_id);

CREATE TABLE IF NOT EXISTS casewire.facts ON CLUSTER casewire AS casewire.facts_local
ENGINE = Distributed(casewire, casewire, facts_local, cityHash64(article_id));

-- 0004_entities
CREATE TABLE IF NOT EXISTS casewire.entities_local ON CLUSTER casewire
(
    article_id         String,
    kind               LowCardinality(String),
    text               String,
    start_pos          UInt32,
    end_pos            UInt32,
    has_region         UInt8,
    region_text        String,
    region_name        LowCardinality(String),
    region_code        LowCardinality(String),
    region_level       LowCardinality(String),
    region_province    LowCardinality(String),
    region_prefecture  LowCardinality(String),
    region_county      LowCardinality(String),
    region_township    LowCardinality(String),
    region_status      LowCardinality(String),
    extractor          LowCardinality(String),
    ingested_at        DateTime,
    version            UInt64,
    published          Date,
    source             LowCardinality(String)
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/casewire/entities_local', '{replica}', version)
PARTITION BY toYYYYMM(published)
ORDER BY (kind, text, article_id, start_pos, end_pos);

CREATE TABLE IF NOT EXISTS casewire.entities ON CLUSTER casewire AS casewire.entities_local
ENGINE = Distributed(casewire, casewire, entities_local, cityHash64(article_id));

-- 0005_divisions
CREATE TABLE IF NOT EXISTS casewire.divisions_local ON CLUSTER casewire
(
    code         String,
    name         String,
    level        LowCardinality(String),
    parent_code  String,
    province     LowCardinality(String),
    prefecture   LowCardinality(String),
    county       String,
    township     String,
    loaded_at    DateTime
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/casewire/divisions_local', '{replica}', loaded_at)
ORDER BY code;

CREATE TABLE IF NOT EXISTS casewire.divisions ON CLUSTER casewire AS casewire.divisions_local
ENGINE = Distributed(casewire, casewire, divisions_local, cityHash64(code));

-- 0006_views
CREATE VIEW IF NOT EXISTS casewire.v_articles ON CLUSTER casewire AS
SELECT *
FROM casewire.articles FINAL
WHERE (article_id, version) IN (SELECT article_id, max(version) FROM casewire.articles GROUP BY article_id);
CREATE VIEW IF NOT EXISTS casewire.v_facts ON CLUSTER casewire AS
SELECT *
FROM casewire.facts FINAL
WHERE (article_id, version) IN (SELECT article_id, max(version) FROM casewire.articles GROUP BY article_id);
CREATE VIEW IF NOT EXISTS casewire.v_entities ON CLUSTER casewire AS
SELECT *
FROM casewire.entities FINAL
WHERE (article_id, version) IN (SELECT article_id, max(version) FROM casewire.articles GROUP BY article_id);
CREATE VIEW IF NOT EXISTS casewire.v_divisions ON CLUSTER casewire AS
SELECT code, name, level, parent_code, province, prefecture, county, township, loaded_at
FROM casewire.divisions FINAL;

-- 0007_statistics
CREATE VIEW IF NOT EXISTS casewire.v_statistics ON CLUSTER casewire AS
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
        *,
        if(period_start = toDate('1970-01-01') AND period_end = toDate('1970-01-01'),
           concat(period_text, '@', toString(toYear(published))), '') AS period_key
    FROM casewire.v_facts
)
GROUP BY indicator, subject, category, region_code, region_name, period_start, period_end, period_key, value, unit;

-- 0008_fact_stats
CREATE TABLE IF NOT EXISTS casewire.fact_stats_local ON CLUSTER casewire
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
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/casewire/fact_stats_local', '{replica}', version)
PARTITION BY toYYYYMM(month)
ORDER BY (month, region_code, indicator, category, unit, stat_key, article_id);

CREATE TABLE IF NOT EXISTS casewire.fact_stats ON CLUSTER casewire AS casewire.fact_stats_local
ENGINE = Distributed(casewire, casewire, fact_stats_local, cityHash64(article_id));
CREATE MATERIALIZED VIEW IF NOT EXISTS casewire.mv_fact_stats ON CLUSTER casewire TO casewire.fact_stats_local AS
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
FROM casewire.facts_local;
CREATE VIEW IF NOT EXISTS casewire.v_facts_monthly ON CLUSTER casewire AS
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
    FROM casewire.fact_stats
    WHERE (article_id, version) IN (SELECT article_id, max(version) FROM casewire.articles GROUP BY article_id)
    GROUP BY month, region_code, indicator, category, unit, stat_key
)
GROUP BY month, region_code, indicator, category, unit;

-- 0009_fact_stats_unpartitioned
DROP TABLE IF EXISTS casewire.mv_fact_stats ON CLUSTER casewire;
DROP TABLE IF EXISTS casewire.fact_stats ON CLUSTER casewire;
DROP TABLE IF EXISTS casewire.fact_stats_local ON CLUSTER casewire;
CREATE TABLE IF NOT EXISTS casewire.fact_stats_local ON CLUSTER casewire
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
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/casewire/fact_stats_local', '{replica}', version)
ORDER BY (month, region_code, indicator, category, unit, stat_key, article_id);

CREATE TABLE IF NOT EXISTS casewire.fact_stats ON CLUSTER casewire AS casewire.fact_stats_local
ENGINE = Distributed(casewire, casewire, fact_stats_local, cityHash64(article_id));
CREATE MATERIALIZED VIEW IF NOT EXISTS casewire.mv_fact_stats ON CLUSTER casewire TO casewire.fact_stats_local AS
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
FROM casewire.facts_local;
INSERT INTO casewire.fact_stats (month, region_code, region_name, region_level, region_province, region_prefecture,
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
    value,
    article_id,
    version
FROM casewire.facts;

-- 0010_fact_roles
ALTER TABLE casewire.facts_local ON CLUSTER casewire ADD COLUMN role LowCardinality(String) DEFAULT '';
DROP TABLE IF EXISTS casewire.facts ON CLUSTER casewire;
CREATE TABLE IF NOT EXISTS casewire.facts ON CLUSTER casewire AS casewire.facts_local
ENGINE = Distributed(casewire, casewire, facts_local, cityHash64(article_id));
ALTER TABLE casewire.facts_local ON CLUSTER casewire ADD COLUMN part_of String DEFAULT '';
DROP TABLE IF EXISTS casewire.facts ON CLUSTER casewire;
CREATE TABLE IF NOT EXISTS casewire.facts ON CLUSTER casewire AS casewire.facts_local
ENGINE = Distributed(casewire, casewire, facts_local, cityHash64(article_id));
DROP TABLE IF EXISTS casewire.v_facts ON CLUSTER casewire;
CREATE VIEW IF NOT EXISTS casewire.v_facts ON CLUSTER casewire AS
SELECT *
FROM casewire.facts FINAL
WHERE (article_id, version) IN (SELECT article_id, max(version) FROM casewire.articles GROUP BY article_id);
CREATE VIEW IF NOT EXISTS casewire.v_totals ON CLUSTER casewire AS
SELECT
    article_id,
    indicator,
    unit,
    sum(assumeNotNull(value)) AS total,
    count() AS facts,
    groupArray(fact_id) AS fact_ids,
    argMin(category, evidence_start) AS category,
    argMin(region_code, evidence_start) AS region_code,
    argMin(region_name, evidence_start) AS region_name,
    argMin(region_status, evidence_start) AS region_status,
    argMin(region_province, evidence_start) AS region_province,
    argMin(region_prefecture, evidence_start) AS region_prefecture,
    argMin(region_county, evidence_start) AS region_county,
    any(published) AS published,
    any(source) AS source
FROM casewire.v_facts
WHERE role = 'total' AND unit != '%' AND isNotNull(value)
GROUP BY article_id, indicator, unit;

-- 0011_change_only_facts
ALTER TABLE casewire.facts_local ON CLUSTER casewire MODIFY COLUMN value Nullable(Float64);
DROP TABLE IF EXISTS casewire.facts ON CLUSTER casewire;
CREATE TABLE IF NOT EXISTS casewire.facts ON CLUSTER casewire AS casewire.facts_local
ENGINE = Distributed(casewire, casewire, facts_local, cityHash64(article_id));
ALTER TABLE casewire.facts_local ON CLUSTER casewire ADD COLUMN change_count_value Nullable(Float64) AFTER change_unit;
DROP TABLE IF EXISTS casewire.facts ON CLUSTER casewire;
CREATE TABLE IF NOT EXISTS casewire.facts ON CLUSTER casewire AS casewire.facts_local
ENGINE = Distributed(casewire, casewire, facts_local, cityHash64(article_id));
ALTER TABLE casewire.facts_local ON CLUSTER casewire ADD COLUMN change_count_unit LowCardinality(String) AFTER change_count_value;
DROP TABLE IF EXISTS casewire.facts ON CLUSTER casewire;
CREATE TABLE IF NOT EXISTS casewire.facts ON CLUSTER casewire AS casewire.facts_local
ENGINE = Distributed(casewire, casewire, facts_local, cityHash64(article_id));
ALTER TABLE casewire.facts_local ON CLUSTER casewire UPDATE value = NULL, unit = '' WHERE has_change = 1 AND value = change_value AND unit = change_unit;
DROP TABLE IF EXISTS casewire.v_statistics ON CLUSTER casewire;
DROP TABLE IF EXISTS casewire.v_facts ON CLUSTER casewire;
CREATE VIEW IF NOT EXISTS casewire.v_facts ON CLUSTER casewire AS
SELECT *
FROM casewire.facts FINAL
WHERE (article_id, version) IN (SELECT article_id, max(version) FROM casewire.articles GROUP BY article_id);
CREATE VIEW IF NOT EXISTS casewire.v_statistics ON CLUSTER casewire AS
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
        SELECT * FROM casewire.v_facts
        WHERE isNotNull(value) AND NOT (has_change = 1 AND value = change_value AND unit = change_unit)
    )
)
GROUP BY indicator, subject, category, region_code, region_name, period_start, period_end, period_key, value, unit;
DROP TABLE IF EXISTS casewire.mv_fact_stats ON CLUSTER casewire;
DROP TABLE IF EXISTS casewire.fact_stats ON CLUSTER casewire;
DROP TABLE IF EXISTS casewire.fact_stats_local ON CLUSTER casewire;
CREATE TABLE IF NOT EXISTS casewire.fact_stats_local ON CLUSTER casewire
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
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/casewire/fact_stats_local', '{replica}', version)
ORDER BY (month, region_code, indicator, category, unit, stat_key, article_id);

CREATE TABLE IF NOT EXISTS casewire.fact_stats ON CLUSTER casewire AS casewire.fact_stats_local
ENGINE = Distributed(casewire, casewire, fact_stats_local, cityHash64(article_id));
CREATE MATERIALIZED VIEW IF NOT EXISTS casewire.mv_fact_stats ON CLUSTER casewire TO casewire.fact_stats_local AS
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
FROM casewire.facts_local
WHERE NOT isNaN(value) AND NOT (has_change = 1 AND value = change_value AND unit = change_unit)
    AND role IN ('total', '');
INSERT INTO casewire.fact_stats (month, region_code, region_name, region_level, region_province, region_prefecture,
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
FROM casewire.facts
WHERE NOT isNaN(value) AND NOT (has_change = 1 AND value = change_value AND unit = change_unit)
    AND role IN ('total', '');
DROP TABLE IF EXISTS casewire.v_facts_monthly ON CLUSTER casewire;
CREATE VIEW IF NOT EXISTS casewire.v_facts_monthly ON CLUSTER casewire AS
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
    FROM casewire.fact_stats
    WHERE (article_id, version) IN (SELECT article_id, max(version) FROM casewire.articles GROUP BY article_id)
    GROUP BY month, region_code, indicator, category, unit, stat_key
)
GROUP BY month, region_code, indicator, category, unit;

-- 0013_undated_month
DROP TABLE IF EXISTS casewire.v_facts_monthly ON CLUSTER casewire;
CREATE VIEW IF NOT EXISTS casewire.v_facts_monthly ON CLUSTER casewire AS
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
    FROM casewire.fact_stats
    WHERE (article_id, version) IN (SELECT article_id, max(version) FROM casewire.articles GROUP BY article_id)
    GROUP BY month0, region_code, indicator, category, unit, stat_key
)
GROUP BY month0, region_code, indicator, category, unit;

-- Every migration above is applied.
INSERT INTO casewire.schema_migrations (version, name, applied_at) VALUES (1, 'schema_migrations', now()), (2, 'articles', now()), (3, 'facts', now()), (4, 'entities', now()), (5, 'divisions', now()), (6, 'views', now()), (7, 'statistics', now()), (8, 'fact_stats', now()), (9, 'fact_stats_unpartitioned', now()), (10, 'fact_roles', now()), (11, 'change_only_facts', now()), (13, 'undated_month', now());
