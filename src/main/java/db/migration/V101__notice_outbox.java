package db.migration;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

import java.sql.Connection;
import java.util.List;

/**
 * The notice outbox and the log of scheduled fires. The only vendor difference is the type of the
 * stored MIME message (BLOB on H2, BYTEA on PostgreSQL), hence a Java migration.
 */
public class V101__notice_outbox extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        String bytes = QuartzDdl.isPostgres(c) ? "BYTEA" : "BLOB";
        QuartzDdl.execute(c, List.of("""
                CREATE TABLE notice_outbox (
                    id              VARCHAR(200)  NOT NULL PRIMARY KEY,
                    message_id      VARCHAR(300)  NOT NULL,
                    run_id          VARCHAR(36),
                    job_name        VARCHAR(80),
                    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
                    recipients      VARCHAR(4000) NOT NULL,
                    subject         VARCHAR(1000) NOT NULL,
                    mime            %s NOT NULL,
                    status          VARCHAR(16)   NOT NULL,
                    attempts        INTEGER       NOT NULL,
                    next_attempt_at TIMESTAMP WITH TIME ZONE NOT NULL,
                    last_error      VARCHAR(2000),
                    claimed_by      VARCHAR(200),
                    claimed_until   TIMESTAMP WITH TIME ZONE,
                    sent_at         TIMESTAMP WITH TIME ZONE
                )""".formatted(bytes),
                "CREATE INDEX notice_outbox_due ON notice_outbox (status, next_attempt_at)",
                """
                CREATE TABLE schedule_fire (
                    id              VARCHAR(36)   NOT NULL PRIMARY KEY,
                    job_name        VARCHAR(80)   NOT NULL,
                    fire_time       TIMESTAMP WITH TIME ZONE NOT NULL,
                    fired_at        TIMESTAMP WITH TIME ZONE NOT NULL,
                    finished_at     TIMESTAMP WITH TIME ZONE,
                    instance_id     VARCHAR(200)  NOT NULL,
                    recovering      BOOLEAN       NOT NULL,
                    run_id          VARCHAR(36),
                    status          VARCHAR(16)   NOT NULL,
                    detail          VARCHAR(2000)
                )""",
                "CREATE INDEX schedule_fire_job ON schedule_fire (job_name, fire_time)"));
    }
}
