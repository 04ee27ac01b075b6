-- Top categories
-- Crime and incident categories by the number of distinct statistics
-- reported, with how many articles reported them and in how many regions.
SELECT
    category,
    count() AS statistics,
    sum(articles) AS reports,
    uniqExact(region_code) AS regions
FROM v_statistics
WHERE category != ''
GROUP BY category
ORDER BY statistics DESC, category
LIMIT 10;
