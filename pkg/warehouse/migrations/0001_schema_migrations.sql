-- Which numbered migrations have run. Rows are only ever added; a version
-- recorded twice (two loaders migrating at once) collapses on merge and is
-- read with DISTINCT.
CREATE TABLE IF NOT EXISTS {db}.schema_migrations
(
    version    UInt32,
    name       String,
    applied_at DateTime
)
ENGINE = ReplacingMergeTree()
ORDER BY version;
