package org.kcdauditor.run;

import org.kcdauditor.io.AtomicFiles;
import org.kcdauditor.io.FileTrees;
import org.kcdauditor.report.Reports;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a run writes its reports: complete, or marked as not.
 * <ul>
 * <li>A run folder {@code reports/<UTC time>-<run id>} is written as {@code <name>.partial/} and renamed to its
 * final name once every file is written; a failed run's folder is renamed {@code <name>.failed/} and holds
 * {@value #FAILED_TXT} with the reason.</li>
 * <li>With {@code --out DIR} the files go to the hidden folder {@code DIR/.kcd-audit-<run id>.partial/} first and
 * are moved into DIR (replacing files of the same name, findings.json last) once all are written; a failed
 * run leaves DIR as it was and its files in {@code DIR/kcd-audit-<run id>.failed/} with {@value #FAILED_TXT}.</li>
 * </ul>
 * Temporary files (the writers' {@code .*.tmp}, the workbook's {@code .kcd-tmp-*} folder) are removed on
 * success and on failure; a folder a killed process left {@code .partial} is marked failed and cleaned by the
 * next run ({@link Recovery}).
 */
public final class RunFolder {
    public static final String PARTIAL = ".partial";
    public static final String FAILED = ".failed";
    public static final String FAILED_TXT = "FAILED.txt";
    private static final String OUT_PREFIX = ".kcd-audit-";

    private final Path staging;
    private final Path target;
    private final boolean into;

    private RunFolder(Path staging, Path target, boolean into) {
        this.staging = staging;
        this.target = target;
        this.into = into;
    }

    /**
     * A new run folder {@code dir} (which must not exist yet), to be written as {@code dir.partial}. Nothing
     * is created until {@link #create}: the run records where it will write first, so that a process killed
     * right after creating the folder leaves a folder the next run can find.
     */
    public static RunFolder at(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        return new RunFolder(abs.resolveSibling(abs.getFileName() + PARTIAL), abs, false);
    }

    /** The user's {@code --out DIR}: written in a hidden folder inside DIR, moved into DIR on success. */
    public static RunFolder into(Path dir, String runId) {
        Path abs = dir.toAbsolutePath().normalize();
        return new RunFolder(abs.resolve(OUT_PREFIX + shortId(runId) + PARTIAL), abs, true);
    }

    /** Creates the unfinished folder (and the folders above it). */
    public RunFolder create() throws IOException {
        Files.createDirectories(staging.getParent());
        Files.createDirectory(staging);
        return this;
    }

    /** Where the writers write now. */
    public Path staging() {
        return staging;
    }

    /** Where the reports are once the run succeeded. */
    public Path target() {
        return target;
    }

    /**
     * Every file is written: temporary files removed, the folder renamed to its final name (or, with
     * {@code --out}, each file moved into DIR, findings.json last so it never describes files not there yet).
     *
     * @return the files at their final place, in the order given
     */
    public List<Path> finish(List<Path> written) throws IOException {
        removeTemporaryFiles(staging);
        List<Path> out = new ArrayList<>();
        if (!into) {
            move(staging, target);
            for (Path p : written) {
                out.add(target.resolve(p.getFileName()));
            }
            return out;
        }
        List<Path> ordered = new ArrayList<>(written);
        ordered.sort((a, b) -> Boolean.compare(isFindings(a), isFindings(b)));
        for (Path p : ordered) {
            move(p, target.resolve(p.getFileName()));
        }
        for (Path p : written) {
            out.add(target.resolve(p.getFileName()));
        }
        Files.deleteIfExists(staging);
        return out;
    }

    /**
     * The run failed: temporary files removed, the folder renamed {@code .failed} with {@value #FAILED_TXT}.
     *
     * @return the failed folder
     */
    public Path fail(String reason, String runId, Instant startedAt) throws IOException {
        return markFailed(staging, failedName(staging), reason, runId, startedAt);
    }

    /**
     * A {@code .partial} folder whose run will never finish (its process was killed): marked failed as
     * {@link #fail} would have. Does nothing when the folder is gone.
     *
     * @return the failed folder, or null when there was nothing to mark
     */
    static Path abandon(Path staging, String reason, String runId, Instant startedAt) throws IOException {
        if (!Files.isDirectory(staging) || !staging.getFileName().toString().endsWith(PARTIAL)) {
            return null;
        }
        return markFailed(staging, failedName(staging), reason, runId, startedAt);
    }

    private static Path markFailed(Path staging, Path failed, String reason, String runId, Instant startedAt)
            throws IOException {
        removeTemporaryFiles(staging);
        Path into = Files.exists(failed) ? staging : failed;
        if (into != staging) {
            move(staging, failed);
        }
        AtomicFiles.writeString(into.resolve(FAILED_TXT), "This run did not complete, so the files in this folder"
                + " are not a report:\n"
                + "the outputs it wrote before it stopped may be missing, incomplete or out of step with each other.\n\n"
                + "Run:     " + runId + "\n"
                + "Started: " + startedAt + "\n"
                + "Reason:  " + oneLine(reason) + "\n\n"
                + "kcd-audit history --config FILE shows the run; the next successful run writes a complete folder.\n");
        return into;
    }

    /** {@code <name>.partial} → {@code <name>.failed}; {@code .kcd-audit-<id>.partial} → {@code kcd-audit-<id>.failed}. */
    static Path failedName(Path staging) {
        String name = staging.getFileName().toString();
        String base = name.endsWith(PARTIAL) ? name.substring(0, name.length() - PARTIAL.length()) : name;
        return staging.resolveSibling((base.startsWith(".") ? base.substring(1) : base) + FAILED);
    }

    /** The writers' temporary files: {@code .<file>.<uuid>.tmp} and the writers' {@code .kcd-tmp-*} folders. */
    static void removeTemporaryFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String n = p.getFileName().toString();
                if (n.startsWith(Reports.TEMP_PREFIX)) {
                    FileTrees.delete(p);
                } else if (n.startsWith(".") && n.endsWith(".tmp") && Files.isRegularFile(p)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static boolean isFindings(Path p) {
        return p.getFileName().toString().equals("findings.json");
    }

    static String shortId(String runId) {
        return runId.length() > 8 ? runId.substring(0, 8) : runId;
    }

    private static String oneLine(String s) {
        return s == null ? "unknown" : s.replaceAll("\\p{Cntrl}+", " ").strip();
    }
}
