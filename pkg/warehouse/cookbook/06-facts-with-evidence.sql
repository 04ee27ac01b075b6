-- Facts with their evidence
-- The latest facts with the sentence they come from and the article's title
-- and address. evidence_start and evidence_end are the number's offsets in
-- the article body, in characters from 0.
SELECT
    published,
    source,
    region_name,
    indicator,
    subject,
    value,
    unit,
    evidence_text,
    evidence_start,
    evidence_end,
    evidence_sentence,
    title,
    uri,
    fact_id
FROM v_facts AS f
ALL INNER JOIN
(
    SELECT article_id, title, uri FROM v_articles
) AS a USING (article_id)
ORDER BY published DESC, fact_id
LIMIT 100;
