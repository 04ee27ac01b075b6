-- Freshness of the feed
-- Per source: articles loaded, the latest publication date, when the last
-- article was loaded and how many hours ago, and how many have no known
-- publication date (stored as 1970-01-01).
SELECT
    source,
    count() AS articles,
    max(published) AS last_published,
    max(ingested_at) AS last_ingested,
    intDiv(toUInt32(now()) - toUInt32(max(ingested_at)), 3600) AS hours_since_last_load,
    countIf(published = toDate('1970-01-01')) AS unknown_published,
    sum(fact_count) AS facts
FROM v_articles
GROUP BY source
ORDER BY source;
