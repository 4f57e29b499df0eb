package org.kcdauditor.cli;

import org.kcdauditor.config.ConfigException;
import org.kcdauditor.model.Severity;
import org.kcdauditor.report.Format;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** Options shared by {@code run} and {@code demo}. */
final class AuditOptions {
    @Option(names = "--out", paramLabel = "DIR",
            description = "Write into DIR (default: reports.dir from the config, else ./reports, in a new"
                    + " <UTC yyyyMMdd-HHmmss>-<run id> folder).")
    Path out;

    @Option(names = "--formats", split = ",", paramLabel = "FORMAT",
            description = "Comma-separated: json,xlsx,pdf,md,html,ps1 (default: reports.formats, else all)."
                    + " findings.json is always written.")
    List<String> formats;

    @Option(names = "--fail-on", paramLabel = "LEVEL", defaultValue = "high",
            description = "Exit 3 when a finding is at least this severe: high, medium, low or info"
                    + " (default: ${DEFAULT-VALUE}).")
    String failOn;

    @Option(names = "--timings", description = "Print the time each stage took (collect, previous, import, evaluate, store, each writer).")
    boolean timings;

    Severity failOnSeverity() {
        try {
            return Severity.parse(failOn);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--fail-on: must be high, medium, low or info (got '" + failOn + "')");
        }
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
