-- Changes as reported (同比, 环比)
-- The comparisons articles state themselves ("同比下降68.05%"), beside the
-- number they qualify.
SELECT
    published,
    region_code,
    region_name,
    indicator,
    subject,
    value,
    unit,
    change_basis,
    change_direction,
    change_value,
    change_unit,
    evidence_sentence
FROM v_facts
WHERE has_change = 1
ORDER BY published, region_code, fact_id;
