package org.kcdauditor.cli;

import org.kcdauditor.config.ConfigException;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.model.Severity;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashSet;
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

    Set<String> formats(List<String> configured) {
        List<String> chosen = formats != null ? formats : configured != null ? configured : ConfigLoader.FORMATS;
        Set<String> out = new LinkedHashSet<>();
        for (String f : chosen) {
            String t = f.trim();
            if (!ConfigLoader.FORMATS.contains(t)) {
                throw new ConfigException("--formats: unknown format '" + t + "' (known: "
                        + String.join(", ", ConfigLoader.FORMATS) + ")");
            }
            out.add(t);
        }
        return out;
    }
}
