package org.kcdauditor.inventory;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A line of an import that was skipped (or kept with a caveat), as {@code file:line: reason}.
 *
 * @param line       1-based line in the file; 0 for a problem with the whole file, which findings.json writes without
 *                   {@code line} (there is no line 0 to point at)
 * @param skipped    false when the record was kept (e.g. an InstalledOn that could not be read), or for a remark on
 *                   the whole file (line 0), or for a host not audited
 * @param notAudited the first line of a host that no configured cluster has as a node: its records were read but not
 *                   used (counted in {@link ImportResult#notAudited}, not in {@code skipped})
 */
public record ImportProblem(String file, @JsonInclude(JsonInclude.Include.NON_DEFAULT) long line, String reason,
                            boolean skipped,
                            @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean notAudited) {
    public ImportProblem(String file, long line, String reason, boolean skipped) {
        this(file, line, reason, skipped, false);
    }

    /** A line whose record was kept despite the problem (not a remark on the whole file). */
    public boolean kept() {
        return !skipped && !notAudited && line > 0;
    }

    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line : "") + ": " + reason + (kept() ? " (record kept)" : "");
    }
}
