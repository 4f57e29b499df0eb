package org.kcdauditor.report;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The stored demo document the report tests render is what the demo audits today. After an intended change
 * of rules or demo data, rewrite it with {@code -Dkcd.updateGolden=true}.
 */
class FixturesTest {
    @Test
    void theStoredDemoDocumentIsTheDemoOfToday() throws Exception {
        String fresh = FindingsJson.MAPPER.writeValueAsString(Fixtures.generateDemo()) + "\n";
        if (Boolean.getBoolean("kcd.updateGolden")) {
            Files.writeString(Fixtures.DEMO_FILE, fresh);
        }
        assertEquals(fresh, Files.readString(Fixtures.DEMO_FILE), "findings-demo.json is out of date: run the test"
                + " with -Dkcd.updateGolden=true and review the difference");
    }
}
