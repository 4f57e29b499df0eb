package org.kcdauditor.cli;

import org.kcdauditor.inventory.ImportResult;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.Counts;
import org.kcdauditor.report.FindingsDocument;
import org.kcdauditor.report.Format;
import org.kcdauditor.report.Manifest;
import org.kcdauditor.report.ReportView;
import org.kcdauditor.report.Words;
import org.kcdauditor.remedy.Cmd;
import org.kcdauditor.remedy.Ps;
import org.kcdauditor.run.AuditRun;

import java.io.PrintStream;
import java.text.DecimalFormatSymbols;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The few lines an administrator reads after a run: per cluster, the worst findings, where the files are. */
final class ConsoleSummary {
    private static final int TOP = 10;
    /** Clusters the table lists at most; the NO-GO ones first when there are more (the others are counted). */
    static final int TABLE_ROWS = 30;

    private ConsoleSummary() {
    }

    /**
     * @param config   the config as the admin gave it, for the commands the summary suggests (pasted as they are);
     *                 null when none can be run again (the demo's directory lives only as long as the demo)
     * @param warnings what limits the verdict (a base DN below the domain), printed before the table
     */
    static void print(PrintStream out, AuditRun.Outcome o, long collectMillis, String config, List<String> warnings) {
        FindingsDocument d = o.document();
        FindingsDocument.Summary s = d.summary();
        ReportView view = o.view();
        if (view.multiDirectory()) {
            out.printf("kcd-audit run %s — %d directories: %s%n", o.runId().substring(0, 8), view.directories().size(),
                    view.directories().stream().map(x -> oneLine(x.name() + " " + x.url() + " (" + x.baseDn() + ")"
                            + (x.audited() ? "" : " NOT READ"))).collect(Collectors.joining(", ")));
        } else {
            out.printf("kcd-audit run %s — %s (%s)%n", o.runId().substring(0, 8), d.directory().url(),
                    d.directory().baseDn());
        }
        for (ReportView.DirectoryView x : view.directories()) {
            if (!x.audited()) {
                out.println(oneLine("Not audited: directory " + x.name() + " (optional) could not be read: "
                        + x.failure() + "; its clusters are not audited."));
            }
        }
        // the audited DC is read-only: where the remediation plan writes instead
        view.plan().readOnlyNotes().forEach(n -> out.println(oneLine(n) + "."));
        out.printf("Read %d directory object%s in %.1f s; %d host%s in %d cluster%s.%n%n", o.objectsRead(),
                o.objectsRead() == 1 ? "" : "s", collectMillis / 1000.0, s.hosts(), s.hosts() == 1 ? "" : "s",
                s.clusters(), s.clusters() == 1 ? "" : "s");
        warnings.forEach(w -> out.println("Warning: " + w + "."));
        if (!warnings.isEmpty()) {
            out.println();
        }
        // the entries' share headed as the PDF's Compliance per cluster heads it, beside the cluster's verdict: "Compliant
        // 100.0 %" next to a NO-GO cluster (every entry present, pairs blocked otherwise) read as "this cluster is fine"
        // a cluster's node pairs (live migration) apart from its paths to a file server (storage over SMB), as the
        // headline counts them: "4/12 pairs OK" for 3 nodes and 2 file servers squared with neither; the column only
        // where some cluster has such paths
        boolean servers = view.storagePaths() > 0;
        String header = row(servers, "Cluster", "Nodes", ReportView.ClusterView.NODE_PAIRS_OK,
                ReportView.ClusterView.FILE_SERVER_PATHS_OK, "Entries present",
                "% present", "GO/NO-GO", "HIGH", "MED", "LOW", "INFO");
        out.println(header);
        out.println("-".repeat(header.length()));
        // at scale, the NO-GO clusters worst first as page 1 lists them, the rest counted: 1,566 rows at 20,000 hosts
        // pushed the decision out of sight
        List<ReportView.ClusterView> ordered = view.clusters().size() <= TABLE_ROWS ? view.clusters()
                : view.clustersNoGoFirst();
        List<ReportView.ClusterView> rows = ordered.subList(0, Math.min(TABLE_ROWS, ordered.size()));
        for (ReportView.ClusterView c : rows) {
            Counts b = c.counts();
            if (!c.audited()) {
                out.printf("%-16s %s%n", clip(oneLine(c.name())), ReportView.ClusterView.NOT_AUDITED.toLowerCase(
                        Locale.ROOT) + " (directory " + oneLine(c.directory()) + ")");
                continue;
            }
            out.println(row(servers, clip(oneLine(c.name())), c.nodes().size(), c.nodePairsOkText(),
                    c.fileServerPathsOkText(), c.presentEntries() + "/" + c.requiredEntries(), Words.percent(c.compliancePercent()),
                    c.go() ? "GO" : "NO-GO", b.open(Severity.HIGH), b.open(Severity.MEDIUM), b.open(Severity.LOW),
                    b.open(Severity.INFO)));
        }
        if (rows.size() < view.clusters().size()) {
            List<ReportView.ClusterView> rest = ordered.subList(TABLE_ROWS, ordered.size());
            long noGo = rest.stream().filter(c -> !c.go()).count();
            out.println("… and " + Words.plural(rest.size(), "more cluster") + " (" + noGo + " NO-GO, "
                    + (rest.size() - noGo) + " GO): every one on the Clusters sheet of audit.xlsx and in findings.json"
                    + " clusters[]");
        }
        Counts outside = view.unclustered();
        if (outside.openTotal() > 0) {
            out.println(outsideRow(servers, view.unclusteredLabel(), outside));
        }
        out.println("-".repeat(header.length()));
        // a NO-GO row whose own counts do not say why: the clusters whose findings block its pairs, as its status does
        for (ReportView.ClusterView c : rows) {
            if (c.blockedByText() != null) {
                out.println(oneLine(c.name()) + ": NO-GO, " + oneLine(c.blockedByText()) + " (counted in its row)");
            }
        }
        Counts b = view.counts();
        out.println(row(servers, "All", s.hosts(), view.nodePairsOk() + "/" + view.nodePairs(),
                servers ? view.storagePathsOk() + "/" + view.storagePaths() : "", s.presentEntries() + "/" + s.requiredEntries(), Words.percent(s.compliancePercent()), "",
                b.open(Severity.HIGH), b.open(Severity.MEDIUM), b.open(Severity.LOW), b.open(Severity.INFO)));
        String story = story(d, b);
        if (!story.isEmpty()) {
            out.println(story);
        }
        // a cluster added to or taken out of the configuration since the run compared with: no change in the directory
        if (d.history() != null) {
            d.history().configurationChanges().forEach(line -> out.println(oneLine(line)));
        }
        out.println();

        if (!view.clusters().isEmpty()) {
            List<String> noGo = view.clusters().stream().filter(c -> !c.go()).map(c -> oneLine(c.name())).toList();
            out.println(ReportView.decision(noGo.size(), view.clusters().size(),
                    oneLine(view.clusters().get(0).name())) + (noGo.isEmpty() ? "."
                    : " (" + String.join(", ", noGo.subList(0, Math.min(TOP, noGo.size())))
                    + (noGo.size() > TOP ? ", … and " + (noGo.size() - TOP) + " more" : "")
                    + "); the reasons: " + reasons(o, config, noGo)));
            if (!noGo.isEmpty()) {
                String fix = fix(o);
                if (fix != null) {
                    out.println(fix);
                }
            }
            // a GO that holds only until a waiver ends within days, as the headline of every report says it
            if (!view.waiversEndingSoon().isEmpty()) {
                out.println(oneLine(view.waiversEndingSoon()));
            }
            // what the verdict could not look at, as preflight, the PDF, the workbook, the runbooks and the mail say it
            if (view.aesNotChecked() != null) {
                out.println(oneLine(view.aesNotChecked()));
            }
            if (view.migrationAuthenticationNotChecked() != null) {
                out.println(oneLine(view.migrationAuthenticationNotChecked()));
            }
            if (view.operatorsNotChecked() != null) {
                out.println(view.operatorsNotChecked());
            }
            out.println();
        }
        List<Finding> serious = d.findings().stream()
                .filter(f -> !f.isWaived() && f.severity().reaches(Severity.MEDIUM)).toList();
        if (serious.isEmpty()) {
            List<String> unread = view.clusters().stream().filter(c -> !c.audited()).map(c -> oneLine(c.name()))
                    .toList();
            out.println(view.failingPairs() > 0 ? "No open HIGH or MEDIUM findings, but " + Words.plural(
                    view.failingPairs(), "directed host pair") + " still cannot live-migrate ("
                    + (view.failingPairs() == 1 ? "its" : "their") + " blockers are waived: see the matrix in the"
                    + " reports)."
                    : view.pairs() == 0 ? "No open HIGH or MEDIUM findings, but no host pair could be checked."
                    : unread.isEmpty() ? "No open HIGH or MEDIUM findings: every configured pair can live-migrate as"
                    + " far as AD is concerned."
                    : "No open HIGH or MEDIUM findings: every pair of the audited clusters can live-migrate as far as"
                    + " AD is concerned; " + String.join(", ", unread.subList(0, Math.min(TOP, unread.size())))
                    + (unread.size() > TOP ? " and " + (unread.size() - TOP) + " more" : "")
                    + (unread.size() == 1 ? " was" : " were") + " not audited (" + (unread.size() == 1 ? "its"
                    : "their") + " directory could not be read).");
        } else {
            out.println("Most severe findings:");
            Map<String, ReportView.Consequence> consequences = new HashMap<>();
            view.findings().stream().filter(v -> v.consequence() != null)
                    .forEach(v -> consequences.put(v.finding().id(), v.consequence()));
            // one line per rule and host (a pair's four entries, a node's every peer), as many rules as fit, as
            // preflight lists its blockers: at 64 nodes, nine lines of one node's missing entries hid every other rule
            List<ReportView.Problem> top = ReportView.top(view.problems(serious), TOP);
            top.forEach(p -> out.printf("  %-6s %-34s %s%s%n", p.severity(), p.rule(), oneLine(p.text()),
                    consequence(consequences.get(p.first().id()))));
            int shown = top.stream().mapToInt(p -> p.findings().size()).sum();
            if (serious.size() > shown) {
                out.printf("  … and %d more HIGH/MEDIUM (see the reports)%n", serious.size() - shown);
            }
        }
        if (d.imports() != null) {
            List<ImportResult> failed = d.imports().stream().filter(ImportResult::failed).toList();
            long skipped = d.imports().stream().mapToLong(i -> i.skipped()).sum();
            long notAudited = d.imports().stream().mapToLong(i -> i.notAudited()).sum();
            if (!failed.isEmpty() || skipped > 0 || notAudited > 0) {
                out.println();
                int read = d.imports().size() - failed.size();
                out.printf("Imports: %d of %d file%s read, %d line%s skipped%s (see Imports in the reports).%n",
                        read, d.imports().size(), d.imports().size() == 1 ? "" : "s", skipped, skipped == 1 ? "" : "s",
                        notAudited == 0 ? "" : ", " + notAudited + " row" + (notAudited == 1 ? "" : "s")
                                + " for hosts not audited");
                if (notAudited > 0) {
                    // each host once over the files, as the first file writes it
                    java.util.Map<String, String> hosts = new java.util.LinkedHashMap<>();
                    d.imports().forEach(i -> i.notAuditedHosts().forEach(h -> hosts.putIfAbsent(
                            h.toLowerCase(java.util.Locale.ROOT), h.isEmpty() ? "(no name)" : h)));
                    List<String> named = hosts.values().stream().limit(TOP).toList();
                    out.println(oneLine("Not audited (no node of a configured cluster): " + String.join(", ", named)
                            + (hosts.size() > named.size() ? " … and " + (hosts.size() - named.size()) + " more" : "")));
                }
                if (!failed.isEmpty()) {
                    out.println("Not usable:");
                }
                failed.stream().limit(TOP).forEach(i -> out.println("  " + oneLine(i.file() + ": " + i.error())));
                if (failed.size() > TOP) {
                    out.printf("  … and %d more (see Imports in the reports)%n", failed.size() - TOP);
                }
            }
        }
        if (d.baseline() != null && d.baseline().waivers() != null) {
            List<String> never = d.baseline().waivers().stream().filter(w -> w.warning() != null)
                    .map(w -> "Warning: the waiver for " + w.rule() + " on " + w.host() + (w.peer() == null ? ""
                            : " -> " + w.peer()) + " " + w.warning() + ".").toList();
            if (!never.isEmpty()) {
                out.println();
                // at most TOP: a baseline kept after a cluster was retired can hold hundreds of waivers that match no node
                never.stream().limit(TOP).forEach(line -> out.println(oneLine(line)));
                if (never.size() > TOP) {
                    out.println("Warning: … and " + Words.plural(never.size() - TOP, "more waiver") + " that can never"
                            + " apply (every one is marked in the reports' waiver lists and in findings.json"
                            + " baseline.waivers[].warning).");
                }
            }
        }
        // an active waiver that waives nothing any more would hide the same finding if it came back
        List<Finding> unused = d.findings().stream().filter(f -> "WAIVER_UNUSED".equals(f.rule())).toList();
        if (!unused.isEmpty()) {
            out.println();
            unused.stream().limit(TOP).forEach(f -> out.println(oneLine("Warning: " + f.message() + " "
                    + f.remediation())));
            if (unused.size() > TOP) {
                out.println("Warning: … and " + Words.plural(unused.size() - TOP, "more waiver") + " that waive"
                        + " nothing any more (WAIVER_UNUSED in the reports).");
            }
        }
        out.println();
        out.println("Reports in " + o.outDir().toAbsolutePath().normalize() + ":");
        out.println("  " + o.files().stream().map(Path::getFileName).map(Path::toString)
                .collect(Collectors.joining(", ")));
        if (o.manifestSha256() != null) {
            out.println(manifestLine(o.manifestSha256()));
        }
        if (!o.leftOver().isEmpty()) {
            out.println("  also there, from an earlier run (not written now, so they do not describe this run; delete"
                    + " them or write every format): " + o.leftOver().stream().map(Path::getFileName)
                    .map(Path::toString).collect(Collectors.joining(", ")));
        }
    }

