package org.kcdauditor.report;

import org.kcdauditor.audit.Timings;
import org.kcdauditor.config.ReportsConfig;
import org.kcdauditor.io.AtomicFiles;
import org.kcdauditor.io.Causes;
import org.kcdauditor.io.FileTrees;
import org.kcdauditor.io.IoErrors;
import org.kcdauditor.io.Futures;
import org.kcdauditor.report.pdf.PdfReportWriter;
import org.kcdauditor.report.runbook.RunbookWriter;
import org.kcdauditor.report.runbook.TemplateRenderer;
import org.kcdauditor.report.xlsx.XlsxReportWriter;

import org.apache.poi.util.DefaultTempFileCreationStrategy;
import org.apache.poi.util.TempFile;
import org.apache.poi.util.TempFileCreationStrategy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** The output formats a run (or {@code report --from}) writes, each atomically into the run folder. */
public final class Reports {
    /**
     * The folder, inside the one written to, that holds the writers' temporary files (POI's sheet data)
     * while they run: per run and per user, never a shared {@code /tmp/poifiles}; removed afterwards.
     */
    public static final String TEMP_PREFIX = ".kcd-tmp-";

    private final List<ReportWriter> writers;
    private final String changeTicket;

    public Reports(List<ReportWriter> writers) {
        this(writers, null);
    }

    /** The writers, and the change ticket the reports are prepared for (null: a field to fill in). */
    public Reports(List<ReportWriter> writers, String changeTicket) {
        this.writers = List.copyOf(writers);
        this.changeTicket = changeTicket;
    }

    /** Every format, with the {@code reports:} options of the config, the change ticket included. */
    public static Reports standard(Path templatesDir, ReportsConfig config) {
        TemplateRenderer templates = new TemplateRenderer(templatesDir);
        return new Reports(List.of(new JsonReportWriter(), new XlsxReportWriter(),
                new PdfReportWriter(config.pdfMatrixMaxNodesOrDefault()), RunbookWriter.markdown(templates),
                RunbookWriter.html(templates), RunbookWriter.powershell(templates)), config.changeTicket());
    }

    /** The same writers except {@code findings.json} (re-rendering must not rewrite its source). */
    public Reports withoutJson() {
        return new Reports(writers.stream().filter(w -> w.format() != Format.JSON).toList(), changeTicket);
    }

    /**
     * Writes the requested formats (findings.json always) into {@code dir}. The writers are
     * independent readers of one {@link ReportView}, so they run side by side on the machine's cores;
     * each file is written atomically, and the first failure is reported once all have finished. Their
     * temporary files live in a {@value #TEMP_PREFIX}* folder inside {@code dir}, removed when they are done.
     *
     * @return the files written, in format order
     */
    public List<Path> writeAll(FindingsDocument doc, Path dir, Collection<Format> formats, Timings timings)
            throws IOException {
        return writeAll(doc, dir, formats, formats, timings);
    }

    /** The same, with {@code beside}: the reports the folder will hold with these (a re-rendering keeps some). */
    public List<Path> writeAll(FindingsDocument doc, Path dir, Collection<Format> formats, Collection<Format> beside,
                               Timings timings) throws IOException {
        return writeAll(view(doc), dir, formats, beside, timings, null);
    }

    /** The one view of {@code doc} the writers read (with this set's change ticket); a run prints it too. */
    public ReportView view(FindingsDocument doc) {
        return ReportView.of(doc, changeTicket);
    }

    /** The file being written and why it could not be: "audit.xlsx (in DIR): No space left on device". */
    private static IOException writing(Path target, IOException e) {
        return new IOException(target.getFileName() + " (in " + target.getParent() + "): " + IoErrors.describe(e), e);
    }

    /**
     * The same for a view already made ({@link #view}), with {@code alongside} (may be null) run on the writers'
     * threads too, after the workbook has started: the run stores its rows meanwhile. Its failure is reported like a
     * writer's. {@code beside}: the other reports the folder holds with these ({@link ReportWriter#write(ReportView,
     * java.io.OutputStream, Set)}).
     */
    public List<Path> writeAll(ReportView view, Path dir, Collection<Format> formats, Collection<Format> beside,
                               Timings timings, Callable<?> alongside) throws IOException {
        List<ReportWriter> chosen = writers.stream()
                .filter(w -> w.format() == Format.JSON || formats.contains(w.format())).toList();
        Set<Format> inFolder = EnumSet.noneOf(Format.class);
        inFolder.addAll(beside);
        chosen.forEach(w -> inFolder.add(w.format()));
        int count = chosen.size() + (alongside == null ? 0 : 1);
        int threads = Math.max(1, Math.min(count, Runtime.getRuntime().availableProcessors()));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "kcd-report-writer");
            t.setDaemon(true);
            return t;
        });
        Path temp = dir.resolve(TEMP_PREFIX + UUID.randomUUID().toString().substring(0, 8));
        TempFileCreationStrategy poiTemp = new DefaultTempFileCreationStrategy(temp.toFile());
        try {
            // Longest first, so that the cores finish together: the workbook (at 20,000 hosts about half
            // of the writers' time), then what runs alongside, then the rest in format order.
            List<ReportWriter> order = new ArrayList<>(chosen);
            order.sort(Comparator.comparing(w -> w.format() != Format.XLSX));
            List<Callable<?>> tasks = new ArrayList<>();
            for (ReportWriter w : order) {
                Path target = dir.resolve(w.fileName());
                tasks.add(() -> TempFile.withStrategy(poiTemp, () -> {
                    try {
                        timings.time(w.format().word(),
                                () -> AtomicFiles.write(target, out -> w.write(view, out, inFolder)));
                    } catch (IOException e) {
                        throw new UncheckedIOException(writing(target, e));
                    } catch (RuntimeException e) {
                        // a library's own wrapper (POI: OpenXML4JRuntimeException "Fail to save") of a failed write
                        // the IOException among its causes (an UncheckedIOException's cause is the one it carries)
                        IOException io = Causes.find(e, IOException.class);
                        if (io == null) {
                            throw e;
                        }
                        throw new UncheckedIOException(writing(target, io));
                    }
                    return target;
                }));
            }
            if (alongside != null) {
                tasks.add(Math.min(1, tasks.size()), alongside);
            }
            // Every task submitted is waited for, even when this thread is interrupted or the submitting failed:
            // the task alongside uses the run's store connection, which must be free before the run records its
            // end, and H2 closes its file when a thread inside it is interrupted (so tasks are never interrupted).
            List<Future<?>> futures = new ArrayList<>();
            Throwable failure = null;
            try {
                for (Callable<?> t : tasks) {
                    futures.add(pool.submit(t));
                }
            } finally {
                for (Future<?> f : futures) {
                    try {
                        Futures.getUninterruptibly(f);
                    } catch (ExecutionException e) {
                        Throwable cause = e.getCause() instanceof UncheckedIOException u ? u.getCause() : e.getCause();
                        failure = failure == null ? cause : failure;
                    }
                }
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new IOException("interrupted while writing reports");
            }
            if (failure instanceof IOException io) {
                throw io;
            } else if (failure instanceof RuntimeException re) {
                throw re;
            } else if (failure != null) {
                throw new IOException(failure);
            }
            return chosen.stream().map(w -> dir.resolve(w.fileName())).toList();
        } finally {
            pool.shutdown();
            FileTrees.delete(temp);
        }
    }
}
