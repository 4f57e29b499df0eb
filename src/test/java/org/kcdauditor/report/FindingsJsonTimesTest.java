package org.kcdauditor.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.support.CliRun;
import org.kcdauditor.support.TestDirectory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every instant in findings.json in one form, {@code 2026-12-07T10:41:03.294817Z}: six fraction digits (the history
 * store's microseconds) and Z. Instant.toString() wrote 0, 3, 6 or 9 digits by the value, so a parser given one fixed
 * pattern (a SIEM's time format, strptime's %f, .NET's ParseExact) read some runs and not others, and startedAt carried
 * nanoseconds the store does not keep.
 */
class FindingsJsonTimesTest {
    private static final Pattern INSTANT = Pattern.compile("\"(\\d{4}-\\d\\d-\\d\\dT[^\"]*)\"");
    private static final Pattern FIXED = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");

    @TempDir
    Path tmp;

    /** A clock whose every reading has nanoseconds below the microsecond, as some systems' clocks give. */
    private static Clock withNanos() {
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.now().truncatedTo(ChronoUnit.MICROS).plusNanos(995);
            }
        };
    }

    /** The values of findings.json that are instants, as written. */
    private static List<String> instants(Path dir) throws Exception {
        Matcher m = INSTANT.matcher(Files.readString(dir.resolve("findings.json")));
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** The demo has every kind: run times, hosts' times, changes, events, timeline, trend. */
    @Test
    void everyInstantOfTheDemosFindingsJsonHasSixFractionDigits() throws Exception {
        CliRun demo = CliRun.run(Map.of(), withNanos(), "demo", "--out", tmp.resolve("demo").toString(), "--formats",
                "json");
        assertEquals(0, demo.exitCode(), demo.toString());
        List<String> all = instants(tmp.resolve("demo"));
        assertTrue(all.size() > 20, all.toString());
        assertEquals(List.of(), all.stream().filter(t -> !FIXED.matcher(t).matches()).toList());
        JsonNode doc = CliRun.findings(tmp.resolve("demo"));
        for (String field : List.of("startedAt", "finishedAt")) {
            assertTrue(FIXED.matcher(doc.path(field).asText()).matches(), field + ": " + doc.path(field));
        }
        assertTrue(FIXED.matcher(doc.path("events").get(0).path("timeCreated").asText()).matches(),
                doc.path("events").get(0).toString());
    }

    /**
     * The next run reads the finish time back from the store (microseconds): its previous run, trend and the run's
     * own findings.json say the same text.
     */
    @Test
    void theNextRunReadsTheFinishTimeBackAsTheFirstWroteIt() throws Exception {
        InMemoryDirectoryServer ds = TestDirectory.startDomain(TestDirectory.BASE, "dc1.contoso.com");
        try {
            TestDirectory.addCluster(ds, List.of("HV01", "HV02"));
            Path cfg = TestDirectory.config(tmp, "ldap://127.0.0.1:" + ds.getListenPort(), List.of("HV01", "HV02"),
                    "allowInsecureBind: true");
            Map<String, String> env = Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD);
            CliRun first = CliRun.run(env, withNanos(), "run", "--config", cfg.toString(), "--out",
                    tmp.resolve("one").toString(), "--formats", "json");
            assertEquals(0, first.exitCode(), first.toString());
            CliRun second = CliRun.run(env, withNanos(), "run", "--config", cfg.toString(), "--out",
                    tmp.resolve("two").toString(), "--formats", "json");
            assertEquals(0, second.exitCode(), second.toString());
            JsonNode one = CliRun.findings(tmp.resolve("one"));
            JsonNode two = CliRun.findings(tmp.resolve("two"));
            assertTrue(FIXED.matcher(one.path("startedAt").asText()).matches(), one.path("startedAt").asText());
            String finished = one.path("finishedAt").asText();
            assertTrue(FIXED.matcher(finished).matches(), finished);
            assertEquals(finished, two.path("history").path("previousFinishedAt").asText(), two.path("history")
                    .toString());
            JsonNode trend = two.path("history").path("trend");
            assertEquals(finished, trend.get(trend.size() - 2).path("finishedAt").asText(), trend.toString());
            assertEquals(two.path("finishedAt").asText(), trend.get(trend.size() - 1).path("finishedAt").asText());
            assertEquals(List.of(), instants(tmp.resolve("two")).stream().filter(t -> !FIXED.matcher(t).matches())
                    .toList());
        } finally {
            ds.shutDown(true);
        }
    }
}
