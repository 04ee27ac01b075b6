-- casewire's ClickHouse users with SQL access control, for current releases
-- (24.4 or later for the SQL SECURITY clauses; the grants alone work from
-- 21.x). ClickHouse 18.16 has no SQL RBAC: use users.xml there.
--
-- Run as an administrator after the schema exists (casewire migrate), with
-- the passwords substituted from the environment, never typed here:
--   envsubst < deployments/clickhouse/rbac.sql | clickhouse-client --multiquery
-- (CASEWIRE_CH_LOAD_PASSWORD, CASEWIRE_CH_ANALYST_PASSWORD). The database is
-- named casewire; change it throughout if clickhouse.database differs.
--
-- casewire_load: the load service. Writes the tables and, at start, creates
-- or migrates the schema (CREATE/ALTER on its own database only).
-- casewire_analyst: analysts and dashboards. SELECT on the v_* views only:
-- the views run as their definer (SQL SECURITY DEFINER), so the analyst
-- needs no right on the tables underneath.

CREATE SETTINGS PROFILE IF NOT EXISTS casewire_writer SETTINGS max_memory_usage = 4000000000;
CREATE SETTINGS PROFILE IF NOT EXISTS casewire_readonly SETTINGS
    readonly = 2, max_memory_usage = 2000000000, max_execution_time = 120,
    max_result_rows = 10000000, result_overflow_mode = 'throw';

CREATE QUOTA IF NOT EXISTS casewire_analyst FOR INTERVAL 1 hour MAX queries = 20000, errors = 1000, execution_time = 7200;

CREATE ROLE IF NOT EXISTS casewire_writer;
-- DROP TABLE: migrations rebuild derived tables (0009 recreates fact_stats
-- and its materialized view from facts).
GRANT SELECT, INSERT, ALTER, CREATE TABLE, CREATE VIEW, DROP VIEW, DROP TABLE, CREATE DATABASE ON casewire.* TO casewire_writer;

CREATE ROLE IF NOT EXISTS casewire_reader;
GRANT SELECT ON casewire.v_articles TO casewire_reader;
GRANT SELECT ON casewire.v_facts TO casewire_reader;
GRANT SELECT ON casewire.v_entities TO casewire_reader;
GRANT SELECT ON casewire.v_statistics TO casewire_reader;
GRANT SELECT ON casewire.v_facts_monthly TO casewire_reader;
GRANT SELECT ON casewire.v_divisions TO casewire_reader;

CREATE USER IF NOT EXISTS casewire_load IDENTIFIED WITH sha256_password BY '${CASEWIRE_CH_LOAD_PASSWORD}'
    DEFAULT ROLE casewire_writer SETTINGS PROFILE casewire_writer;
GRANT casewire_writer TO casewire_load;

CREATE USER IF NOT EXISTS casewire_analyst IDENTIFIED WITH sha256_password BY '${CASEWIRE_CH_ANALYST_PASSWORD}'
    DEFAULT ROLE casewire_reader SETTINGS PROFILE casewire_readonly;
GRANT casewire_reader TO casewire_analyst;
ALTER QUOTA casewire_analyst TO casewire_analyst;

-- The views read their tables with the rights of their definer, so that the
-- analyst's SELECT on a view is enough. Re-run after a migration that
-- recreates a view.
ALTER TABLE casewire.v_articles MODIFY DEFINER = casewire_load SQL SECURITY DEFINER;
ALTER TABLE casewire.v_facts MODIFY DEFINER = casewire_load SQL SECURITY DEFINER;
ALTER TABLE casewire.v_entities MODIFY DEFINER = casewire_load SQL SECURITY DEFINER;
ALTER TABLE casewire.v_statistics MODIFY DEFINER = casewire_load SQL SECURITY DEFINER;
ALTER TABLE casewire.v_facts_monthly MODIFY DEFINER = casewire_load SQL SECURITY DEFINER;
ALTER TABLE casewire.v_divisions MODIFY DEFINER = casewire_load SQL SECURITY DEFINER;
