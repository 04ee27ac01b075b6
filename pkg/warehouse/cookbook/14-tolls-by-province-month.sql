-- Tolls by province and month
-- People dead, injured, missing, trapped and poisoned per province and month
-- of publication: the sum of each report's total facts (v_totals), so a toll
-- stated in the title, the lead and the conclusion counts once, its parts
-- (其中…) and background figures not at all. province '' is abroad or unknown.
SELECT
    toStartOfMonth(published) AS month,
    region_province AS province,
    indicator,
    sum(total) AS people,
    count() AS reports
FROM v_totals
WHERE indicator IN ('死亡', '受伤', '失踪', '被困', '中毒') AND unit = '人'
    AND published > toDate('1970-01-01')
GROUP BY month, province, indicator
ORDER BY month, province, indicator;
