-- Changes as reported (同比, 环比)
-- The comparisons articles state themselves ("同比下降68.05%"), beside the
-- number they qualify. value is NULL where the article gives the change
-- alone ("刑事警情同比下降9.2%"): read change_value, never value, as the
-- change. change_value is in change_unit (% or pp, or a count unit such as
-- 起 when only the absolute change is given); where both forms are given
-- ("同比减少12起，下降12.1%") the absolute one is in change_count_value.
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
    change_count_value,
    change_count_unit,
    evidence_sentence
FROM v_facts
WHERE has_change = 1
ORDER BY published, region_code, fact_id;
