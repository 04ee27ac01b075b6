-- Top outlets
-- Outlets by the number of articles they published, with the statistics
-- those articles reported, how many came with a dateline, and the dates they
-- span. The outlet is the one the article prints (its dateline, its 来源
-- line), else the one configured for its source; articles with no known
-- outlet are left out.
SELECT
    outlet,
    count() AS articles,
    sum(fact_count) AS facts,
    countIf(dateline != '') AS with_dateline,
    minIf(published, published > toDate('1970-01-01')) AS first_published,
    max(published) AS last_published
FROM v_articles
WHERE outlet != ''
GROUP BY outlet
ORDER BY articles DESC, facts DESC, outlet
LIMIT 20;
