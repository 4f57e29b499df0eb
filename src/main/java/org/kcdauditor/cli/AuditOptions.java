package org.kcdauditor.cli;

import org.kcdauditor.config.ConfigException;
import org.kcdauditor.config.ReportsConfig;
import org.kcdauditor.model.Severity;
import org.kcdauditor.report.Format;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** Options shared by {@code run} and {@code demo}. */
final class AuditOptions {
    @Option(names = "--out", paramLabel = "DIR",
            description = "Write into DIR (default: reports.dir from the config, else ./reports, in a new"
                    + " <UTC yyyyMMdd-HHmmss>-<short run id> folder).")
    Path out;

    @Option(names = "--formats", split = ",", paramLabel = "FORMAT",
            description = "Comma-separated: json,xlsx,pdf,md,html,ps1 (default: reports.formats, else all)."
                    + " findings.json is always written.")
    List<String> formats;

    @Option(names = "--fail-on", paramLabel = "LEVEL", defaultValue = "high",
            description = "Exit 3 when a finding is at least this severe: high, medium, low or info; or " + NO_GO
                    + ": " + NO_GO_MEANS + " (default: ${DEFAULT-VALUE}).")
    String failOn;

    /** The --fail-on value that gates on the run's verdict instead of a severity. */
    static final String NO_GO = "nogo";
    /** What --fail-on nogo does, as the help of run and demo says it. */
    static final String NO_GO_MEANS = "exit 3 when a cluster is NO-GO for the patch window (findings.json summary.go"
            + " false), whatever the findings' severities";

    @Option(names = "--change-ticket", paramLabel = "TICKET",
            description = "The change ticket the reports are prepared for, printed on the PDF's decision page and"
                    + " sign-off, the runbooks and the workbook (default: reports.changeTicket, else a field to fill in).")
    String changeTicket;

    @Option(names = "--timings", description = "Print the time each stage took (collect, previous, import, evaluate, store, each writer).")
    boolean timings;

    /** Whether {@link #prepareOut} made the {@code --out} folder (it did not exist). */
    private boolean madeOut;

    /** The {@code reports:} options with {@code --change-ticket} when it is given (checked as the config key is). */
    ReportsConfig reports(ReportsConfig configured) {
        return ReportsConfig.withChangeTicket(configured, checkedTicket(changeTicket));
    }

    /** {@code ticket} when it can be printed; a usage error naming --change-ticket when not. */
    static String checkedTicket(String ticket) {
        String problem = ReportsConfig.changeTicketProblem(ticket);
        if (problem != null) {
            throw new ConfigException("--change-ticket: " + problem);
        }
        return ticket;
    }

    /**
     * Makes the {@code --out} folder (when given) and checks that it can be written: before the directory is read,
     * and before the demo resets its history, so that a typo in it costs neither.
     */
    void prepareOut() throws IOException {
        if (out != null) {
            madeOut |= !Files.isDirectory(out);
            Files.createDirectories(out);
            if (!Files.isWritable(out)) {
                throw new AccessDeniedException(out.toString());
            }
        }
    }

    /**
     * After a failed run: removes the {@code --out} folder {@link #prepareOut} made if the run left it empty, so that
     * a run that failed before writing anything (an unreachable DC) leaves no trace where it was to write.
     */
    void dropOutIfLeftEmpty() {
        if (madeOut) {
            try {
                Files.deleteIfExists(out);
            } catch (IOException e) {
                // not empty (a failed run's folder is in it) or not removable: kept
            }
        }
    }

    /**
     * The severity --fail-on names; null for {@code nogo}, which gates on the verdict ({@link #failOnNoGo}). A usage
     * error when it is neither.
     */
    Severity failOnSeverity() {
        if (failOnNoGo()) {
            return null;
        }
        try {
            return Severity.parse(failOn);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--fail-on: must be high, medium, low, info or " + NO_GO + " (got '" + failOn
                    + "')");
        }
    }

    /** Whether --fail-on is {@code nogo}: exit 3 when a cluster of the run is NO-GO. */
    boolean failOnNoGo() {
        return NO_GO.equalsIgnoreCase(failOn.trim());
    }

    /** The formats of {@code --formats}, else the configured ones (checked when the config was loaded), else all. */
    Set<Format> formats(List<String> configured) {
        try {
            return formats != null ? Format.parse(formats, "--formats") : Format.parse(configured, "reports.formats");
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }
}