    /**
     * The manifest's own SHA-256, under the files a run or {@code report --from} wrote: whoever changes a report can
     * write the manifest again too, so the manifest shows the files are the run's only beside a digest of it kept
     * outside the folder.
     */
    static String manifestLine(String sha256) {
        return "  " + Manifest.FILE_NAME + ": SHA-256 " + sha256 + " (file it elsewhere, e.g. in the change ticket:"
                + " kcd-audit verify checks the files against the manifest, this checks the manifest)";
    }

    /**
     * Under the table, what every report says beside its counts: the waived findings they leave out (the PDF's "+4
     * waived", the workbook's "+4 waived, not counted") and the new and resolved findings against the previous run
     * (findings.json {@code history}, the PDF's drift section, the Summary sheet's Previous run), the CHANGED_SINCE_LAST_RUN
     * records among the new ones counted apart as changes recorded, not new problems; empty when there is neither.
     */
    static String story(FindingsDocument d, Counts counts) {
        List<String> parts = new java.util.ArrayList<>();
        if (counts.waivedTotal() > 0) {
            parts.add(Words.plural(counts.waivedTotal(), "waived finding") + " not counted above");
        }
        org.kcdauditor.report.HistorySections.HistoryDoc h = d.history();
        if (h != null && h.previousRunId() != null && h.newFindings() != null && h.resolvedFindings() != null) {
            parts.add("against run " + oneLine(h.previousRunNamed(h.previousRunId().substring(0,
                    Math.min(8, h.previousRunId().length())))) + ": " + h.countedApart(d.findings().stream()
                    .filter(f -> f.rule().equals(org.kcdauditor.rules.ChangedSinceLastRunRule.ID)).map(Finding::id)
                    .collect(Collectors.toSet())));
        }
        if (parts.isEmpty()) {
            return "";
        }
        String s = String.join("; ", parts);
        return Character.toUpperCase(s.charAt(0)) + s.substring(1) + ".";
    }

