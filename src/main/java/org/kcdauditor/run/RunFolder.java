package org.kcdauditor.run;

import org.kcdauditor.io.AtomicFiles;
import org.kcdauditor.io.FileTrees;
import org.kcdauditor.io.IoErrors;
import org.kcdauditor.report.Format;
import org.kcdauditor.report.Reports;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Where a run writes its reports: complete, or marked as not.
 * <ul>
 * <li>A run folder {@code reports/<UTC time>-<run id>} is written as {@code <name>.partial/} and renamed to its
 * final name once every file is written; a failed run's folder is renamed {@code <name>.failed/} and holds
 * {@value #FAILED_TXT} with the reason.</li>
 * <li>With {@code --out DIR} the files go to the hidden folder {@code DIR/.kcd-audit-<run id>.partial/} first and
 * are moved into DIR (replacing files of the same name, findings.json last) once all are written, all or
 * nothing ({@link #publish}); reports of an earlier run that DIR still holds and this run did not write are left
 * where they are and named ({@link Published#leftOver}); a failed run leaves DIR as it was and its files in
 * {@code DIR/kcd-audit-<run id>.failed/} with {@value #FAILED_TXT}.</li>
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
    /** Inside the staging folder: the files of DIR the new ones replace, until the run is stored. */
    static final String REPLACED = ".kcd-replaced";
    private static final Logger LOG = LoggerFactory.getLogger(RunFolder.class);

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
     * {@code --out}, the files moved into DIR all-or-nothing, {@link #publish}). The run is stored after this and
     * calls {@link Published#keep} once it is, or {@link Published#undo} when storing it fails.
     */
    public Published finish(List<Path> written) throws IOException {
        removeTemporaryFiles(staging);
        if (!into) {
            move(staging, target);
            List<Path> out = new ArrayList<>();
            for (Path p : written) {
                out.add(target.resolve(p.getFileName()));
            }
            return new Published(out, List.of(), Collections.singletonList(new Path[]{staging, target}), null, null);
        }
        return publish(staging, target, written, failedName(staging));
    }

    /**
     * Moves {@code files} (all in {@code staging}, a folder inside {@code dir}) into {@code dir}, findings.json last
     * so it never describes files not there yet. A file of the same name already in {@code dir} is first moved
     * aside into {@code staging/}{@value #REPLACED}; when any move fails, every move already made is undone (the
     * new files back into {@code staging}, the old ones back into {@code dir}) and the failure thrown, so
     * {@code dir} holds the old files or the new ones, never a mix.
     *
     * @param keptIn where {@code staging} is once the failure is handled (a run renames it {@code .failed}), named
     *               by the failure when old files could not be put back
     * @return the files at their final place, in the order given; {@link Published#keep} drops the old ones
     */
    public static Published publish(Path staging, Path dir, List<Path> files, Path keptIn) throws IOException {
        List<Path> ordered = new ArrayList<>(files);
        ordered.sort((a, b) -> Boolean.compare(isFindings(a), isFindings(b)));
        Path aside = staging.resolve(REPLACED);
        List<Path[]> moves = new ArrayList<>();
        for (Path p : ordered) {
            Path t = dir.resolve(p.getFileName());
            try {
                if (Files.exists(t, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(t, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(aside);
                    Path old = aside.resolve(p.getFileName());
                    move(t, old);
                    moves.add(new Path[]{t, old});
                }
                move(p, t);
                moves.add(new Path[]{p, t});
            } catch (IOException | RuntimeException e) {
                String why = e instanceof FileSystemException f && f.getReason() != null ? f.getReason()
                        : IoErrors.describe(e);
                Exception undo = new Exception();
                new Published(List.of(), List.of(), moves, aside, null).undo(undo);
                IOException failure = new IOException(t + " cannot be replaced (" + why + (undo.getSuppressed().length
                        == 0 ? "), so no report was moved into " + dir : "), and the files moved before it could not"
                        + " all be put back: what they replaced is in " + keptIn.resolve(REPLACED)
                        + " (move it back into " + dir + " by hand)"), e);
                for (Throwable x : undo.getSuppressed()) {
                    failure.addSuppressed(x);
                }
                throw failure;
            }
        }
        List<Path> out = new ArrayList<>();
        Set<String> written = new HashSet<>();
        for (Path p : files) {
            out.add(dir.resolve(p.getFileName()));
            written.add(p.getFileName().toString());
        }
        List<Path> leftOver = new ArrayList<>();
        for (Format f : Format.values()) {
            Path p = dir.resolve(f.fileName());
            if (!written.contains(f.fileName()) && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                leftOver.add(p);
            }
        }
        return new Published(out, leftOver, moves, aside, staging);
    }

    /**
     * Deletes a staging folder {@link #publish} has moved its files out of, or failed to (its new files then still
     * in it) — unless files of DIR it replaced are still in it because they could not be put back: then it is kept,
     * and a warning says where they are.
     */
    public static void discard(Path staging) throws IOException {
        if (Files.exists(staging.resolve(REPLACED), LinkOption.NOFOLLOW_LINKS)) {
            LOG.warn("{} holds files the new reports replaced that could not be put back: move them back by hand",
                    staging.resolve(REPLACED));
            return;
        }
        FileTrees.delete(staging);
    }

    /** Files moved to their final place, the files they replaced still kept aside. */
    public static final class Published {
        private final List<Path> files;
        private final List<Path> leftOver;
        private final List<Path[]> moves;
        private final Path aside;
        private final Path staging;

        private Published(List<Path> files, List<Path> leftOver, List<Path[]> moves, Path aside, Path staging) {
            this.files = files;
            this.leftOver = leftOver;
            this.moves = moves;
            this.aside = aside;
            this.staging = staging;
        }

        /** The files at their final place. */
        public List<Path> files() {
            return files;
        }

        /**
         * Report files DIR holds that this publication did not write ({@code audit.pdf} beside a json,md run): an
         * earlier run's, or the same run's when it is re-rendered in part. Never removed: the caller says so.
         */
        public List<Path> leftOver() {
            return leftOver;
        }

        /** The outcome stands: the replaced files and the emptied staging folder are deleted. */
        public List<Path> keep() {
            try {
                if (aside != null) {
                    FileTrees.delete(aside);
                }
                if (staging != null) {
                    Files.deleteIfExists(staging);
                }
            } catch (IOException e) {
                LOG.warn("cannot remove {} (the files the reports replaced): {}", staging, e.getMessage());
            }
            return files;
        }

        /** Puts everything back where it was, last move first; a move that cannot be undone is added to {@code failure}. */
        public void undo(Throwable failure) {
            // a place the new file could not be taken out of keeps it: the old one then stays aside, never over it
            Set<Path> stillNew = new HashSet<>();
            for (int i = moves.size() - 1; i >= 0; i--) {
                Path from = moves.get(i)[1];
                Path to = moves.get(i)[0];
                if (stillNew.contains(to)) {
                    failure.addSuppressed(new IOException(from + " stays aside: the new " + to.getFileName()
                            + " could not be taken out of its place"));
                    continue;
                }
                try {
                    move(from, to);
                } catch (IOException | RuntimeException e) {
                    stillNew.add(from);
                    failure.addSuppressed(e);
                }
            }
            try {
                if (aside != null) {
                    Files.deleteIfExists(aside); // only when empty: nothing of the old files is ever deleted here
                }
            } catch (IOException e) {
                failure.addSuppressed(e);
            }
        }
    }

    /** " (FAILED.txt says why)" where {@code failed} holds one, else nothing (it did not fit on a full disk). */
    public static String failedTxtSaysWhy(Path failed) {
        return Files.isRegularFile(failed.resolve(FAILED_TXT)) ? " (" + FAILED_TXT + " says why)" : "";
    }

    /**
     * The run failed: temporary files removed, the folder renamed {@code .failed} with {@value #FAILED_TXT} (where it
     * fits: a full disk may leave no room for it, and the folder's name marks it all the same).
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

    /**
     * The files of DIR a publish had moved aside when its process was killed (kept in the failed folder's
     * {@value #REPLACED}), or null when there are none: DIR then holds a mix of old and new reports.
     */
    static Path replacedLeftIn(Path failed) {
        Path aside = failed.resolve(REPLACED);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(aside)) {
            return entries.iterator().hasNext() ? aside : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static Path markFailed(Path staging, Path failed, String reason, String runId, Instant startedAt)
            throws IOException {
        removeTemporaryFiles(staging);
        Path into = Files.exists(failed) ? staging : failed;
        if (into != staging) {
            move(staging, failed);
        }
        try {
            AtomicFiles.writeString(into.resolve(FAILED_TXT), "This run did not complete, so the files in this folder"
                    + " are not a report:\n"
                    + "the outputs it wrote before it stopped may be missing, incomplete or out of step with each other.\n\n"
                    + "Run:     " + runId + "\n"
                    + "Started: " + startedAt + "\n"
                    + "Reason:  " + oneLine(reason) + "\n\n"
                    + "kcd-audit history --config FILE shows the run; the next successful run writes a complete folder.\n");
        } catch (IOException e) {
            // a full disk may leave no room for it either: the folder's name marks it, and is what the run reports
        }
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
