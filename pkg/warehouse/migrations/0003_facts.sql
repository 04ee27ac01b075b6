-- One row per fact per load of its article: every field of article.Fact,
-- flattened, plus the article's version, source and published date so that
-- common questions need no join. Read v_facts, not this table.
CREATE TABLE IF NOT EXISTS {db}.facts
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
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(published)
ORDER BY (indicator, region_code, period_start, fact_id);
