-- One statistic, many articles: each distinct statistic once, with how many
-- articles reported it and which source reported it first. A statistic is
-- the same indicator, subject, category, region, period and value (and unit).
-- When a fact's period has no dates, its period text and the year it was
-- published stand in for them, so "今年以来" of 2023 and of 2024 differ.
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
        *,
        if(period_start = toDate('1970-01-01') AND period_end = toDate('1970-01-01'),
           concat(period_text, '@', toString(toYear(published))), '') AS period_key
    FROM {db}.v_facts
)
GROUP BY indicator, subject, category, region_code, region_name, period_start, period_end, period_key, value, unit;
