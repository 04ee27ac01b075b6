-- Articles by incident type and month
-- Public-security articles per publication month and incident type; articles
-- with no known publication date are left out.
SELECT
    toStartOfMonth(published) AS month,
    incident_type,
    count() AS articles,
    sum(fact_count) AS facts
FROM v_articles
WHERE public_security = 1 AND published > toDate('1970-01-01')
GROUP BY month, incident_type
ORDER BY month, incident_type;
