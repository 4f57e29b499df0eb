package org.kcdauditor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.kcdauditor.support.ChildProcesses;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.support.ChildJvm;
import org.kcdauditor.support.CliRun;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Demos started at the same time in processes of their own all succeed: they used to delete the demo store
 * under each other's runs ("for i in 1 2 3; do kcd-audit demo --out c$i & done": each exit 1).
 */
@Tag("process")
class ConcurrentDemoTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final ChildProcesses children = new ChildProcesses();

    @Test
    void threeDemosAtOnceAllSucceedWithTheSameHistory() throws Exception {
        // an installation folder of its own, so the demo store is this test's
        Path home = ChildJvm.demoInstallation(dir);
        Map<String, String> env = Map.of("KCD_AUDIT_HOME", home.toString());
        for (int i = 0; i < 3; i++) {
            children.add(ChildJvm.start(dir.resolve("demo" + i + ".log"), env, List.of("-XX:TieredStopAtLevel=1"),
                    "demo", "--out", dir.resolve("out" + i).toString(), "--formats", "json"));
        }
        Integer timeline = null;
        for (int i = 0; i < 3; i++) {
            Process p = children.get(i);
            String log = dir.resolve("demo" + i + ".log").toString();
            assertTrue(p.waitFor(300, TimeUnit.SECONDS), "demo " + i + " did not finish");
            assertEquals(0, p.exitValue(), "demo " + i + ":\n" + Files.readString(Path.of(log)));
            JsonNode doc = CliRun.findings(dir.resolve("out" + i));
            int size = doc.path("history").path("timeline").size();
            assertTrue(size > 0, "demo " + i + " has the seed run in its history");
            if (timeline != null) {
                assertEquals(timeline, size, "each demo shows the same history");
            }
            timeline = size;
        }
        assertTrue(Files.isRegularFile(home.resolve("data/demo-history.mv.db")), "the demo store stays for history");
    }
}
