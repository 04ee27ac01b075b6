-- A report's totals and the facts behind them
-- Each report's tolls and arrests (v_totals) with the facts that make them
-- and the sentence each comes from: check a total against its evidence.
SELECT
    article_id,
    indicator,
    total,
    fact_id,
    value,
    evidence_text,
    evidence_sentence
FROM
(
    SELECT article_id, indicator, total, arrayJoin(fact_ids) AS fact_id
    FROM v_totals
    WHERE indicator IN ('死亡', '受伤', '失踪', '被困', '中毒', '抓获')
) AS t
ALL INNER JOIN
(
    SELECT fact_id, value, evidence_text, evidence_sentence FROM v_facts
) AS f USING (fact_id)
ORDER BY article_id, indicator, fact_id
LIMIT 100;
