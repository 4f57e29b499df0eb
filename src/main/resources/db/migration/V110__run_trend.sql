-- The figures of a run's trend that audit_run does not hold: its directed pairs and pairs OK, and how many
-- finding ids were new or resolved against the previous successful run of the same config (null for the
-- first run of a config). One row per successful run stored since this migration; older runs have none, and
-- their trend points lack these values. Portable SQL (H2 2.x and PostgreSQL 12+).
-- Numbered above the scheduling migrations (V100..) and the other history additions (V103..) that existing
-- stores may have applied already: Flyway applies migrations in version order only.
CREATE TABLE run_trend (
    run_id            VARCHAR(36)   NOT NULL PRIMARY KEY REFERENCES audit_run (id) ON DELETE CASCADE,
    pairs             INTEGER       NOT NULL,
    pairs_ok          INTEGER       NOT NULL,
    new_findings      INTEGER,
    resolved_findings INTEGER
);
