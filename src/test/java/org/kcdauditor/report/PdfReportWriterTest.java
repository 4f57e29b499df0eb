package org.kcdauditor.report;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.kcdauditor.config.ReportsConfig;
import org.kcdauditor.report.pdf.PdfReportWriter;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PdfReportWriterTest {

    static byte[] render(FindingsDocument doc, int matrixMax) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PdfReportWriter(matrixMax).write(Rendering.of(doc), out);
        return out.toByteArray();
    }

    static String text(byte[] pdf, int from, int to) throws Exception {
        try (PDDocument d = Loader.loadPDF(pdf)) {
            PDFTextStripper s = new PDFTextStripper();
            s.setStartPage(from);
            s.setEndPage(Math.min(to, d.getNumberOfPages()));
            return s.getText(d).replaceAll("[ \\t]*\\R[ \\t]*", "\n");
        }
    }

    @Test
    void coverFindingsFooterAndSignOff() throws Exception {
        byte[] pdf = render(Fixtures.demo(), ReportsConfig.DEFAULT_PDF_MATRIX_MAX_NODES);
        int pages;
        try (PDDocument d = Loader.loadPDF(pdf)) {
            pages = d.getNumberOfPages();
        }
        String cover = text(pdf, 1, 1);
        assertTrue(cover.contains("Kerberos constrained delegation audit"), cover);
        assertTrue(cover.contains("Hyper-V live migration – contoso.com"));
        assertTrue(cover.contains("contoso.com"));
        assertTrue(cover.contains("Overall status: Action required"));
        assertTrue(cover.contains("2026-11-26 06:00 UTC"));
        assertTrue(cover.contains("page 1 of " + pages), "footer with the real page count: " + cover);
        assertTrue(cover.contains("3f2a9c1e-5b7d-4e8a-9c0f-1a2b3c4d5e6f"), "run id in the footer");
        String all = text(pdf, 1, pages);
        assertTrue(all.contains("Executive summary"));
        assertTrue(all.contains("HV02 is not allowed to delegate to cifs/HV03"), "a known finding");
        assertTrue(all.contains("Cluster HVC1"), "matrix of a cluster with problems");
        assertTrue(all.contains("Remediation plan"));
        assertTrue(all.contains("repadmin /syncall dc1.contoso.com /AdeP"), "pushed from the DC the changes went to");
        assertTrue(all.contains("CAB decision"));
        assertTrue(all.contains("page " + pages + " of " + pages));
    }

    @Test
    void fontsAreEmbeddedAndNonAsciiNamesRender() throws Exception {
        FindingsDocument doc = Fixtures.withFindings(Fixtures.demo(), List.of(
                Fixtures.missing("HV01", "ŽÜRICH-HV", "cifs/ŽÜRICH-HV")));
        byte[] pdf = render(doc, 16);
        assertTrue(text(pdf, 1, 99).contains("cifs/ŽÜRICH-HV"));
        try (PDDocument d = Loader.loadPDF(pdf)) {
            List<String> fonts = new ArrayList<>();
            for (PDPage page : d.getPages()) {
                for (COSName name : page.getResources().getFontNames()) {
                    PDFont f = page.getResources().getFont(name);
                    fonts.add(f.getName());
                    assertTrue(f.isEmbedded(), f.getName() + " embedded");
                }
            }
            assertFalse(fonts.isEmpty());
            assertTrue(fonts.stream().allMatch(n -> n.contains("DejaVuSans")), fonts.toString());
        }
    }

    @Test
    void largeClusterMatrixShowsOnlyFailingHosts() throws Exception {
        // With a threshold of 2, both demo clusters are "large": only hosts of failing pairs are drawn.
        String all = text(render(Fixtures.demo(), 2), 1, 99);
        assertTrue(all.contains("only the 2 source and 2 destination hosts of failing pairs"), all);
    }
}
