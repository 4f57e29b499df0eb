package org.kcdauditor.inventory;

/**
 * A line of an import that was skipped (or kept with a caveat), as {@code file:line: reason}.
 *
 * @param line    1-based line in the file; 0 for a problem with the whole file
 * @param skipped false when the record was kept (e.g. an InstalledOn that could not be read), or for a remark on
 *                the whole file (line 0)
 */
public record ImportProblem(String file, long line, String reason, boolean skipped) {
    /** A line whose record was kept despite the problem (not a remark on the whole file). */
    public boolean kept() {
        return !skipped && line > 0;
    }

    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line : "") + ": " + reason + (kept() ? " (record kept)" : "");
    }
}
