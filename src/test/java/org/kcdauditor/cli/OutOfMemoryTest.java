package org.kcdauditor.cli;

import org.junit.jupiter.api.Test;
import org.kcdauditor.run.ExitCodes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A run that runs out of heap ends as one line naming where and how to raise the heap, not a stack trace. */
class OutOfMemoryTest {
    static OutOfMemoryError thrownIn(String className, String method) {
        OutOfMemoryError e = new OutOfMemoryError("Java heap space");
        e.setStackTrace(new StackTraceElement[]{
                new StackTraceElement("java.util.HashSet", "toArray", "HashSet.java", 368),
                new StackTraceElement(className, method, "X.java", 1),
                new StackTraceElement("org.kcdauditor.cli.Main", "main", "Main.java", 71)});
        return e;
    }

    static String handled(Throwable e) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = Main.handle(e, null, false, new PrintStream(buf, true, StandardCharsets.UTF_8));
        assertEquals(ExitCodes.RUN_FAILED, code);
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void anOutOfMemoryErrorIsOneLineNamingWhereAndKcdAuditHeap() {
        String line = handled(thrownIn("org.kcdauditor.report.RemediationPlan", "lambda$peers$24"));
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.startsWith("kcd-audit: out of memory in RemediationPlan.peers with a Java heap of "), line);
        assertTrue(line.contains("KCD_AUDIT_HEAP="), line);
        assertFalse(line.contains("at org.kcdauditor"), line);
        assertTrue(line.contains("the run is recorded as failed"), line);
    }

    @Test
    void aWriterThatRanOutOfMemoryIsReportedTheSameWay() {
        String line = handled(new IOException(thrownIn("org.kcdauditor.report.xlsx.XlsxReportWriter", "write")));
        assertTrue(line.startsWith("kcd-audit: out of memory in XlsxReportWriter.write "), line);
        assertFalse(line.contains("cannot write output"), line);
    }

    @Test
    void theSuggestedHeapIsLargerThanTheOneThatFailed() {
        assertTrue(Main.outOfMemoryMessage(new OutOfMemoryError(), 512L << 20, true).contains("KCD_AUDIT_HEAP=3g"));
        assertTrue(Main.outOfMemoryMessage(new OutOfMemoryError(), 2L << 30, true).contains("KCD_AUDIT_HEAP=9g"));
    }

    @Test
    void aRunThatCouldNotBeRecordedFailedDoesNotClaimItWas() {
        IOException failure = new IOException("audit.xlsx (in /x/.partial): No space left on device");
        failure.addSuppressed(new org.kcdauditor.run.RunNotRecorded("history store data/kcd: cannot write", null));
        String line = handled(failure);
        assertTrue(line.strip().endsWith("No space left on device; the run could not be recorded as failed either (history"
                + " store data/kcd: cannot write): the next run records it as interrupted"), line);
        assertFalse(Main.outOfMemoryMessage(new OutOfMemoryError(), 512L << 20, false).contains("is recorded"));
    }
}
