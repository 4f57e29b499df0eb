package org.kcdauditor.run;

import com.unboundid.ldap.sdk.LDAPConnection;
import org.kcdauditor.audit.AuditResult;
import org.kcdauditor.audit.Auditor;
import org.kcdauditor.audit.Timings;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.directory.DirectoryCollector;
import org.kcdauditor.directory.DirectoryException;
import org.kcdauditor.directory.LdapConnector;
import org.kcdauditor.model.Snapshot;
import org.kcdauditor.report.FindingsDocument;
import org.kcdauditor.report.FindingsJson;
import org.kcdauditor.report.Reports;
import org.kcdauditor.rules.RuleCatalogue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.function.IntConsumer;

/**
 * One audit: connect, collect a snapshot, evaluate the catalogue, write the outputs. The CLI's
 * {@code run} and {@code demo} and the scheduler all call this; none holds logic of its own.
 */
public final class AuditRun {
    private static final DateTimeFormatter FOLDER = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    /** What a finished run produced. */
    public record Outcome(String runId, Path outDir, FindingsDocument document, AuditResult result,
                          List<Path> files, int objectsRead) {
    }

    private final AuditConfig config;
    private final Secrets secrets;
    private final Clock clock;
    private final Reports reports;

    public AuditRun(AuditConfig config, Secrets secrets, Clock clock, Reports reports) {
        this.config = config;
        this.secrets = secrets;
        this.clock = clock;
        this.reports = reports;
    }

    /**
     * @param outDir   where to write; null for {@code <reports.dir>/<UTC yyyyMMdd-HHmmss>-<short run id>/}
     * @param progress told the running count of objects read, after each page
     */
    public Outcome execute(Path outDir, Collection<String> formats, Timings timings, IntConsumer progress)
            throws DirectoryException, IOException {
        String runId = UUID.randomUUID().toString();
        Instant startedAt = clock.instant();
        Snapshot[] snapshot = new Snapshot[1];
        timings.time("collect", () -> {
            try (LDAPConnection connection = new LdapConnector(config, secrets).connect()) {
                snapshot[0] = new DirectoryCollector(config, clock).collect(connection, progress);
            }
        });
        AuditResult[] result = new AuditResult[1];
        timings.time("evaluate", () -> result[0] = new Auditor(RuleCatalogue.standard())
                .evaluate(snapshot[0], config.clusters(), config.policy()));
        FindingsDocument doc = FindingsJson.build(runId, startedAt, clock.instant(), config, result[0]);
        Path dir = outDir != null ? outDir : defaultReportsDir().resolve(FOLDER.format(startedAt) + "-"
                + runId.substring(0, 8));
        Files.createDirectories(dir);
        List<Path> files = reports.writeAll(doc, dir, formats, timings);
        return new Outcome(runId, dir, doc, result[0], files, snapshot[0].objects().size());
    }

    private Path defaultReportsDir() {
        if (config.reports() != null && config.reports().dir() != null) {
            return config.resolve(config.reports().dir());
        }
        return Path.of("reports");
    }
}
