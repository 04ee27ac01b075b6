// Package warehouse is casewire's ClickHouse schema and writer.
//
// The schema is a numbered set of migrations embedded in the binary and
// applied by Migrate. Tables hold every load of every article (articles,
// facts, entities) in ReplacingMergeTree engines keyed on deterministic ids;
// analysts and dashboards read the v_* views, which keep only the newest
// extraction of each article and collapse replays, so count() on a view is
// right at any moment. See pkg/warehouse/ANALYSTS.md for the data dictionary.
//
// The schema and the cookbook queries run on ClickHouse 18.16 and on current
// releases: no DateTime64, Map, JSON, CODEC, TTL, skip indexes, window
// functions or WITH subqueries; MergeTree engines in the PARTITION BY / ORDER
// BY syntax.
package warehouse
