-- The current state, deduplicated: what analysts and dashboards read.
-- FINAL collapses rows loaded twice with the same version (a replayed or
-- retried batch); the IN filter keeps only the newest extraction of each
-- article, so facts and entities an older extraction found and a newer one
-- did not are gone, and facts whose article row never landed stay hidden.
CREATE VIEW IF NOT EXISTS {db}.v_articles AS
SELECT *
FROM {db}.articles FINAL
WHERE (article_id, version) IN (SELECT article_id, max(version) FROM {db}.articles GROUP BY article_id);

CREATE VIEW IF NOT EXISTS {db}.v_facts AS
SELECT *
FROM {db}.facts FINAL
WHERE (article_id, version) IN (SELECT article_id, max(version) FROM {db}.articles GROUP BY article_id);

CREATE VIEW IF NOT EXISTS {db}.v_entities AS
SELECT *
FROM {db}.entities FINAL
WHERE (article_id, version) IN (SELECT article_id, max(version) FROM {db}.articles GROUP BY article_id);

CREATE VIEW IF NOT EXISTS {db}.v_divisions AS
SELECT code, name, level, parent_code, province, prefecture, county, township, loaded_at
FROM {db}.divisions FINAL;
