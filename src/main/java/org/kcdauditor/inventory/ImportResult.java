package org.kcdauditor.inventory;

import java.util.List;

/**
 * What importing one file gave.
 *
 * @param kind     patches | events
 * @param format   what the file was recognised as (e.g. "Get-HotFix CSV (Windows PowerShell 5.1, UTF-16LE)")
 * @param records         records read (in a run: those of audited hosts; {@code records + skipped + notAudited}
 *                        are the rows read, apart from rows an export marks as no installed update or no failure)
 * @param skipped         lines skipped with a reason
 * @param error           why the whole file could not be used, or null
 * @param problems        the first {@link #MAX_PROBLEMS} problems (the skipped ones are counted in {@code skipped},
 *                        the {@link ImportProblem#notAudited} ones, one per host, in {@code notAudited})
 * @param notAudited      records read for hosts no configured cluster has as a node (or, for a domain controller's
 *                        KDCSVC event, naming no account or service the audit looks at): read, not used
 * @param notAuditedHosts the first {@link #MAX_PROBLEMS} of those hosts' names, as the file writes them
 */
public record ImportResult(String file, String kind, String format, long records, long skipped, String error,
                           List<ImportProblem> problems, long notAudited, List<String> notAuditedHosts) {
    public static final int MAX_PROBLEMS = 50;

    public ImportResult {
        problems = List.copyOf(problems);
        notAuditedHosts = notAuditedHosts == null ? List.of() : List.copyOf(notAuditedHosts);
    }

    /** A file as an importer read it, before its records are matched with the audited hosts. */
    public ImportResult(String file, String kind, String format, long records, long skipped, String error,
                        List<ImportProblem> problems) {
        this(file, kind, format, records, skipped, error, problems, 0, List.of());
    }

    public boolean failed() {
        return error != null;
    }
}
