package org.kcdauditor.inventory;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
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
 * @param modified        the file's last-modified time, when it was read (a Get-VMHost export: the date its settings
 *                        are of, which the runbook gives); null for a file not read and for the other kinds
 */
public record ImportResult(String file, String kind, String format, long records, long skipped, String error,
                           List<ImportProblem> problems, long notAudited, List<String> notAuditedHosts,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Instant modified) {
    public static final int MAX_PROBLEMS = 50;

    public ImportResult {
        problems = List.copyOf(problems);
        notAuditedHosts = notAuditedHosts == null ? List.of() : List.copyOf(notAuditedHosts);
    }

    /**
     * A file as an importer read it, before its records are matched with the audited hosts, without the file's time
     * (a file not read, a patches or events file, a findings.json written before it).
     */
    public ImportResult(String file, String kind, String format, long records, long skipped, String error,
                        List<ImportProblem> problems) {
        this(file, kind, format, records, skipped, error, problems, 0, List.of(), null);
    }

    /** A file as an importer read it, with the file's last-modified time. */
    public ImportResult(String file, String kind, String format, long records, long skipped, String error,
                        List<ImportProblem> problems, Instant modified) {
        this(file, kind, format, records, skipped, error, problems, 0, List.of(), modified);
    }

    public boolean failed() {
        return error != null;
    }
}