    private static final int[] WIDTHS = {16, 5, 13, 15, 10, 8, 5, 5, 5, 5};
    /** With the column of the paths to a file server after the node pairs'. */
    private static final int[] WIDTHS_SERVERS = {16, 5, 13, 20, 15, 10, 8, 5, 5, 5, 5};

    /**
     * The row of the open findings tied to no cluster, labelled as every output labels it ("Not tied to a cluster
     * (operators, hosts no longer in a cluster)") across the columns it leaves empty; on a line of its own above the
     * counts where it is wider than those.
     */
    static String outsideRow(boolean servers, String label, Counts outside) {
        String counts = row(servers, "", "", "", "", "", "", "", outside.open(Severity.HIGH),
                outside.open(Severity.MEDIUM), outside.open(Severity.LOW), outside.open(Severity.INFO));
        String blank = counts.substring(0, counts.length() - counts.stripLeading().length());
        return label.length() < blank.length() ? label + counts.substring(label.length())
                : label + System.lineSeparator() + counts;
    }

    /**
     * One line of the cluster table from its eleven columns: the first column left-aligned, the others right-aligned,
     * as {@code %-16s %5s %13s %20s %15s %10s %8s %5s %5s %5s %5s} would (a Formatter per line took a sixth of a
     * second for the 1,566 clusters of the 20,000-host benchmark); without the fourth (the paths to a file server),
     * as {@code %-16s %5s %13s %15s %10s %8s %5s %5s %5s %5s}, where {@code servers} is false.
     */
    static String row(boolean servers, Object... columns) {
        if (servers) {
            return layout(WIDTHS_SERVERS, columns);
        }
        Object[] without = new Object[columns.length - 1];
        System.arraycopy(columns, 0, without, 0, 3);
        System.arraycopy(columns, 4, without, 3, columns.length - 4);
        return layout(WIDTHS, without);
    }

