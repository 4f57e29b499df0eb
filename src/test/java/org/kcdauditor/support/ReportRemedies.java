package org.kcdauditor.support;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.kcdauditor.config.MailConfig;
import org.kcdauditor.config.ScheduleConfig.Notify;
import org.kcdauditor.notify.NoticeBuilder;
import org.kcdauditor.report.FindingsDocument;
import org.kcdauditor.report.FindingsJson;
import org.kcdauditor.report.runbook.TemplateRenderer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A finding's remediation as the reports of a run's folder show it: the workbook's Findings sheet, the PDF's findings
 * table and the team's mail notice (a first run, so every finding is new and listed with what to do).
 */
public final class ReportRemedies {
    private ReportRemedies() {
    }

    /** Asserts that the workbook, the PDF and the mail give {@code finding} {@code expected} as what to do. */
    public static void assertShown(Path dir, String finding, String expected) throws Exception {
        String workbook = workbook(dir, finding);
        assertTrue(workbook.equals(expected), "workbook: " + workbook + "\nexpected: " + expected);
        String pdf = pdf(dir);
        assertTrue(pdf.contains(expected.replaceAll("\\s+", "")), "PDF: " + pdf + "\nexpected: " + expected);
        String mail = mail(dir);
        assertTrue(mail.contains("What to do: " + expected), "mail: " + mail + "\nexpected: " + expected);
    }

    /** The Remediation cell of {@code finding}'s row of the workbook's Findings sheet. */
    private static String workbook(Path dir, String finding) throws Exception {
        try (XSSFWorkbook wb = new XSSFWorkbook(dir.resolve("audit.xlsx").toFile())) {
            String remedy = findingCell(wb, finding, "Remediation");
            if (remedy == null) {
                throw new AssertionError("the workbook has no finding " + finding);
            }
            return remedy;
        }
    }

    /** The cell under {@code column} of finding {@code id}'s row of the workbook's Findings sheet; null without one. */
    public static String findingCell(XSSFWorkbook xlsx, String id, String column) {
        XSSFSheet sh = xlsx.getSheet("Findings");
        List<String> head = new ArrayList<>();
        sh.getRow(0).forEach(c -> head.add(c.getStringCellValue()));
        for (Row r : sh) {
            if (r.getRowNum() > 0 && id.equals(r.getCell(head.indexOf("Id")).getStringCellValue())) {
                return r.getCell(head.indexOf(column)).getStringCellValue();
            }
        }
        return null;
    }

    /** The PDF's text without whitespace (a table cell breaks a command where the column ends). */
    private static String pdf(Path dir) throws Exception {
        try (PDDocument d = Loader.loadPDF(dir.resolve("audit.pdf").toFile())) {
            return new PDFTextStripper().getText(d).replaceAll("\\s+", "");
        }
    }

    /** The text part of the team's notice of the run's findings.json. */
    private static String mail(Path dir) throws Exception {
        FindingsDocument doc = FindingsJson.read(dir.resolve("findings.json"));
        MailConfig mail = new MailConfig("127.0.0.1", 25, "none", null, null, null, "kcd@contoso.com",
                List.of("team@contoso.com"), Map.of(), null, null, null, null, null);
        return new NoticeBuilder(mail, new TemplateRenderer(Path.of("templates"))).build("daily", Notify.ALWAYS, doc,
                null, null, null).get(0).text();
    }
}
