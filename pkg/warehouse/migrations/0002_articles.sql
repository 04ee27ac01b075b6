-- One row per article per load. Every load of an article carries a version
-- (extractor rank << 32 | extraction time in seconds): the newest version of an
-- article is its current extraction, and its facts and entities are the ones
-- with the same version. Read v_articles, not this table.
--
-- Unknown dates are the sentinel 1970-01-01 (Date) / 1970-01-01 00:00:00 UTC
-- (DateTime), never NULL: Nullable columns cost a null map per column and
-- cannot be partition or sort keys on every release.
CREATE TABLE IF NOT EXISTS {db}.articles
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
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(published)
ORDER BY (region_code, published, article_id);
