package org.kcdauditor.cli;

import org.kcdauditor.run.ExitCodes;
import org.kcdauditor.audit.Timings;
import org.kcdauditor.config.ConfigException;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.config.ReportsConfig;
import org.kcdauditor.remedy.Ps;
import org.kcdauditor.store.RunStore;
import org.kcdauditor.store.RunSummary;
import org.kcdauditor.store.StoreUrls;
import org.kcdauditor.report.FindingsDocument;
import org.kcdauditor.report.FindingsJson;
import org.kcdauditor.report.Format;
import org.kcdauditor.report.Manifest;
import org.kcdauditor.report.Reports;
import org.kcdauditor.run.RunFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Re-render the reports of a stored run from its findings.json, without touching AD.",
                "Use it after editing templates/*.ftl, or to produce a format the run did not write. The formats"
                        + " replace the folder's files together or, on any failure, none does."},
        footer = {"", "Exit codes: 0 written, 2 usage error (missing findings.json, bad template, a run that did not"
                + " complete or whose folder another run's --out reused), 3 the folder's findings.json or a report"
                + " kept beside the new ones does not match its manifest.sha256 (nothing written), 1 cannot write.",
                "A run id as history lists it also names the run: --from 1a2b3c4d --config config/kcd-audit.yaml.",
                "Example:", "kcd-audit report --from reports/20261126-060000-1a2b3c4d --formats md,html,ps1"})
final class ReportCommand implements Callable<Integer> {
    /** The hidden folder inside DIR the reports are written to before they are moved into DIR. */
    private static final String STAGING_PREFIX = ".kcd-report-";
    private final Cli cli;

    @Option(names = "--from", required = true, paramLabel = "DIR|RUN",
            description = "The folder of a run (holding findings.json), the findings.json file itself, or a run id"
                    + " (or a unique prefix of at least 4 characters, as history lists it) with --config, whose store"
                    + " names its folder.")
    Path from;

    @Option(names = "--out", paramLabel = "DIR", description = "Write into DIR (default: the --from folder); a DIR"
            + " that holds another run's findings.json is refused (exit 2).")
    Path out;

    @Option(names = "--formats", split = ",", paramLabel = "FORMAT",
            description = "Comma-separated: xlsx,pdf,md,html,ps1,json (default: all).")
    List<String> formats;

