package org.kcdauditor.run;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.Timings;
import org.kcdauditor.baseline.Baseline;
import org.kcdauditor.baseline.BaselineFile;
import org.kcdauditor.baseline.Waiver;
import org.kcdauditor.config.ConfigException;
import org.kcdauditor.directory.DirectoryException;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.DirectoryPart;
import org.kcdauditor.model.HostState;
import org.kcdauditor.model.Finding;
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
 * is written atomically, and only in a form and size the baseline loader reads back. An existing file that cannot
 * be read is refused, or with {@code force} replaced (kept as the backup) by a capture made without it.
 */
public final class BaselineCapture {
    /**
     * What a capture wrote: the baseline, the backup of the one it replaced (or null), open HIGH findings, why
     * the one it replaced could not be read (its waivers were not carried over) or null, and the WAIVER_EXPIRED
     * findings of the waivers it carried over that have expired.
     */
    public record Captured(Baseline baseline, Path backup, long openHigh, String previousUnreadable,
                           List<Finding> expiredWaivers) {
    }

    private BaselineCapture() {
    }

    /**
     * Reads the existing baseline; one that cannot be read is refused with what to do about it.
     *
     * @throws ConfigException the loader's reason, and: fix it, or give --force
     */
    public static Baseline refuseUnreadable(Path file) {
        try {
            return BaselineFile.read(file);
        } catch (ConfigException e) {
            throw new ConfigException(e.getMessage() + " (fix the baseline, or give --force to capture a new one: the"
                    + " unreadable file is kept as " + file.getFileName() + ".<timestamp>.bak)");
        }
    }

    public static Captured capture(AuditRun run, Path file, String approvedBy, boolean force, Clock clock)
            throws DirectoryException, IOException {
        return capture(run, file, approvedBy, null, force, clock, new RunControl());
    }

    /**
     * Where a baseline at {@code file} is written: a baseline linked into place (kept in a folder under version control,
     * on a share) where the link points, also before that file exists (the link made before the first capture), a
     * chain of links followed; a rename onto the link itself would replace it, and leave the file it names as it was.
     */
    private static Path linkedTo(Path file) throws IOException {
        Path p = file;
        for (int hops = 0; hops < 40 && Files.isSymbolicLink(p); hops++) {
            p = p.resolveSibling(Files.readSymbolicLink(p));
        }
        return p;
    }

    /**
     * The same, recording the change {@code ticket} (null: none) the capture was approved under, stopped through
     * {@code control} (Ctrl-C): the audit is then recorded INTERRUPTED, nothing written.
     */
    public static Captured capture(AuditRun run, Path file, String approvedBy, String ticket, boolean force,
                                   Clock clock, RunControl control) throws DirectoryException, IOException {
        Baseline old = null;
        String unreadable = null;
        if (Files.exists(file)) {
            if (!force) {
                old = refuseUnreadable(file);
            } else {
                try {
                    old = BaselineFile.read(file);
                } catch (ConfigException e) {
                    unreadable = e.getMessage();
                }
            }
        }
        Path target = linkedTo(file);
        AuditRun capture = unreadable == null ? run : run.withoutBaseline();
        List<Waiver> waivers = old == null ? List.of() : old.waivers();
        Baseline[] captured = new Baseline[1];
        Path[] backup = new Path[1];
        // written before the run counts as SUCCEEDED: a capture that writes no baseline is a failed run in history
        AuditRun.Outcome o = capture.withTrigger(org.kcdauditor.store.RunSummary.BASELINE_CAPTURE).withoutReports()
                .execute(null, Set.of(Format.JSON), new Timings(), n -> { }, control, (runId, result) -> {
                    captured[0] = baseline(result.context(), file, runId, approvedBy, ticket, waivers,
                            clock);
                    backup[0] = BaselineFile.write(target, captured[0], force, clock.instant());
                    return () -> restore(target, backup[0]);
                });
        long high = o.result().findings().stream().filter(f -> !f.isWaived() && f.severity() == Severity.HIGH).count();
        run.pin(o.runId(), "baseline " + file.getFileName() + " captured " + clock.instant());
        List<Finding> expired = o.result().findings().stream().filter(f -> "WAIVER_EXPIRED".equals(f.rule())).toList();
        return new Captured(captured[0], backup[0], high, unreadable, expired);
    }

    /**
     * Takes back a baseline written for a run that then failed: the one it replaced back from its {@code backup}, or,
     * when there was none, the new file removed. A baseline naming a run recorded FAILED would pin nothing and compare
     * every later run with a state history does not hold.
     */
    static void restore(Path file, Path backup) {
        try {
            if (backup == null) {
                Files.deleteIfExists(file);
            } else {
                Files.move(backup, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("the baseline written for the failed run could not be taken back: "
                    + file + (backup == null ? "" : " (the earlier one is " + backup + ")"), e);
        }
    }

    /** The baseline of the cluster nodes {@code ctx} read; refused while a directory could not be read. */
    private static Baseline baseline(AuditContext ctx, Path file, String runId, String approvedBy, String ticket,
                                     List<Waiver> waivers, Clock clock) throws DirectoryException {
        for (DirectoryPart part : ctx.snapshot().directories()) {
            if (!part.audited()) {
                // its hosts would be left out, and show up as new (drift) once it answers again
                throw new DirectoryException("baseline capture: directory " + part.name() + " (directories."
                        + part.name() + ") could not be read (" + part.failure() + "), so the hosts of its clusters"
                        + " would be missing from the baseline; nothing was written (" + file.getFileName()
                        + " is as it was) — capture again when it answers");
            }
        }
        Map<String, HostState> hosts = new LinkedHashMap<>();
        for (AdObject n : ctx.nodes()) {
            hosts.put(n.name(), HostState.of(n));
        }
        return new Baseline(clock.instant(), runId, approvedBy, hosts, waivers, ticket);
    }
}
