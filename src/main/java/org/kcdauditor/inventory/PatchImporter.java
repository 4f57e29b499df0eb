package org.kcdauditor.inventory;

import org.apache.commons.csv.CSVRecord;
import org.kcdauditor.config.PatchMapping;
import org.kcdauditor.model.PatchRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads patch history exports, streaming record by record (a 200 MB file is never held in memory):
 * {@code Get-HotFix | Export-Csv} from Windows PowerShell 5.1 ({@code #TYPE} line, UTF-16 LE or
 * UTF-8 with BOM) and PowerShell 7, any column subset holding HotFixID and a computer column, with
 * {@code ,} or {@code ;}; and WSUS / Configuration Manager CSVs through {@code patches.mappings}.
 */
public final class PatchImporter {
    public static final List<String> COMPUTER_COLUMNS = List.of("PSComputerName", "CSName", "Source", "ComputerName");
    private static final Pattern KB = Pattern.compile("(?i)\\bKB\\s?(\\d{5,8})\\b");
    private static final Pattern DIGITS = Pattern.compile("\\d{5,8}");
    /** A whole HotFixID: KB5019966 (Get-HotFix, wmic qfe), also as "KB 5019966" or the digits alone. */
    private static final Pattern HOT_FIX_ID = Pattern.compile("(?i)(?:KB\\s?)?(\\d{5,8})");

    private final List<PatchMapping> mappings;

    public PatchImporter(List<PatchMapping> mappings) {
        this.mappings = List.copyOf(mappings);
    }

    /**
     * Reads one file. Every record goes to {@code sink}; each skipped line to {@code problems}. A
     * file that cannot be read or is not a patch export gives a result with {@code error} set.
     */
    public ImportResult read(Path file, Consumer<PatchRecord> sink, Consumer<ImportProblem> problems) {
        String name = file.toString();
        List<ImportProblem> kept = new ArrayList<>();
        long[] counts = new long[2];
        Consumer<ImportProblem> report = p -> {
            if (p.skipped()) {
                counts[1]++;
            }
            if (kept.size() < ImportResult.MAX_PROBLEMS) {
                kept.add(p);
            }
            problems.accept(p);
        };
        String format = null;
        try (TextFiles.Opened opened = TextFiles.open(file);
             CsvInput csv = CsvInput.open(opened.reader())) {
            if (csv == null) {
                return new ImportResult(name, "patches", null, 0, 0, "empty file: no header line", kept);
            }
            String unmapped = missingMappedColumn(csv);
            if (unmapped != null) {
                return new ImportResult(name, "patches", null, 0, 0, unmapped, kept);
            }
            Columns cols = columns(csv);
            if (cols == null && csv.printedTable("HotFixID")) {
                return new ImportResult(name, "patches", null, 0, 0, CsvInput.printedTable("a patch export",
                        "Get-HotFix | Select-Object Source, HotFixID, InstalledOn | Export-Csv …"), kept);
            }
            if (cols == null && csv.column("HotFixID") != null) {
                return new ImportResult(name, "patches", null, 0, 0, "not a patch export: it has HotFixID but no"
                        + " computer column (" + String.join("/", COMPUTER_COLUMNS) + ") in the header ("
                        + csv.headerShown() + "), so its updates name no node; export them with one: Get-HotFix |"
                        + " Select-Object Source, HotFixID, InstalledOn | Export-Csv …", kept);
            }
            if (cols == null) {
                return new ImportResult(name, "patches", null, 0, 0, "not a patch export: no HotFixID column and"
                        + " computer column (" + String.join("/", COMPUTER_COLUMNS) + ") in the header ("
                        + csv.headerShown() + "); for WSUS or Configuration Manager exports add a"
                        + " patches.mappings entry", kept);
            }
            Dates.SlashOrder order = CsvInput.slashOrder(file, cols.installedOn());
            if (order.ambiguous()) {
                // a guess is wrong for fr-FR or en-GB (day-first) or for Excel's en-US (month-first): no date is better
                report.accept(new ImportProblem(name, order.sampleLine(), order.doubt(cols.installedOn(), "date")
                        + ": the file's slash dates are not read, its updates are; export the dates as yyyy-MM-dd"
                        + (cols.titles() ? "" : " (Get-HotFix | Select-Object Source, HotFixID,"
                        + " @{n='InstalledOn';e={'{0:yyyy-MM-dd}' -f $_.InstalledOn}} | Export-Csv …)"), false));
            }
            format = cols.label + " CSV (" + (csv.typeLine() != null ? "Windows PowerShell 5.1 #TYPE, " : "")
                    + TextFiles.describe(opened) + ", " + csv.separated() + ")";
            csv.each((r, line) -> {
                PatchRecord rec = record(name, line, r, cols, order, report);
                if (rec != null) {
                    counts[0]++;
                    sink.accept(rec);
                }
            }, (line, why) -> report.accept(new ImportProblem(name, line, why, true)));
        } catch (IOException | UncheckedIOException e) {
            return new ImportResult(name, "patches", format, counts[0], counts[1], "cannot read: "
                    + org.kcdauditor.io.IoErrors.reason(e), kept);
        }
        return new ImportResult(name, "patches", format, counts[0], counts[1], null, kept);
    }

    /** @param titles whether the KB id may stand in a title ("… (KB5019081)"): a mapping's column, not a HotFixID */
    private record Columns(String label, List<String> computer, String hotFix, String installedOn, String status,
                           List<String> installedValues, String description, boolean titles) {
    }

    /**
     * The file's problem when it is meant for a mapping but lacks a column the mapping names: the first mapping whose
     * computer and hotFixId columns it has, else the first one with either of them. Read without a mapped status
     * column every row would count as installed. Null when the file is a Get-HotFix export or meant for no mapping.
     */
    private String missingMappedColumn(CsvInput csv) {
        if (csv.column("HotFixID") != null && COMPUTER_COLUMNS.stream().anyMatch(c -> csv.column(c) != null)) {
            return null;
        }
        int meant = -1;
        for (int i = 0; i < mappings.size() && meant < 0; i++) {
            if (csv.column(mappings.get(i).computer()) != null && csv.column(mappings.get(i).hotFixId()) != null) {
                meant = i;
            }
        }
        for (int i = 0; i < mappings.size() && meant < 0; i++) {
            if (csv.column(mappings.get(i).computer()) != null || csv.column(mappings.get(i).hotFixId()) != null) {
                meant = i;
            }
        }
        if (meant < 0) {
            return null;
        }
        PatchMapping m = mappings.get(meant);
        List<String> missing = new ArrayList<>();
        Map<String, String> named = new LinkedHashMap<>();
        named.put("computer", m.computer());
        named.put("hotFixId", m.hotFixId());
        named.put("installedOn", m.installedOn());
        named.put("status", m.status());
        named.forEach((key, column) -> {
            if (column != null && csv.column(column) == null) {
                missing.add(key + " '" + column + "'");
            }
        });
        return missing.isEmpty() ? null : "mapping '" + m.name() + "' (patches.mappings[" + meant + "]) names "
                + String.join(" and ", missing) + ", not " + (missing.size() == 1 ? "a column" : "columns")
                + " of this file (" + csv.headerShown() + "): correct the mapping's column names or the"
                + " export; the file was not read";
    }

    private Columns columns(CsvInput csv) {
        String hotFix = csv.column("HotFixID");
        List<String> computer = new ArrayList<>();
        for (String c : COMPUTER_COLUMNS) {
            if (csv.column(c) != null) {
                computer.add(csv.column(c));
            }
        }
        if (hotFix != null && !computer.isEmpty()) {
            return new Columns("Get-HotFix", computer, hotFix, csv.column("InstalledOn"), null, List.of(),
                    csv.column("Description"), false);
        }
        for (PatchMapping m : mappings) {
            if (csv.column(m.computer()) != null && csv.column(m.hotFixId()) != null) {
                return new Columns("mapping '" + m.name() + "'", List.of(csv.column(m.computer())),
                        csv.column(m.hotFixId()), m.installedOn() == null ? null : csv.column(m.installedOn()),
                        m.status() == null ? null : csv.column(m.status()), m.installedValues(), null, true);
            }
        }
        return null;
    }

    private static PatchRecord record(String file, long line, CSVRecord r, Columns c, Dates.SlashOrder order,
                                      Consumer<ImportProblem> report) {
        int expected = r.getParser().getHeaderNames().size();
        if (!r.isConsistent() && (r.size() > expected || r.size() < 2)) {
            report.accept(new ImportProblem(file, line, "expected " + expected
                    + " fields, found " + r.size(), true));
            return null;
        }
        String host = null;
        for (String col : c.computer()) {
            host = CsvInput.value(r, col);
            if (host != null) {
                break;
            }
        }
        String raw = CsvInput.value(r, c.hotFix());
        if (raw == null) {
            report.accept(new ImportProblem(file, line, "no " + c.hotFix() + " value", true));
            return null;
        }
        if (host == null) {
            report.accept(new ImportProblem(file, line, "no computer name (" + String.join("/", c.computer()) + ")",
                    true));
            return null;
        }
        if (c.status() != null) {
            String state = CsvInput.value(r, c.status());
            if (state == null || c.installedValues().stream().noneMatch(v -> v.equalsIgnoreCase(state))) {
                return null;
            }
        }
        String kb = c.titles() ? kb(raw) : hotFixId(raw);
        if (kb == null) {
            report.accept(new ImportProblem(file, line, c.hotFix() + " '" + CsvInput.shown(raw) + "' is not a KB number", true));
            return null;
        }
        LocalDate installed = null;
        String when = c.installedOn() == null ? null : CsvInput.value(r, c.installedOn());
        try {
            // a date the two orders read differently, in a file whose order nothing tells, is not read: the file's one
            // warning says so
            installed = order.ambiguous() && Dates.orderMatters(when) ? null : Dates.date(when, order.dayFirst());
        } catch (IllegalArgumentException e) {
            report.accept(new ImportProblem(file, line, "InstalledOn: " + e.getMessage(), false));
        }
        return new PatchRecord(host, kb, installed, c.description() == null ? null : CsvInput.value(r, c.description()),
                file + ":" + line);
    }

    /**
     * {@code KB5019966} from a HotFixID that is that id and nothing else, trimmed: "KB5019966", "kb5019966",
     * "KB 5019966" or "5019966"; null for anything more or else ("KB5019966<script>", "File 1", "=1+1").
     */
    static String hotFixId(String raw) {
        Matcher m = HOT_FIX_ID.matcher(raw.trim());
        return m.matches() ? "KB" + m.group(1) : null;
    }

    /** {@code KB5019966} from "KB5019966", "5019966" or a title containing "(KB5019966)"; null otherwise. */
    static String kb(String raw) {
        Matcher m = KB.matcher(raw);
        if (m.find()) {
            return "KB" + m.group(1);
        }
        String t = raw.trim();
        return DIGITS.matcher(t).matches() ? "KB" + t : null;
    }
}