    @Option(names = "--templates", paramLabel = "DIR",
            description = "Folder of the runbook templates (default: templates/ of the installation; a template"
                    + " missing there is taken from the built-in copy).")
    Path templates;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Take reports.pdfMatrixMaxNodes and (for a run that recorded none) reports.changeTicket"
                    + " from this configuration, and"
                    + " the history store a run id given as --from is looked up in.")
    Path config;

    @Option(names = "--change-ticket", paramLabel = "TICKET",
            description = "The change ticket the reports are prepared for (default: the one the run's reports were"
                    + " prepared under, summary.changeTicket of its findings.json; for a run without one"
                    + " reports.changeTicket of --config, else a field to fill in). Replacing the run's is said on"
                    + " stderr.")
    String changeTicket;

    @Option(names = "--timings", description = "Print the time each writer took.")
    boolean timings;

    ReportCommand(Cli cli) {
        this.cli = cli;
    }

    /**
     * A run id's pattern: what {@code history} lists (a UUID or a prefix of it), never a path; one shorter than
     * {@link HistoryCommand#MIN_PREFIX} is refused as too short, as {@code history show} refuses it.
     */
    private static final Pattern RUN_ID = Pattern.compile("[0-9a-fA-F][0-9a-fA-F-]{0,35}");

    /**
     * {@code --from} as given where it exists; a run id or prefix the history store of {@code --config} knows, as the
     * folder it stored for that run.
     */
    private Path storedFolder() {
        String id = from.toString();
        if (Files.exists(from, LinkOption.NOFOLLOW_LINKS) || !RUN_ID.matcher(id).matches()) {
            return from;
        }
        if (config == null) {
            throw new ConfigException("--from: " + id + " is no folder or file here; to name a run by its id, give"
                    + " --config FILE too (the history store is read from it)");
        }
        String shortPrefix = HistoryCommand.tooShort(id, config);
        if (shortPrefix != null) {
            throw new ConfigException("--from: " + id + " is no folder or file here, and as a " + shortPrefix);
        }
        try (RunStore store = StoreUrls.open(ConfigLoader.load(config), cli.env())) {
            RunSummary r;
            try {
                r = store.find(id).orElseThrow(() -> new ConfigException("--from: no run " + id + " in the history"
                        + " store of " + config + " (kcd-audit history --config " + ShellArg.of(config)
                        + " lists them)"));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--from: " + e.getMessage());
            }
            if (!RunSummary.SUCCEEDED.equals(r.status())) {
                throw new ConfigException("--from: run " + r.id() + " did not complete (" + r.status()
                        + (r.failureReason() == null ? "" : ": " + Ps.oneLine(r.failureReason()))
                        + "): it has no reports to re-render");
            }
            if (r.reportDir() == null) {
                throw new ConfigException("--from: run " + r.id() + " (" + r.trigger() + ", " + r.status()
                        + ") wrote no report folder, so there is nothing to re-render");
            }
            Path dir = Path.of(r.reportDir());
            if (!Files.isDirectory(dir)) {
                throw new ConfigException("--from: run " + r.id() + " wrote its reports to " + dir + ", which is no"
                        + " longer there (removed, or store.retain pruned it)");
            }
            String held = heldInstead(r);
            if (held != null) {
                throw new ConfigException("--from: the folder of run " + shortId(r.id()) + ", " + dir + ", now holds "
                        + held + ": nothing of " + shortId(r.id()) + " to re-render");
            }
            return dir;
        }
    }

    /**
     * What the report folder the store names for run {@code r} holds instead of its reports: "run 8488f4ec's reports
     * (reused by --out)" when its findings.json is another run's (a later run given the same --out replaced it); null
     * when it is the run's own, or there is none to tell (the folder gone, no findings.json).
     */
    static String heldInstead(RunSummary r) {
        if (r.reportDir() == null) {
            return null;
        }
        Path findings = Path.of(r.reportDir()).resolve(FindingsJson.FILE_NAME);
        String other = Files.isRegularFile(findings) ? FindingsJson.runIdOf(findings) : null;
        return other == null || other.equals(r.id()) ? null
                : "run " + shortId(other) + "'s reports (reused by --out)";
    }

    /**
     * Refuses the folder of a run that did not complete, whose files are no report (they may be missing, incomplete or
     * out of step): one named {@code .failed} or holding {@value RunFolder#FAILED_TXT} (a failed run's; the file names
     * the run and why it failed), or named {@code .partial} (a run still writing, or killed before it could be marked).
     */
    private static void refuseUnfinished(Path dir) {
        if (dir == null) {
            return;
        }
        String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
        Path failedTxt = dir.resolve(RunFolder.FAILED_TXT);
        String what;
        if (Files.isRegularFile(failedTxt)) {
            String run = null;
            String reason = null;
            try {
                for (String line : Files.readAllLines(failedTxt, java.nio.charset.StandardCharsets.UTF_8)) {
                    run = run == null && line.startsWith("Run:") ? line.substring(4).strip() : run;
                    reason = reason == null && line.startsWith("Reason:") ? line.substring(7).strip() : reason;
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                // unreadable or not UTF-8: the file's presence says enough
            }
            what = (run == null || run.isEmpty() ? "a run" : "run " + Ps.oneLine(shortId(run))) + ", which did not"
                    + " complete (FAILED" + (reason == null || reason.isEmpty() ? "; " + RunFolder.FAILED_TXT
                    + " says why" : ": " + Ps.oneLine(reason)) + ")";
        } else if (name.endsWith(RunFolder.FAILED)) {
            what = "a run that did not complete (its name ends in " + RunFolder.FAILED + ")";
        } else if (name.endsWith(RunFolder.PARTIAL)) {
            what = "a run that did not complete (its name ends in " + RunFolder.PARTIAL + ": still running, or"
                    + " stopped)";
        } else {
            return;
        }
        throw new ConfigException("--from: " + dir + " is the folder of " + what + ": its files are not a report,"
                + " nothing to re-render");
    }

    /**
     * Why the reports cannot be rendered from {@code from} (the folder of the findings.json read) into {@code kept} (the
     * folder whose reports of the same run stay beside the new ones; null: none stays) without the new manifest
     * vouching for files the run did not write: findings.json, or a report kept (not one of {@code chosen}), differs
     * from its folder's {@value Manifest#FILE_NAME}, is missing from it or is not listed there. Null when all match, and
     * for a folder without a manifest (written before manifests were).
     */
    private static String altered(Path from, Path kept, Set<Format> chosen) throws IOException {
        for (Path folder : kept == null ? List.of(from) : List.of(from, kept)) {
            List<Manifest.Check> findings = unlike(folder, Set.of(FindingsJson.FILE_NAME));
            if (!findings.isEmpty()) {
                return folder + " does not match its " + Manifest.FILE_NAME + " (" + listed(findings) + "): the"
                        + " findings are not the ones the run wrote, nothing is rendered from them; kcd-audit verify "
                        + ShellArg.of(folder) + " lists the folder";
            }
        }
        if (kept == null) {
            return null;
        }
        Set<String> names = new java.util.HashSet<>();
        for (Format f : Format.values()) {
            if (f != Format.JSON && !chosen.contains(f)) {
                names.add(f.fileName());
            }
        }
        List<Manifest.Check> reports = unlike(kept, names);
        if (reports.isEmpty()) {
            return null;
        }
        Set<Format> again = EnumSet.copyOf(chosen);
        for (Manifest.Check c : reports) {
            for (Format f : Format.values()) {
                if (f.fileName().equals(c.file())) {
                    again.add(f);
                }
            }
        }
        return kept + " does not match its " + Manifest.FILE_NAME + " (" + listed(reports) + "): the reports kept"
                + " beside the new ones would be listed in the new manifest as the run's; render them again from "
                + FindingsJson.FILE_NAME + " too (--formats " + again.stream().map(Format::word)
                .collect(Collectors.joining(",")) + ") or remove them; kcd-audit verify " + ShellArg.of(kept)
                + " lists the folder";
    }

    /** The files among {@code names} that {@code dir}'s manifest does not vouch for; none without a manifest. */
    private static List<Manifest.Check> unlike(Path dir, Set<String> names) throws IOException {
        if (!Files.isRegularFile(dir.resolve(Manifest.FILE_NAME))) {
            return List.of();
        }
        return Manifest.verify(dir).stream().filter(c -> c.state() != Manifest.State.OK && names.contains(c.file()))
                .toList();
    }

    private static String listed(List<Manifest.Check> checks) {
        return checks.stream().map(c -> c.file() + " " + c.state()).collect(Collectors.joining(", "));
    }

    /** The first 8 characters of a run id, as history lists it. */
    private static String shortId(String id) {
        return id.length() > 8 ? id.substring(0, 8) : id;
    }

    /**
     * The change ticket the reports are rendered with: {@code --change-ticket}, else the one the run's reports were
     * prepared under ({@code summary.changeTicket}), else (a run without one) {@code reports.changeTicket} of
     * {@code --config}. Each is checked as the option is; replacing the run's own is said on stderr.
     */
    private String ticket(FindingsDocument doc, Path source, ReportsConfig configured) {
        String given = AuditOptions.checkedTicket(changeTicket);
        String recorded = doc.summary() == null ? null : doc.summary().changeTicket();
        String problem = ReportsConfig.changeTicketProblem(recorded);
        if (problem != null) {
            throw new ConfigException(source + ": summary.changeTicket: " + problem + "; give the findings.json of a"
                    + " finished run as it was written");
        }
        if (recorded == null) {
            return given;
        }
        if (given == null) {
            if (configured.changeTicket() != null && !configured.changeTicket().equals(recorded)) {
                cli.err().println("kcd-audit: the run was prepared under change ticket " + recorded + " (summary"
                        + ".changeTicket of its findings.json), which the reports keep; reports.changeTicket of "
                        + config + " (" + configured.changeTicket() + ") is not used: give --change-ticket to replace it");
            }
            return recorded;
        }
        if (!given.equals(recorded)) {
            cli.err().println("kcd-audit: --change-ticket " + given + " replaces the change ticket the run was"
                    + " prepared under, " + recorded + " (summary.changeTicket of its findings.json)");
        }
        return given;
    }

    @Override
    public Integer call() throws IOException {
        Path folder = storedFolder();
        Path source = Files.isDirectory(folder) ? folder.resolve(FindingsJson.FILE_NAME) : folder;
        ConfigException.refuseSpecialFile("--from", source, "give the folder of a finished run");
        refuseUnfinished(source.toAbsolutePath().getParent());
        FindingsDocument doc = FindingsJson.read(source);
        Path dir = out != null ? out : source.toAbsolutePath().getParent();
        AuditOptions parse = new AuditOptions();
        parse.formats = formats;
        Set<Format> chosen = parse.formats(null);
        ReportsConfig configured = config != null ? ConfigLoader.load(config).reports() : ReportsConfig.defaults();
        ReportsConfig reports = ReportsConfig.withChangeTicket(configured, ticket(doc, source, configured));
        Path templateDir = templates != null ? templates : cli.installation().templates();
        if (templates != null && !Files.isDirectory(templates)) {
            throw new ConfigException("--templates: " + templates + " is not a folder");
        }
        // a folder holds one run's reports: into another run's, the new files would stand beside its findings.json
        Path there = dir.resolve(FindingsJson.FILE_NAME);
        boolean sameRun = Files.isRegularFile(there);
        String other = sameRun ? FindingsJson.runIdOf(there) : null;
        if (sameRun && !doc.runId().equals(other)) {
            throw new ConfigException((out != null ? "--out: " : "--from: ") + dir + " holds the reports of "
                    + (other == null ? "something else (its findings.json names no run)" : "another run (" + other + ")")
                    + ", not of run " + doc.runId() + ": re-render into an empty folder, or into that run's own folder");
        }
        if (sameRun && chosen.equals(EnumSet.of(Format.JSON))) {
            // the run's findings.json is the source and is never rewritten: json alone writes nothing here
            cli.out().println("Nothing to write: " + there + " is the run's own, the findings the reports are rendered"
                    + " from (give --out DIR for a copy elsewhere, or other --formats)");
            return ExitCodes.OK;
        }
        String altered = altered(source.toAbsolutePath().getParent(), sameRun ? dir : null, chosen);
        if (altered != null) {
            cli.err().println("kcd-audit: --from: " + altered);
            return ExitCodes.FINDINGS;
        }
        Files.createDirectories(dir);
        Timings t = new Timings();
        // written beside DIR's files first, then moved in all or nothing: a failure leaves DIR as it was
        Path staging = Files.createDirectory(dir.resolve(STAGING_PREFIX + UUID.randomUUID().toString().substring(0, 8)
                + RunFolder.PARTIAL));
        RunFolder.Published published;
        String manifestSha256;
        try {
            // the run's folder keeps its other reports: a runbook rendered alone still has its script beside it
            Set<Format> beside = EnumSet.noneOf(Format.class);
            beside.addAll(chosen);
            if (sameRun) {
                for (Format f : Format.values()) {
                    if (Files.isRegularFile(dir.resolve(f.fileName()))) {
                        beside.add(f);
                    }
                }
            }
            List<Path> staged = new ArrayList<>(Reports.standard(templateDir, reports).withoutJson()
                    .writeAll(doc, staging, chosen, beside, t));
            if (chosen.contains(Format.JSON) && !sameRun) {
                staged.add(0, Files.copy(source, staging.resolve(FindingsJson.FILE_NAME),
                        StandardCopyOption.COPY_ATTRIBUTES));
            }
            // the manifest lists the folder's reports as they will be: the new ones and those of the run kept beside
            List<Path> listed = new ArrayList<>();
            for (Format f : Format.values()) {
                Path now = staging.resolve(f.fileName());
                Path kept = dir.resolve(f.fileName());
                if (staged.contains(now)) {
                    listed.add(now);
                } else if (sameRun && Files.isRegularFile(kept)) {
                    listed.add(kept);
                }
            }
            Path manifest = Manifest.write(staging, listed);
            manifestSha256 = Manifest.sha256(manifest);
            staged.add(manifest);
            published = RunFolder.publish(staging, dir, staged, staging);
            published.keep();
        } finally {
            RunFolder.discard(staging);
        }
        cli.out().println("Reports of run " + doc.runId() + " in " + dir + ":");
        for (Path p : published.files()) {
            cli.out().println("  " + p.getFileName());
        }
        cli.out().println(ConsoleSummary.manifestLine(manifestSha256));
        if (!sameRun && !published.leftOver().isEmpty()) {
            cli.out().println("Also there, not written now (no findings.json says which run they are of): "
                    + published.leftOver().stream().map(p -> p.getFileName().toString())
                    .collect(Collectors.joining(", ")));
        }
        if (timings) {
            t.print(cli.err());
        }
        return ExitCodes.OK;
    }
}
