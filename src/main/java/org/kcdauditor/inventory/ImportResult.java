package org.kcdauditor.inventory;

import java.util.List;

/**
 * What importing one file gave.
 *
 * @param kind     patches | events
 * @param format   what the file was recognised as (e.g. "Get-HotFix CSV (Windows PowerShell 5.1, UTF-16LE)")
 * @param records  records read (whether or not they belong to a configured node)
 * @param skipped  lines skipped with a reason
 * @param error    why the whole file could not be used, or null
 * @param problems the first {@link #MAX_PROBLEMS} problems (all are counted in {@code skipped})
 */
public record ImportResult(String file, String kind, String format, long records, long skipped, String error,
                           List<ImportProblem> problems) {
    public static final int MAX_PROBLEMS = 50;

    public ImportResult {
        problems = List.copyOf(problems);
    }

    public boolean failed() {
        return error != null;
    }
}
