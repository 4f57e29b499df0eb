package org.kcdauditor.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * In a terminal, run's progress line said "Reading ldap://dc1… 20000 objects" until the summary, through seconds of
 * evaluation and report writing (most of a run at 20,000 hosts): it now says what the run does after the reading.
 */
class ProgressLineTest {
    @Test
    void eachStageAfterTheReadingHasItsLine() {
        assertNull(RunCommand.stageLine("collect"), "the reading counts its objects itself");
        assertEquals("Reading the patch, event and host-settings exports …", RunCommand.stageLine("import"));
        assertEquals("Evaluating the pairs …", RunCommand.stageLine("evaluate"));
        for (String writer : new String[]{"json", "xlsx", "pdf", "md", "html", "ps1"}) {
            assertEquals("Writing the reports …", RunCommand.stageLine(writer), writer);
        }
        assertNull(RunCommand.stageLine("store"), "stored beside the writers: the line stays on them");
    }
}
