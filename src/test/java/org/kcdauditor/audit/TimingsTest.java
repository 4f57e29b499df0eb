package org.kcdauditor.audit;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimingsTest {
    private static final Pattern LINE = Pattern.compile("timing (\\S+) (\\d+) ms (\\d+\\.\\d)%");

    /** The console's progress line follows the run past the reading: each stage is told as it begins. */
    @Test
    void aListenerIsToldEachStageAsItBegins() throws Exception {
        List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        Timings t = new Timings().onStage(told::add);
        t.time("collect", () -> assertEquals(List.of("collect"), told));
        t.time("evaluate", () -> { });
        t.add("previous", 5); // measured elsewhere: nothing begins here
        t.time("xlsx", () -> { });
        assertEquals(List.of("collect", "evaluate", "xlsx"), told);
    }

    @Test
    void eachStageWithItsShareOfTheTotalThenTheTotal() throws Exception {
        Timings t = new Timings();
        t.time("collect", () -> Thread.sleep(20));
        t.time("evaluate", () -> { });
        t.time("collect", () -> Thread.sleep(1));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        t.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(3, lines.size(), lines::toString);
        long total = -1;
        for (String line : lines) {
            Matcher m = LINE.matcher(line);
            assertTrue(m.matches(), line);
            double share = Double.parseDouble(m.group(3));
            assertTrue(share >= 0 && share <= 100, line);
            if (m.group(1).equals("total")) {
                total = Long.parseLong(m.group(2));
                assertEquals("100.0", m.group(3));
            }
        }
        assertTrue(lines.get(0).startsWith("timing collect "), lines::toString);
        assertTrue(lines.get(1).startsWith("timing evaluate "), lines::toString);
        long collect = Long.parseLong(lines.get(0).split(" ")[2]);
        assertTrue(total >= collect && collect >= 20, lines::toString);
    }

    @Test
    void stagesPrintInPipelineOrderWhicheverFinishedFirst() {
        Timings t = new Timings();
        t.add("store-hosts", 1);
        t.add("xlsx", 1);
        t.add("evaluate", 1);
        t.add("json", 1);
        t.add("previous", 1);
        t.add("store", 1);
        t.add("collect", 1);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        t.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        List<String> stages = bytes.toString(StandardCharsets.UTF_8).lines().map(l -> l.split(" ")[1]).toList();
        assertEquals(List.of("collect", "previous", "evaluate", "store", "json", "xlsx", "store-hosts", "total"), stages);
    }
}
