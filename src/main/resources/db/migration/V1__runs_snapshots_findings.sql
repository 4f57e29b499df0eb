-- kcd-auditor history store, version 1. Portable SQL: runs unchanged on H2 2.x and PostgreSQL 12+.
-- V1..V99 belong to the history store; V100+ are reserved for scheduling (Quartz, outbox).

CREATE TABLE audit_run (
    id              VARCHAR(36)   NOT NULL PRIMARY KEY,
    run_no          BIGINT        NOT NULL UNIQUE,     -- 1, 2, 3, ... in the order runs began
    started_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at     TIMESTAMP WITH TIME ZONE,
    status          VARCHAR(16)   NOT NULL,            -- RUNNING, SUCCEEDED, FAILED
    trigger_name    VARCHAR(32)   NOT NULL,            -- run, demo, preflight, baseline-capture, schedule
    config_path     VARCHAR(1000),
    directory_url   VARCHAR(1000),
    base_dn         VARCHAR(1000),
    failure_reason  VARCHAR(2000),
    report_dir      VARCHAR(1000),
    objects_read    INTEGER,
    hosts           INTEGER,
    findings        INTEGER,
    high            INTEGER,
    medium          INTEGER,
    low             INTEGER,
    info            INTEGER,
    waived          INTEGER,
    compliance      DOUBLE PRECISION
);
CREATE INDEX audit_run_started ON audit_run (started_at);

CREATE TABLE run_host (
    run_id          VARCHAR(36)   NOT NULL REFERENCES audit_run (id),
    host_name       VARCHAR(255)  NOT NULL,
    cluster_name    VARCHAR(255),
    dn              VARCHAR(1000),
    sam_account     VARCHAR(255),
    dns_host_name   VARCHAR(255),
    uac             INTEGER       NOT NULL,
    object_sid      VARCHAR(200),
    os              VARCHAR(255),
    os_version      VARCHAR(255),
    when_changed    TIMESTAMP WITH TIME ZONE,
    usn_changed     BIGINT,
    PRIMARY KEY (run_id, host_name)
);

-- Multi-valued attributes: attr is 'delegateTo' (msDS-AllowedToDelegateTo), 'spn' or 'rbcd'.
CREATE TABLE run_host_value (
    run_id          VARCHAR(36)   NOT NULL REFERENCES audit_run (id),
    host_name       VARCHAR(255)  NOT NULL,
    attr            VARCHAR(32)   NOT NULL,
    seq             INTEGER       NOT NULL,
    val             VARCHAR(1000) NOT NULL,
    PRIMARY KEY (run_id, host_name, attr, seq)
);

CREATE TABLE run_patch (
    run_id          VARCHAR(36)   NOT NULL REFERENCES audit_run (id),
    seq             INTEGER       NOT NULL,
    host_name       VARCHAR(255)  NOT NULL,
    kb              VARCHAR(32)   NOT NULL,
    installed_on    DATE,
    description     VARCHAR(255),
    origin          VARCHAR(1000),
    PRIMARY KEY (run_id, seq)
);

CREATE TABLE run_event (
    run_id          VARCHAR(36)   NOT NULL REFERENCES audit_run (id),
    seq             INTEGER       NOT NULL,
    host_name       VARCHAR(255),
    event_id        INTEGER       NOT NULL,
    time_created    TIMESTAMP WITH TIME ZONE,
    source_host     VARCHAR(255),
    dest_host       VARCHAR(255),
    classification  VARCHAR(32),
    hresult         VARCHAR(16),
    message         VARCHAR(4000),
    origin          VARCHAR(1000),
    PRIMARY KEY (run_id, seq)
);

CREATE TABLE run_finding (
    run_id          VARCHAR(36)   NOT NULL REFERENCES audit_run (id),
    finding_id      VARCHAR(32)   NOT NULL,
    seq             INTEGER       NOT NULL,
    rule_id         VARCHAR(64)   NOT NULL,
    severity        VARCHAR(8)    NOT NULL,
    cluster_name    VARCHAR(255),
    host_name       VARCHAR(255),
    peer            VARCHAR(255),
    spn             VARCHAR(1000),
    message         VARCHAR(4000),
    remediation     VARCHAR(4000),
    waived          BOOLEAN       NOT NULL,
    justification   VARCHAR(1000),
    PRIMARY KEY (run_id, seq)
);
CREATE INDEX run_finding_id ON run_finding (finding_id);

-- One row per named lock (e.g. 'audit'): a scheduler takes it before a run, so two runs never overlap.
CREATE TABLE run_lock (
    name            VARCHAR(64)   NOT NULL PRIMARY KEY,
    owner           VARCHAR(200)  NOT NULL,
    acquired_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