    private static String layout(int[] widths, Object[] columns) {
        // numbers in the digits of the default format locale, as %d wrote them
        boolean asciiDigits = DecimalFormatSymbols.getInstance(Locale.getDefault(Locale.Category.FORMAT))
                .getZeroDigit() == '0';
        StringBuilder b = new StringBuilder(100);
        for (int i = 0; i < columns.length; i++) {
            Object c = columns[i];
            String v = !asciiDigits && (c instanceof Integer || c instanceof Long) ? String.format("%d", c)
                    : String.valueOf(c);
            if (i > 0) {
                b.append(' ').append(" ".repeat(Math.max(0, widths[i] - v.length())));
            }
            b.append(v);
            if (i == 0) {
                b.append(" ".repeat(Math.max(0, widths[0] - v.length())));
            }
        }
        return b.toString();
    }

    private static String clip(String s) {
        return s.length() <= 16 ? s : s.substring(0, 15) + "…";
    }

    /** Directory values reach the terminal: no line breaks, no escape sequences. */
    static String oneLine(String s) {
        return Ps.oneLine(s);
    }

    /**
     * Where the NO-GO clusters' reasons are: page 1, then the preflight to paste (when the directory can be read again)
     * on a line of its own, bare: wrapped in Markdown backticks, the trailing ` continued the line in PowerShell.
     */
    private static String reasons(AuditRun.Outcome o, String config, List<String> noGo) {
        boolean pdf = wrote(o, Format.PDF);
        if (config == null) {
            return pdf ? "page 1 of audit.pdf." : "clusters[].reasons in findings.json.";
        }
        // the cluster quoted as the runbooks' closing preflight quotes it (cmd.exe and PowerShell), or NAME when no
        // quoting keeps it one literal argument there
        String cluster = noGo.size() == 1 ? Cmd.arg(noGo.get(0)) : null;
        return (pdf ? "page 1 of audit.pdf or this preflight:" : "this preflight:") + System.lineSeparator()
                + "  kcd-audit preflight --config " + ShellArg.of(config) + " --cluster "
                + (cluster == null ? "NAME" : cluster);
    }

