package org.kcdauditor.run;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.AuditInputs;
import org.kcdauditor.audit.AuditResult;
import org.kcdauditor.audit.Auditor;
import org.kcdauditor.audit.PreviousRun;
import org.kcdauditor.audit.Timings;
import org.kcdauditor.baseline.Baseline;
import org.kcdauditor.baseline.BaselineFile;
import org.kcdauditor.baseline.Waiver;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.directory.DirectoriesCollector;
import org.kcdauditor.directory.DirectoryException;
import org.kcdauditor.home.Build;
import org.kcdauditor.home.Installation;
import org.kcdauditor.inventory.HardeningCatalogue;
import org.kcdauditor.inventory.HardeningCatalogueFile;
import org.kcdauditor.inventory.ImportResult;
import org.kcdauditor.inventory.Inventory;
import org.kcdauditor.io.Futures;
import org.kcdauditor.audit.ResolvedCluster;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.LastFound;
import org.kcdauditor.model.Snapshot;
import org.kcdauditor.model.Spn;
import org.kcdauditor.model.TrendPoint;
import org.kcdauditor.report.FindingsDocument;
import org.kcdauditor.report.FindingsJson;
import org.kcdauditor.report.HistorySections;
import org.kcdauditor.report.Manifest;
import org.kcdauditor.report.Format;
import org.kcdauditor.report.ReportView;
import org.kcdauditor.report.Reports;
import org.kcdauditor.rules.RuleCatalogue;
import org.kcdauditor.store.CompletedRun;
import org.kcdauditor.store.RunStore;
import org.kcdauditor.store.StoreException;
import org.kcdauditor.store.StoreUrls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One audit: connect, collect a snapshot, import patches and events, read the baseline and the
 * previous run, evaluate the catalogue, write the outputs, store the run. The CLI's {@code run},
 * {@code demo}, {@code preflight}, {@code baseline capture} and the scheduler all call this.
 *
 * <p>Store discipline: the run is recorded RUNNING before collection; its snapshot and findings are
 * written in one transaction at the end; any failure marks it FAILED with the reason and writes
 * nothing else, so earlier runs, the baseline and earlier reports are never touched.
 */
