package org.kcdauditor.cli;

import org.junit.jupiter.api.Test;
import org.kcdauditor.support.CliRun;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code --version} names the version and the commit the build was made from. */
class VersionTest {

    @Test
    void printsVersionAndTheBuildsCommit() throws Exception {
        CliRun run = CliRun.run(Map.of(), "--version");
        assertEquals(0, run.exitCode(), run.toString());
        String first = run.out().lines().findFirst().orElse("");
        assertTrue(first.matches("kcd-audit 0\\.1\\.0 \\(commit ([0-9a-f]{10}(-dirty)?|unknown)\\)"), first);
        assertTrue(run.out().contains("Java " + System.getProperty("java.version")), run.out());
        String head = git("rev-parse", "--short=10", "HEAD");
        assumeTrue(head != null, "not built from a git checkout");
        assertTrue(first.contains("(commit " + head), first + " (HEAD is " + head + ")");
    }

    /** Every command takes -V (the help mixin gives it to each): it prints the same version, not nothing. */
    @Test
    void everyCommandPrintsTheVersion() {
        String version = CliRun.run(Map.of(), "--version").out();
        for (String[] line : new String[][]{{"run", "-V"}, {"baseline", "capture", "--version"}, {"history", "show", "-V"}}) {
            CliRun r = CliRun.run(Map.of(), line);
            assertEquals(0, r.exitCode(), r.toString());
            assertEquals(version, r.out(), String.join(" ", line));
        }
    }

    private static String git(String... args) throws InterruptedException {
        try {
            String[] cmd = new String[args.length + 1];
            cmd[0] = "git";
            System.arraycopy(args, 0, cmd, 1, args.length);
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 && !out.isEmpty() ? out : null;
        } catch (IOException e) {
            return null;
        }
    }
}