    /**
     * "Fix: runbook.md (or remediation.ps1, a dry run unless -Apply) in FOLDER": where the change a NO-GO needs is
     * written, when the run wrote the runbook (runbook.html when not runbook.md) or the script (they were only in the
     * file list); null when it wrote neither. No full stop after the folder, which a paste would take for part of it.
     */
    private static String fix(AuditRun.Outcome o) {
        Format runbook = wrote(o, Format.MD) ? Format.MD : wrote(o, Format.HTML) ? Format.HTML : null;
        boolean ps1 = wrote(o, Format.PS1);
        if (runbook == null && !ps1) {
            return null;
        }
        String script = Format.PS1.fileName() + (runbook != null ? ", " : " (") + "a dry run unless -Apply";
        return "Fix: " + (runbook != null ? runbook.fileName() + (ps1 ? " (or " + script + ")" : "") : script + ")")
                + " in " + oneLine(o.outDir().toAbsolutePath().normalize().toString());
    }

    private static boolean wrote(AuditRun.Outcome o, Format f) {
        return o.files().stream().anyMatch(x -> x.getFileName().toString().equals(f.fileName()));
    }

    /**
     * " (A consequence of 4 waived findings and 1 open finding: …)": what the PDF and the workbook say of a finding
     * that waived findings explain; empty for others.
     */
    private static String consequence(ReportView.Consequence c) {
        if (c == null || c.waivedCauses().isEmpty()) {
            return "";
        }
        return " (A consequence of " + Words.plural(c.waivedCauses().size(), "waived finding") + (c.openCauses() == 0
                ? "" : " and " + Words.plural(c.openCauses(), "open finding")) + ": still failing, still counted.)";
    }
}
