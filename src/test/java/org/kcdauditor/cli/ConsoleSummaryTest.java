package org.kcdauditor.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ConsoleSummaryTest {
    private static final String FORMAT = "%-16s %5s %13s %15s %10s %5s %5s %5s %5s";

    @Test
    void aRowIsLaidOutAsTheTableFormatWould() {
        Object[][] rows = {
                {"Cluster", "Nodes", "Pairs OK", "Entries", "Compliant", "HIGH", "MED", "LOW", "INFO"},
                {"HVC1", 4, "10/12", "40/48", "83.3 %", 2, 0, 1, 12},
                {"(no cluster)", "", "", "", "", 0, 3, 0, 0},
                {"A-cluster-name-…", 64, "4032/4032", "16128/16128", "100.0 %", 123456, 0, 0, 0},
                {"", 0, "", "", "", 0, 0, 0, 0},
        };
        for (Object[] r : rows) {
            assertEquals(String.format(FORMAT, r), ConsoleSummary.row(r));
        }
    }
}
