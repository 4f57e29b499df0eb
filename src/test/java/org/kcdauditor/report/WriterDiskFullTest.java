package org.kcdauditor.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.audit.Timings;
import org.kcdauditor.report.pdf.PdfReportWriter;
import org.kcdauditor.report.runbook.RunbookWriter;
import org.kcdauditor.report.runbook.TemplateRenderer;
import org.kcdauditor.report.xlsx.XlsxReportWriter;

import org.apache.poi.util.TempFile;
import org.apache.poi.util.TempFileCreationStrategy;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A full disk as the writers meet it: the file system accepts some bytes, then refuses with ENOSPC. POI's save
 * catches that IOException and throws {@code OpenXML4JRuntimeException "Fail to save … DefaultMarshaller@…"}
 * without it as a cause, so the console read "unexpected error: org.apache.poi…" instead of the documented
 * "cannot write output: audit.xlsx (in …): No space left on device" (docs/reliability.md 4).
 */
class WriterDiskFullTest {
    @TempDir
    Path dir;

    /** Takes {@code room} bytes, then fails every write as a full disk does. */
    private static final class FullDisk extends OutputStream {
        private long room;

        FullDisk(long room) {
            this.room = room;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len > room) {
                room = 0;
                throw new IOException("No space left on device");
            }
            room -= len;
        }
    }

    private static List<ReportWriter> writers() {
        TemplateRenderer templates = new TemplateRenderer(Path.of("templates"));
        return List.of(new JsonReportWriter(), new XlsxReportWriter(), new PdfReportWriter(16),
                RunbookWriter.markdown(templates), RunbookWriter.html(templates), RunbookWriter.powershell(templates));
    }

    @Test
    void everyWriterFailsWithTheFileSystemsReasonNotALibrarysWrapper() {
        ReportView view = ReportView.of(Fixtures.demo());
        List<String> wrong = new java.util.ArrayList<>();
        for (ReportWriter w : writers()) {
            for (long room : new long[] {0, 2_000}) {
                try {
                    w.write(view, new FullDisk(room), Set.of(w.format()));
                    wrong.add(w.fileName() + " wrote its whole file into " + room + " bytes");
                } catch (IOException e) {
                    if (!"No space left on device".equals(e.getMessage())) {
                        wrong.add(w.fileName() + " after " + room + " bytes: " + e);
                    }
                } catch (RuntimeException e) {
                    wrong.add(w.fileName() + " after " + room + " bytes: " + e);
                }
            }
        }
        assertEquals(List.of(), wrong);
    }

    /**
     * The workbook's sheet data goes to temporary files in the run folder first (Reports), on the same full disk:
     * here each one a link to {@code /dev/full}, where every write fails with ENOSPC. POI meets that failure while
     * it saves a sheet's part and drops it.
     */
    @Test
    void aWorkbookWhoseTemporarySheetFilesCannotBeWrittenSaysTheDiskIsFull() throws IOException {
        Path full = Path.of("/dev/full");
        assumeTrue(Files.isWritable(full), "needs /dev/full");
        Path temp = Files.createDirectories(dir.resolve(".kcd-tmp-full"));
        TempFileCreationStrategy toFullDisk = new TempFileCreationStrategy() {
            @Override
            public File createTempFile(String prefix, String suffix) throws IOException {
                Path name = Files.createTempFile(temp, prefix, suffix);
                Files.delete(name);
                return Files.createSymbolicLink(name, full).toFile();
            }

            @Override
            public File createTempDirectory(String prefix) throws IOException {
                return Files.createTempDirectory(temp, prefix).toFile();
            }
        };
        ReportView view = ReportView.of(Fixtures.demo());
        java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class,
                () -> TempFile.withStrategy(toFullDisk, () -> {
                    try {
                        new XlsxReportWriter().write(view, OutputStream.nullOutputStream());
                    } catch (IOException io) {
                        throw new java.io.UncheckedIOException(io);
                    }
                    return null;
                }));
        assertEquals("No space left on device", e.getCause().getMessage());
    }

    /** The workbook written straight to a full disk ({@code /dev/full}). */
    @Test
    void aWorkbookWrittenToAFullDiskSaysSo() throws IOException {
        Path full = Path.of("/dev/full");
        assumeTrue(Files.isWritable(full), "needs /dev/full");
        ReportView view = ReportView.of(Fixtures.demo());
        for (ReportWriter w : writers()) {
            try (OutputStream out = new java.io.FileOutputStream(full.toFile())) {
                IOException e = assertThrows(IOException.class, () -> w.write(view, out, Set.of(w.format())),
                        w.fileName());
                assertEquals("No space left on device", e.getMessage(), w.fileName());
            }
        }
    }

    @Test
    void theRunSaysWhichFileAndWhyInOneLine() throws IOException {
        ReportWriter realXlsxOnAFullDisk = new ReportWriter() {
            @Override
            public Format format() {
                return Format.XLSX;
            }

            @Override
            public void write(ReportView view, OutputStream out) throws IOException {
                new XlsxReportWriter().write(view, new FullDisk(5_000));
            }
        };
        Reports reports = new Reports(List.of(new JsonReportWriter(), realXlsxOnAFullDisk));
        IOException e = assertThrows(IOException.class, () -> reports.writeAll(Fixtures.demo(), dir,
                Set.of(Format.JSON, Format.XLSX), new Timings()));
        assertTrue(e.getMessage().matches("audit\\.xlsx \\(in .*\\): No space left on device"), e.getMessage());
        try (var left = Files.list(dir)) {
            assertEquals(List.of("findings.json"), left.map(p -> p.getFileName().toString()).toList(),
                    "no temporary file left");
        }
    }
}
