-- Places, police organisations and people named in articles, one row per
-- mention per load. Read v_entities, not this table.
CREATE TABLE IF NOT EXISTS {db}.entities
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
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(published)
ORDER BY (kind, text, article_id, start_pos, end_pos);