public final class AuditRun {
    private static final DateTimeFormatter FOLDER = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);
    /** How many earlier change records the timeline of findings.json carries. */
    static final int TIMELINE = 200;
    /** How many runs of a config its trend shows (this one included). */
    static final int TREND = 12;
    /** The trigger of the demo's run, whose configuration is a copy beside a directory served for that run only. */
    public static final String DEMO = "demo";

    /**
     * What a finished run produced. {@code outDir} is null when no reports were written; {@code view} is the view
     * the report writers read (null when none were written: {@link #view()} then makes one from the document);
     * {@code leftOver}: reports of an earlier run that {@code --out DIR} still holds and this run did not write, left
     * in place and named on the console, since they do not describe this run; {@code manifestSha256}: the SHA-256 of
     * the {@value Manifest#FILE_NAME} it wrote, as written (null without reports), for the auditor to file elsewhere.
     */
    public record Outcome(String runId, Path outDir, FindingsDocument document, ReportView view, AuditResult result,
                          List<Path> files, List<Path> leftOver, int objectsRead, String manifestSha256) {
        /** Without a manifest. */
        public Outcome(String runId, Path outDir, FindingsDocument document, ReportView view, AuditResult result,
                       List<Path> files, List<Path> leftOver, int objectsRead) {
            this(runId, outDir, document, view, result, files, leftOver, objectsRead, null);
        }

        /** The view the reports were written from, or for a run without reports one made now (the same numbers). */
        @Override
        public ReportView view() {
            return view != null ? view : ReportView.of(document);
        }
    }

    /** Where the snapshot comes from: the directory, or a test double. */
    @FunctionalInterface
    public interface SnapshotSource {
        Snapshot collect(IntConsumer progress) throws DirectoryException;
    }

    /** The evaluation of one snapshot with everything the history rules need. */
    public record Evaluation(AuditResult result, AuditInputs inputs, Inventory.Imported imported,
                             HistorySections.Sections sections) {
    }

    private final AuditConfig config;
    private final Secrets secrets;
    private final Clock clock;
    private final Reports reports;
    private final Path home;
    private final String trigger;
    private final boolean writeReports;
    private final SnapshotSource source;
    private final Map<String, String> env;
    /** The cluster whose nodes are read from every DC of their domain ({@code preflight --all-dcs}), or null. */
    private final String dcCheck;
    /** False for a capture replacing a baseline that cannot be read ({@code baseline capture --force}). */
    private final boolean readBaseline;

    public AuditRun(AuditConfig config, Secrets secrets, Clock clock, Reports reports) {
        this(config, secrets, clock, reports, Installation.locate(System.getenv()), "run", true, null,
                System.getenv(), null, true);
    }

    /**
     * The run every command and the daemon start from: the directory password and the store's credentials
     * read from {@code env}, the report writers with the installation's templates and the config's
     * {@code reports:} options. Adjust it with the {@code with…} methods.
     *
     * @param home the installation folder ({@link Installation})
     */
    public static AuditRun installed(AuditConfig config, Map<String, String> env, Clock clock, Path home) {
        return new AuditRun(config, new Secrets(env), clock, Reports.standard(Installation.at(home).templates(),
                config.reports()), home, "run", true, null, env, null, true);
    }

    private AuditRun(AuditConfig config, Secrets secrets, Clock clock, Reports reports, Path home, String trigger,
                     boolean writeReports, SnapshotSource source, Map<String, String> env, String dcCheck,
                     boolean readBaseline) {
        this.config = config;
        this.secrets = secrets;
        this.clock = clock;
        this.reports = reports;
        this.home = home;
        this.trigger = trigger;
        this.writeReports = writeReports;
        this.source = source;
        this.env = Map.copyOf(env);
        this.dcCheck = dcCheck;
        this.readBaseline = readBaseline;
    }

    /** The installation folder (shipped hardening catalogue). */
    public AuditRun withHome(Path h) {
        return new AuditRun(config, secrets, clock, reports, h, trigger, writeReports, source, env,
                dcCheck, readBaseline);
    }

    /** What started the run, as history shows it: run, demo, preflight, baseline-capture, schedule. */
    public AuditRun withTrigger(String t) {
        return new AuditRun(config, secrets, clock, reports, home, t, writeReports, source, env,
                dcCheck, readBaseline);
    }

    /** Store the run but write no report files. */
    public AuditRun withoutReports() {
        return new AuditRun(config, secrets, clock, reports, home, trigger, false, source, env,
                dcCheck, readBaseline);
    }

    /** Evaluate without the baseline: no drift, no waivers (a capture replacing an unreadable baseline). */
    public AuditRun withoutBaseline() {
        return new AuditRun(config, secrets, clock, reports, home, trigger, writeReports, source, env,
                dcCheck, false);
    }

    /** Collect from {@code s} instead of the directory. */
    public AuditRun withSource(SnapshotSource s) {
        return new AuditRun(config, secrets, clock, reports, home, trigger, writeReports, s, env,
                dcCheck, readBaseline);
    }

    /**
     * Reads the nodes of {@code cluster} (and of the clusters it migrates with) from every domain controller of their
     * domain too, and compares them with the DC the audit read ({@code preflight --all-dcs}).
     */
    public AuditRun withDcCheck(String cluster) {
        return new AuditRun(config, secrets, clock, reports, home, trigger, writeReports, source, env, cluster,
                readBaseline);
    }

    /** Environment for store credentials (store.userEnv / store.passwordEnv). */
    public AuditRun withEnvironment(Map<String, String> e) {
        return new AuditRun(config, secrets, clock, reports, home, trigger, writeReports, source, e,
                dcCheck, readBaseline);
    }

    /**
     * @param outDir   where to write; null for {@code <reports.dir>/<UTC yyyyMMdd-HHmmss>-<short run id>/}
     * @param progress told the running count of objects read, after each page
     */
    public Outcome execute(Path outDir, Collection<Format> formats, Timings timings, IntConsumer progress)
            throws DirectoryException, IOException {
        return execute(outDir, formats, timings, progress, new RunControl());
    }

    /**
     * A file a run writes besides its reports (a baseline capture's baseline): written once the run's rows are stored
     * and before the run counts as SUCCEEDED, so a run that cannot write it is recorded FAILED, as with a report.
     */
    public interface Output {
        /**
         * Writes the file; returns what takes it back (null: nothing to), which the run calls when it fails after
         * this (stopped, or its rows not committed): a failed run leaves no file naming it.
         */
        Runnable write(String runId, AuditResult result) throws IOException, DirectoryException;
    }

    /** The same, with a handle through which another thread can follow and stop the run. */
    public Outcome execute(Path outDir, Collection<Format> formats, Timings timings, IntConsumer progress,
                           RunControl control) throws DirectoryException, IOException {
        return execute(outDir, formats, timings, progress, control, (runId, result) -> null);
    }

    /**
     * The same, writing {@code output} too.
     *
     * <p>Reports go to an unfinished folder first ({@link RunFolder}): the folder gets its final name (or, with
     * {@code --out}, its files are moved into DIR, all or nothing), then the run is stored (one transaction; when
     * that fails, the move is undone). A run that fails is recorded FAILED (INTERRUPTED when it was stopped), and
     * whatever it had written is kept in a {@code .failed} folder with FAILED.txt.
     */
    public Outcome execute(Path outDir, Collection<Format> formats, Timings timings, IntConsumer progress,
                           RunControl control, Output output) throws DirectoryException, IOException {
        String runId = UUID.randomUUID().toString();
        // to the microsecond, as the store keeps it and findings.json writes it (see evaluated below)
        Instant startedAt = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        // before the run is begun in the store: an error in the baseline (exit 2) is an edit of a file to correct, as a
        // config error is, not an audit that failed, so it records no run
        BaselineFile.Read baseline = readBaseline();
        try (RunStore store = StoreUrls.open(config, env)) {
            String history = store.historyKey(config.historyKey());
            store.begin(runId, startedAt, trigger, history, config.directory().url(),
                    config.directory().baseDn());
            control.begun(runId);
            RunFolder folder = null;
            // the hosts are stored from the moment the clusters are resolved, beside the evaluation
            RunStore.SnapshotWrite[] hostsStored = new RunStore.SnapshotWrite[1];
            Runnable[] undo = new Runnable[1]; // takes back what output wrote, when the run fails after it
            // the previous run is read beside the collection, while the directory serves the search (at 20,000
            // hosts a second of decoding stored hosts); nothing else uses the store until it is read
            FutureTask<PreviousRun> previousRead = new FutureTask<>(() -> {
                long start = System.nanoTime();
                try {
                    return store.previousRun(history).orElse(null);
                } finally {
                    timings.add("previous", System.nanoTime() - start);
                }
            });
            Thread reader = new Thread(previousRead, "kcd-store-previous");
            reader.setDaemon(true);
            try {
                Snapshot snapshot;
                reader.start();
                try {
                    snapshot = collect(timings, progress, control);
                } finally {
                    awaitQuietly(previousRead); // the store's connection is free again
                }
                control.check();
                PreviousRun read = previous(previousRead);
                // a node whose name holds U+0000 is stored with it as text: matched by the name it has now
                PreviousRun previous = read == null ? null : read.withHostNames(snapshot.objects().stream()
                        .map(org.kcdauditor.model.AdObject::name).filter(n -> n != null && n.indexOf('\u0000') >= 0)
                        .toList(), RunStore::stored);
                Evaluation ev = evaluate(snapshot, previous, timings, runId, baseline,
                        hosts -> hostsStored[0] = store.writeSnapshot(runId, hosts, previous),
                        newNodes -> store.lastFound(history, newNodes));
                // to the microsecond, as the store keeps it (H2 and PostgreSQL round finer times): the finish time a
                // later run reads back is this one, not one a second on when it rounds up past a second
                Instant evaluated = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
                TrendPoint point = HistorySections.trendPoint(runId, evaluated, ev.result(), ev.sections().history());
                HistorySections.Sections sections = ev.sections().withTimeline(runId, evaluated,
                        ev.result().findings(), store.timeline(history, TIMELINE).stream()
                                .map(c -> new HistorySections.ChangeDoc(c.runId(), c.at(), c.host(), c.message(),
                                        c.kinds()))
                                .toList())
                        .withTrend(point, store.trend(history, TREND - 1))
                        .withFirstWaivedRuns(i -> firstWaiving(store, history, ev.inputs().baseline().waivers().get(i),
                                runId, ev.sections().baseline().waivers().get(i).findings()));
                FindingsDocument built = FindingsJson.build(runId, startedAt, evaluated, config, ev.result(),
                        RuleCatalogue.standard())
                        .withHistory(sections);
                // the runbooks' closing commands name the configuration, as the findings' own do
                // which kcd-audit ran, and the digest of the configuration it read: what an auditor shows later
                FindingsDocument named = (configFile() == null ? built : built.withConfigFile(configFile()))
                        .withProvenance(Build.describe(), configSha256());
                // and the change ticket they are prepared under, which report --from renders them with again
                FindingsDocument doc = config.reports().changeTicket() == null ? named
                        : named.withChangeTicket(config.reports().changeTicket());
                // the one view the writers read and the console prints (built once: seconds at 20,000 hosts); a run
                // without reports (a baseline capture, the demo's history) builds none
                ReportView view = writeReports ? reports.view(doc) : null;
                control.check();
                if (writeReports) {
                    RunFolder planned = outDir != null ? RunFolder.into(outDir, runId) : RunFolder.at(
                            defaultReportsDir().resolve(FOLDER.format(startedAt) + "-" + runId.substring(0, 8)));
                    store.reportDir(runId, planned.staging().toString());
                    folder = planned.create();
                    control.writing(folder.staging());
                }
                Path reportDir = folder == null ? null : folder.target();
                CompletedRun completed = new CompletedRun(ev.result(), snapshot.objects().size(), reportDir,
                        ev.imported().patches(), ev.imported().events(), point);
                List<Path> files = List.of();
                List<Path> leftOver = List.of();
                String manifestSha256 = null;
                if (folder != null) {
                    RunStore.Staged[] staged = new RunStore.Staged[1];
                    // The findings are stored while the reports are written, once the hosts are (at 20,000 hosts
                    // each is seconds of work on a core of its own); the run is marked SUCCEEDED once every report
                    // is written and in its place, and a failure deletes its rows with it (recordFailure).
                    List<Path> written = reports.writeAll(view, folder.staging(), formats, formats, timings, () -> {
                        timings.time("store", () -> staged[0] = store.stage(runId, completed, hostsStored[0]));
                        return null;
                    });
                    undo[0] = output.write(runId, ev.result());
                    control.check();
                    // the SHA-256 of each file, beside them: kcd-audit verify shows later that they are what was written
                    List<Path> listed = new ArrayList<>(written);
                    Path manifest = Manifest.write(folder.staging(), written);
                    manifestSha256 = Manifest.sha256(manifest);
                    listed.add(manifest);
                    RunFolder.Published published = folder.finish(listed);
                    try {
                        // finished when its findings.json says: the time every report and mail gives for the run,
                        // and the one later runs read (previous run, trend, timeline) and history shows
                        timings.time("store", () -> staged[0].commit(evaluated));
                    } catch (RuntimeException | Error e) {
                        published.undo(e); // the folder back to .partial, DIR's earlier files back in DIR
                        throw e;
                    }
                    undo[0] = null; // committed: the run SUCCEEDED and its output stays
                    files = published.keep();
                    leftOver = published.leftOver();
                } else {
                    RunStore.Staged[] staged = new RunStore.Staged[1];
                    timings.time("store", () -> staged[0] = store.stage(runId, completed, hostsStored[0]));
                    undo[0] = output.write(runId, ev.result());
                    timings.time("store", () -> staged[0].commit(evaluated));
                    undo[0] = null;
                }
                if (hostsStored[0] != null) {
                    timings.add("store-hosts", hostsStored[0].took()); // beside the evaluation and the writers
                }
                control.ended();
                return new Outcome(runId, reportDir, doc, view, ev.result(), files, leftOver,
                        snapshot.objects().size(), manifestSha256);
            } catch (Exception | Error e) {
                if (hostsStored[0] != null) {
                    hostsStored[0].abandon(e); // what it committed is deleted with the run's end
                }
                if (undo[0] != null) {
                    try {
                        undo[0].run();
                    } catch (RuntimeException u) {
                        e.addSuppressed(u);
                    }
                }
                Throwable failure = control.stopped() && !(e instanceof RunInterruptedException)
                        ? new RunInterruptedException(control.stopReason(), e) : e;
                recordFailure(store, runId, failure, folder, startedAt, control);
                control.ended();
                if (failure instanceof RunInterruptedException ri) {
                    throw ri;
                }
                throw e;
            }
        }
    }

    /** Waits for {@code read} to end, whatever its outcome (a failure surfaces through {@link #previous}). */
    private static void awaitQuietly(FutureTask<PreviousRun> read) {
        try {
            Futures.getUninterruptibly(read);
        } catch (ExecutionException e) {
            // reported by previous(read) when the collection succeeded; a failed collection is the run's error
        }
    }

    /** The previous run {@code read} found; its failure (a store that cannot be read) is the run's. */
    private static PreviousRun previous(FutureTask<PreviousRun> read) {
        try {
            return Futures.getUninterruptibly(read);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Records the run FAILED (INTERRUPTED when it was stopped) and marks its unfinished folder failed. */
    private void recordFailure(RunStore store, String runId, Throwable e, RunFolder folder, Instant startedAt,
                               RunControl control) {
        String why = reason(e);
        // H2 closes its file under a thread that is interrupted inside it: the flag is set again afterwards
        boolean interrupted = Thread.interrupted();
        try {
            record(store, runId, e, why);
        } catch (RuntimeException first) {
            // H2 closes the database after a write it could not make (a full disk): once more on a fresh connection
            try (RunStore again = StoreUrls.open(config, env)) {
                record(again, runId, e, why);
            } catch (RuntimeException second) {
                second.addSuppressed(first);
                e.addSuppressed(new RunNotRecorded(second instanceof StoreException ? second.getMessage()
                        : reason(second), second));
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (folder != null && Files.isDirectory(folder.staging())) {
            try {
                control.failed(folder.fail(why, runId, startedAt));
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
        }
    }

    private void record(RunStore store, String runId, Throwable e, String why) {
        if (e instanceof RunInterruptedException) {
            store.interrupt(runId, clock.instant(), why);
        } else {
            store.fail(runId, clock.instant(), why);
        }
    }

    /** Why a run failed, in one line, as its record in the store says it (the daemon's log and notice too). */
    public static String reason(Throwable e) {
        if (e instanceof IOException io) {
            return "cannot write output: " + org.kcdauditor.io.IoErrors.describe(io); // as the console says it
        }
        String m = e.getMessage();
        String first = m == null ? "" : m.lines().findFirst().orElse("");
        // our own exceptions already say what went wrong in words; others need their type to make sense
        boolean ours = e.getClass().getName().startsWith("org.kcdauditor.") && !first.isEmpty();
        return ours ? first : e.getClass().getSimpleName() + (first.isEmpty() ? "" : ": " + first);
    }

    /** Reads the snapshot (from the directory unless a source was given). */
    public Snapshot collect(Timings timings, IntConsumer progress) throws DirectoryException {
        return collect(timings, progress, new RunControl());
    }

    private Snapshot collect(Timings timings, IntConsumer progress, RunControl control) throws DirectoryException {
        Snapshot[] snapshot = new Snapshot[1];
        timings.time("collect", () -> {
            if (source != null) {
                snapshot[0] = source.collect(progress);
                return;
            }
            snapshot[0] = new DirectoriesCollector(config, secrets, clock, dcCheck).collect(control::reading,
                    progress);
        });
        return snapshot[0];
    }

    /**
     * The nodes of {@code ctx} that {@code previous} did not record (by name; joined, or renamed), by objectSid; empty
     * when there is none (every run of a cluster that did not change).
     */
    private static Map<String, String> notRecorded(AuditContext ctx, PreviousRun previous) {
        Set<String> recorded = new HashSet<>();
        previous.hosts().keySet().forEach(h -> recorded.add(h.toLowerCase(Locale.ROOT)));
        Map<String, String> out = new LinkedHashMap<>();
        for (AdObject node : ctx.nodes()) {
            if (node.objectSid() != null && node.name() != null
                    && !recorded.contains(node.name().toLowerCase(Locale.ROOT))) {
                out.putIfAbsent(node.objectSid(), node.name());
            }
        }
        return out;
    }

    /**
     * Evaluates a snapshot with the baseline, the previous run, the imported patches and events and
     * the hardening catalogue. Reads files, writes nothing.
     */
    public Evaluation evaluate(Snapshot snapshot, PreviousRun previous, Timings timings) {
        return evaluate(snapshot, previous, timings, null, readBaseline(), hosts -> { }, newNodes -> Map.of());
    }

    /** The baseline the run compares with; null when there is none or it is not read ({@link #withoutBaseline}). */
    private BaselineFile.Read readBaseline() {
        return readBaseline && java.nio.file.Files.exists(config.baselinePath())
                ? BaselineFile.readChecked(config.baselinePath()) : null;
    }

    /**
     * The same in the run {@code runId} (which names the files the remediation's commands write) with the baseline
     * {@code read} (null: none), telling {@code hostsResolved} the clusters' hosts as soon as they are resolved;
     * {@code lastFound} gives, for the nodes {@code previous} did not record (name by objectSid), the last earlier run
     * that found them under another name ({@link PreviousRun#lastFound}).
     */
    Evaluation evaluate(Snapshot snapshot, PreviousRun previous, Timings timings, String runId,
                        BaselineFile.Read read, Consumer<AuditContext.Hosts> hostsResolved,
                        java.util.function.Function<Map<String, String>, Map<String, LastFound>> lastFound) {
        Baseline baseline = read == null ? null : read.baseline();
        HardeningCatalogue catalogue = catalogue();
        // The clusters are resolved once: the import keeps only records of nodes, and the evaluation
        // reuses the same context with the imports. It is built by whichever needs it first (the
        // import only reads names when patch or event sources are configured).
        AuditContext[] context = new AuditContext[1];
        Supplier<AuditContext> resolved = () -> {
            if (context[0] == null) {
                context[0] = new AuditContext(snapshot, config.clusters(), config.policy(), hostsResolved);
            }
            return context[0];
        };
        Inventory.Imported[] imported = new Inventory.Imported[1];
        timings.time("import", () -> imported[0] = Inventory.load(config, name -> {
            AdObject o = name == null ? null : resolved.get().computer(name);
            return o != null && resolved.get().clusterOf(o) != null ? o.dn().toLowerCase(Locale.ROOT) : null;
        }, kdcRelevant(resolved), java.time.LocalDate.ofInstant(clock.instant(), java.time.ZoneOffset.UTC)));
        PreviousRun compared = previous == null ? null
                : previous.withLastFound(lastFound.apply(notRecorded(resolved.get(), previous)));
        AuditInputs inputs = new AuditInputs(clock.instant(), baseline, compared, imported[0].patches(),
                !config.patches().sources().isEmpty(), catalogue, imported[0].events(),
                !config.events().sources().isEmpty(), imported[0].hostSettings(),
                !config.hostSettings().sources().isEmpty(), config.maxWaiverDays(), imported[0].results().stream()
                .filter(r -> r.error() != null).map(ImportResult::kind).collect(java.util.stream.Collectors.toSet()),
                configFile());
        AuditResult[] result = new AuditResult[1];
        timings.time("evaluate", () -> result[0] = new Auditor(RuleCatalogue.standard())
                .evaluate(resolved.get().withInputs(inputs), runId));
        HistorySections.Sections sections = HistorySections.build(result[0], inputs,
                baseline == null ? null : config.baselinePath(), imported[0].results(),
                !config.patches().sources().isEmpty()).withBaselineFile(read);
        return new Evaluation(result[0], inputs, imported[0], sections);
    }

    /**
     * The first run of {@code history} that waived a finding under {@code w} ({@link Retention#firstRunWaiving}), or,
     * when the store knows none and this run ({@code runId}) waives {@code waivedNow} findings under it, this run.
     */
    private static Optional<String> firstWaiving(RunStore store, String history, Waiver w, String runId, int waivedNow) {
        Optional<String> first = Retention.firstRunWaiving(store, history, w);
        return first.isPresent() || waivedNow == 0 ? first : Optional.of(runId);
    }

    /**
     * The configuration file this run read as findings.json records it ({@code summary.configFile}) and the findings'
     * commands name it ({@link AuditInputs#configFile}): absolute and without {@code .} and {@code ..}, since a runbook
     * is read from another folder and the daemon's working folder is not the admin's; null for a configuration read
     * from no file and for the demo's, a copy for this run only.
     */
    private String configFile() {
        return config.source() == null || DEMO.equals(trigger) ? null
                : config.source().toAbsolutePath().normalize().toString();
    }

    /**
     * The SHA-256 (hex) of the configuration file's bytes ({@code summary.configSha256}) as they were when the
     * configuration was loaded ({@link AuditConfig#sourceSha256}: the daemon keeps its configuration until it is
     * restarted, so the file is never read again for it); null where {@link #configFile} is (the demo's copy, a
     * configuration read from no file).
     */
    private String configSha256() {
        return configFile() == null ? null : config.sourceSha256();
    }

    /**
     * Whether an account or service a KDCSVC event names ({@code HV01$}, {@code CONTOSO\NAS01$},
     * {@code cifs/nas01.contoso.com@CONTOSO.COM}) is a node, a file server, or a host the nodes delegate to.
     */
    static Predicate<String> kdcRelevant(Supplier<AuditContext> context) {
        return new Predicate<>() {
            private Set<AdObject> relevant;

            @Override
            public boolean test(String name) {
                AuditContext ctx = context.get();
                if (relevant == null) {
                    relevant = Collections.newSetFromMap(new IdentityHashMap<>());
                    for (ResolvedCluster c : ctx.clusters()) {
                        relevant.addAll(c.nodes());
                        relevant.addAll(c.fileServers());
                    }
                    for (AdObject n : ctx.nodes()) {
                        for (String entry : n.delegateTo()) {
                            Spn spn = Spn.parse(entry);
                            AdObject target = spn == null ? null : ctx.computer(spn.hostName());
                            if (target != null) {
                                relevant.add(target);
                            }
                        }
                    }
                }
                String n = name.strip();
                n = n.substring(n.lastIndexOf('\\') + 1);
                if (n.indexOf('@') > 0) {
                    n = n.substring(0, n.indexOf('@'));
                }
                Spn spn = n.contains("/") ? Spn.parse(n) : null;
                AdObject o = ctx.computer(spn != null ? spn.hostName() : n);
                return o != null && relevant.contains(o);
            }
        };
    }

    /** The configured catalogue, else the shipped one (the installation's, else the jar's copy). */
    public HardeningCatalogue catalogue() {
        if (config.hardeningCatalogue() != null) {
            return HardeningCatalogueFile.read(config.resolve(config.hardeningCatalogue()));
        }
        return HardeningCatalogueFile.read(Installation.at(home).catalogue());
    }

    public AuditConfig config() {
        return config;
    }

    /** Marks a stored run as one retention keeps (the baseline captured from it). */
    public void pin(String runId, String reason) {
        try (RunStore store = StoreUrls.open(config, env)) {
            store.pin(runId, reason);
        }
    }

    private Path defaultReportsDir() {
        if (config.reports().dir() != null) {
            return config.resolve(config.reports().dir());
        }
        return Path.of("reports");
    }
}
