-- Facts an analyst can sum: each fact's role in its article (total, part,
-- repeat, context, superseded; '' for facts loaded by extractors that
-- predate roles) and, for a part, the fact id of the total it breaks down.
-- The rule for analysts is one sentence: sum the facts whose role is total.
--
-- ClickHouse 18.16 has no ADD COLUMN IF NOT EXISTS: Migrate takes "column
-- already exists" from an ADD COLUMN as done, so a rerun is harmless.
ALTER TABLE {db}.facts ADD COLUMN role LowCardinality(String) DEFAULT '';

ALTER TABLE {db}.facts ADD COLUMN part_of String DEFAULT '';

-- A view keeps the columns its table had when it was made: v_facts is made
-- again to show the new ones.
DROP TABLE IF EXISTS {db}.v_facts;

CREATE VIEW IF NOT EXISTS {db}.v_facts AS
SELECT *
FROM {db}.facts FINAL
WHERE (article_id, version) IN (SELECT article_id, max(version) FROM {db}.articles GROUP BY article_id);

-- One row per article, indicator and unit: the sum of the article's total
-- facts, the figure an analyst adds up (死亡, 受伤, 失踪, 被困, 中毒, 抓获 ...),
-- with the ids of the facts behind it. Rates (unit %) do not add up and are
-- left out; so are facts of extractions that predate roles (role '') until
-- their articles are extracted again. value may be NULL (a change stated
-- alone): such a fact adds nothing, and total stays a plain Float64, since
-- ClickHouse 18.16 sums a Nullable sum read through a view wrongly.
CREATE VIEW IF NOT EXISTS {db}.v_totals AS
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
FROM {db}.v_facts
WHERE role = 'total' AND unit != '%' AND isNotNull(value)
GROUP BY article_id, indicator, unit;
