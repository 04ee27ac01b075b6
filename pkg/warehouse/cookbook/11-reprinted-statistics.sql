-- Statistics reported by several articles
-- Numbers that more than one article carried (reprints, follow-ups), with
-- where they first appeared.
SELECT
    region_name,
    indicator,
    subject,
    value,
    unit,
    period_text,
    articles,
    first_source,
    first_outlet,
    first_published
FROM v_statistics
WHERE articles > 1
ORDER BY articles DESC, region_name, indicator, value;
