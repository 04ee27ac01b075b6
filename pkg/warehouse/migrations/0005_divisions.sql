-- China's administrative divisions (GB/T 2260), loaded by Writer.LoadDivisions.
-- A reload replaces rows by code; read v_divisions.
CREATE TABLE IF NOT EXISTS {db}.divisions
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
ENGINE = ReplacingMergeTree(loaded_at)
ORDER BY code;
