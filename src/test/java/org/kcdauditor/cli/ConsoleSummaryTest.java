package org.kcdauditor.cli;

import org.junit.jupiter.api.Test;

import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class ConsoleSummaryTest {
    private static final String HEADER = "%-16s %5s %13s %15s %10s %5s %5s %5s %5s";
    private static final String COUNTS = "%-16s %5d %13s %15s %10s %5d %5d %5d %5d";
    private static final String OUTSIDE = "%-16s %5s %13s %15s %10s %5d %5d %5d %5d";
    private static final Object[][] ROWS = {
            {"HVC1", 4, "10/12", "40/48", "83.3 %", 2, 0, 1, 12},
            {"A-cluster-name-…", 64, "4032/4032", "16128/16128", "100.0 %", 123456, 0, 0, 0},
            {"\uD83D\uDE80-rocket", 2, "2/2", "8/8", "100.0 %", 0, 0, 0, 0},
            {"All", 20000L, "", "", "", 0, 0, 0, 0},
    };

    private static void assertLikeTheFormats() {
        Object[] header = {"Cluster", "Nodes", "Pairs OK", "Entries", "Compliant", "HIGH", "MED", "LOW", "INFO"};
        assertEquals(String.format(HEADER, header), ConsoleSummary.row(header));
        for (Object[] r : ROWS) {
            assertEquals(String.format(COUNTS, r), ConsoleSummary.row(r));
        }
        Object[] outside = {"(no cluster)", "", "", "", "", 0, 3, 0, 0};
        assertEquals(String.format(OUTSIDE, outside), ConsoleSummary.row(outside));
    }

    @Test
    void aRowIsLaidOutAsTheTableFormatWould() {
        assertLikeTheFormats();
    }

    @Test
    void countsKeepTheDigitsOfTheDefaultFormatLocale() {
        Locale before = Locale.getDefault(Locale.Category.FORMAT);
        try {
            Locale arabic = Locale.forLanguageTag("ar-SA");
            Locale.setDefault(Locale.Category.FORMAT, arabic);
            assertNotEquals("4", String.format("%d", 4), "this locale writes other digits");
            assertLikeTheFormats();
        } finally {
            Locale.setDefault(Locale.Category.FORMAT, before);
        }
    }
}
