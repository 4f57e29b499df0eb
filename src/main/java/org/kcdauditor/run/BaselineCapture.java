package org.kcdauditor.run;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.Timings;
import org.kcdauditor.baseline.Baseline;
import org.kcdauditor.baseline.BaselineFile;
import org.kcdauditor.baseline.Waiver;
import org.kcdauditor.directory.DirectoryException;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.HostState;
import org.kcdauditor.model.Severity;
import org.kcdauditor.report.Format;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code baseline capture}: audit now (the run is stored with trigger {@code baseline-capture}, no reports)
 * and write the baseline from its cluster nodes, carrying the waivers of the existing file over. The file
 * is written atomically, and only in a form and size the baseline loader reads back.
 */
public final class BaselineCapture {
    /** What a capture wrote: the baseline, the backup of the one it replaced (or null), open HIGH findings. */
    public record Captured(Baseline baseline, Path backup, long openHigh) {
    }

    private BaselineCapture() {
    }

    public static Captured capture(AuditRun run, Path file, String approvedBy, boolean force, Clock clock)
            throws DirectoryException, IOException {
        Baseline old = Files.exists(file) ? BaselineFile.read(file) : null;
        AuditRun.Outcome o = run.withTrigger("baseline-capture").withoutReports()
                .execute(null, Set.of(Format.JSON), new Timings(), n -> { });
        AuditContext ctx = o.result().context();
        long high = o.result().findings().stream().filter(f -> !f.isWaived() && f.severity() == Severity.HIGH).count();
        Map<String, HostState> hosts = new LinkedHashMap<>();
        for (AdObject n : ctx.nodes()) {
            hosts.put(n.name(), HostState.of(n));
        }
        List<Waiver> waivers = old == null ? List.of() : old.waivers();
        Baseline captured = new Baseline(clock.instant(), o.runId(), approvedBy, hosts, waivers);
        Path backup = BaselineFile.write(file, captured, force, clock.instant());
        run.pin(o.runId(), "baseline " + file.getFileName() + " captured " + clock.instant());
        return new Captured(captured, backup, high);
    }
}
