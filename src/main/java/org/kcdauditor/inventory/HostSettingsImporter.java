package org.kcdauditor.inventory;

import org.apache.commons.csv.CSVRecord;
import org.kcdauditor.model.HostSettings;
import org.kcdauditor.model.HostSettings.MigrationAuthentication;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads the nodes' live-migration settings, streaming: {@code Get-VMHost | Select ComputerName,
 * VirtualMachineMigrationEnabled, VirtualMachineMigrationAuthenticationType,
 * VirtualMachineMigrationPerformanceOption, MaximumVirtualMachineMigrations | Export-Csv} from Windows
 * PowerShell 5.1 ({@code #TYPE} line, UTF-16 LE or UTF-8 with BOM) or PowerShell 7 (UTF-8), {@code ,} or
 * {@code ;}, any subset of the setting columns beside the computer column. One record per host and file: a host
 * that appears again in the same file is reported and its last row counts, as a daily {@code Export-Csv -Append}
 * lists the newest last (a node set back to Kerberos today is not held to last month's CredSSP row, nor the
 * reverse); the records are passed on once the file is read.
 */
public final class HostSettingsImporter {
    public static final List<String> COMPUTER_COLUMNS = List.of("ComputerName", "PSComputerName", "Name");
    static final String ENABLED = "VirtualMachineMigrationEnabled";
    static final String AUTHENTICATION = "VirtualMachineMigrationAuthenticationType";
    static final String PERFORMANCE = "VirtualMachineMigrationPerformanceOption";
    static final String MAXIMUM = "MaximumVirtualMachineMigrations";
    private static final List<String> SETTINGS = List.of(ENABLED, AUTHENTICATION, PERFORMANCE, MAXIMUM);
    /**
     * True and False as PowerShell writes them ({@code True}, {@code 1}), and as Excel re-saves them in its language:
     * de WAHR, fr VRAI, es VERDADERO, it VERO, nl WAAR, pt VERDADEIRO, sv SANT, da SAND, nb SANN, fi TOSI, pl PRAWDA,
     * cs PRAVDA, hu IGAZ, tr DOĞRU, ru ИСТИНА; upper case, compared with the value in upper case.
     */
    static final java.util.Set<String> TRUE = java.util.Set.of("TRUE", "1", "WAHR", "VRAI", "VERDADERO", "VERO", "WAAR",
            "VERDADEIRO", "SANT", "SAND", "SANN", "TOSI", "PRAWDA", "PRAVDA", "IGAZ", "DOĞRU", "ИСТИНА");
    static final java.util.Set<String> FALSE = java.util.Set.of("FALSE", "0", "FALSCH", "FAUX", "FALSO", "ONWAAR",
            "FALSKT", "FALSK", "USANN", "EPÄTOSI", "FAŁSZ", "NEPRAVDA", "HAMIS", "YANLIŞ", "ЛОЖЬ");

    /**
     * Reads one file: every record to {@code sink}, each skipped or doubtful line to {@code problems}. A file
     * that cannot be read or is not a Get-VMHost export gives a result with {@code error} set.
     */
    public ImportResult read(Path file, Consumer<HostSettings> sink, Consumer<ImportProblem> problems) {
        String name = file.toString();
        List<ImportProblem> kept = new ArrayList<>();
        long[] counts = new long[2];
        Consumer<ImportProblem> report = p -> {
            counts[1] += p.skipped() ? 1 : 0;
            if (kept.size() < ImportResult.MAX_PROBLEMS) {
                kept.add(p);
            }
            problems.accept(p);
        };
        String format = null;
        try (TextFiles.Opened opened = TextFiles.open(file); CsvInput csv = CsvInput.open(opened.reader())) {
            if (csv == null) {
                return new ImportResult(name, "hostSettings", null, 0, 0, "empty file: no header line", kept);
            }
            String computer = csv.firstColumn(COMPUTER_COLUMNS);
            if (computer == null || SETTINGS.stream().allMatch(c -> csv.column(c) == null)) {
                return new ImportResult(name, "hostSettings", null, 0, 0, "not a Get-VMHost export: the header ("
                        + csv.headerShown() + ") needs ComputerName and at least one of "
                        + String.join(", ", SETTINGS), kept);
            }
            format = "Get-VMHost CSV (" + (csv.typeLine() != null ? "Windows PowerShell 5.1 #TYPE, " : "")
                    + TextFiles.describe(opened) + ", " + csv.separated() + ")";
            Map<String, Long> seen = new HashMap<>();
            Map<String, HostSettings> last = new LinkedHashMap<>();
            csv.each((r, line) -> {
                String host = CsvInput.value(r, computer);
                if (host == null) {
                    report.accept(new ImportProblem(name, line, "no " + computer + " value", true));
                    return;
                }
                String key = host.toLowerCase(Locale.ROOT);
                List<ImportProblem> doubts = new ArrayList<>(0);
                HostSettings settings = record(name, line, host, r, csv, doubts::add);
                Long before = seen.put(key, line);
                if (before != null) {
                    // rows appended by a daily Export-Csv -Append: the newest is the last
                    report.accept(new ImportProblem(name, line, CsvInput.shown(host) + " appears again (line " + before
                            + " before it); this later row counts and that one is skipped (an export appended to lists"
                            + " the newest last)", true));
                } else {
                    counts[0]++;
                }
                doubts.forEach(report);
                last.put(key, settings);
            }, (line, why) -> report.accept(new ImportProblem(name, line, why, true)));
            last.values().forEach(sink);
        } catch (IOException | UncheckedIOException e) {
            return new ImportResult(name, "hostSettings", format, counts[0], counts[1], "cannot read: "
                    + org.kcdauditor.io.IoErrors.reason(e), kept);
        }
        return new ImportResult(name, "hostSettings", format, counts[0], counts[1], null, kept, modified(file));
    }

    /** The export's last-modified time, the date its settings are of; null when the file system does not give it. */
    private static java.time.Instant modified(Path file) {
        try {
            return java.nio.file.Files.getLastModifiedTime(file).toInstant();
        } catch (IOException e) {
            return null;
        }
    }

    private static HostSettings record(String file, long line, String host, CSVRecord r, CsvInput csv,
                                       Consumer<ImportProblem> report) {
        String enabledText = CsvInput.value(r, csv.column(ENABLED));
        Boolean enabled = null;
        if (enabledText != null) {
            String upper = enabledText.toUpperCase(Locale.ROOT);
            enabled = TRUE.contains(upper) ? Boolean.TRUE : FALSE.contains(upper) ? Boolean.FALSE : null;
            if (enabled == null) {
                report.accept(new ImportProblem(file, line, ENABLED + " '" + CsvInput.shown(enabledText)
                        + "' is neither True nor False",
                        false));
            }
        }
        String authText = CsvInput.value(r, csv.column(AUTHENTICATION));
        MigrationAuthentication auth = MigrationAuthentication.of(authText);
        if (authText != null && auth == MigrationAuthentication.UNKNOWN) {
            report.accept(new ImportProblem(file, line, AUTHENTICATION + " '" + CsvInput.shown(authText)
                    + "' is neither Kerberos nor CredSSP", false));
        }
        String performance = CsvInput.value(r, csv.column(PERFORMANCE));
        if (performance != null && HostSettings.MigrationPerformance.of(performance)
                == HostSettings.MigrationPerformance.UNKNOWN) {
            report.accept(new ImportProblem(file, line, PERFORMANCE + " '" + CsvInput.shown(performance)
                    + "' is neither TCPIP, Compression nor SMB", false));
        }
        String maxText = CsvInput.value(r, csv.column(MAXIMUM));
        Integer maximum = null;
        if (maxText != null) {
            try {
                maximum = Integer.valueOf(maxText);
            } catch (NumberFormatException e) {
                report.accept(new ImportProblem(file, line, MAXIMUM + " '" + CsvInput.shown(maxText)
                        + "' is not a number", false));
            }
        }
        return new HostSettings(host, enabled, auth, authText, performance, maximum,
                file + ":" + line);
    }
}
