package org.kcdauditor.support;

import com.fasterxml.jackson.databind.JsonNode;
import org.kcdauditor.cli.Main;
import org.kcdauditor.report.FindingsJson;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/** Runs the real command line in-process and keeps what it printed. */
public record CliRun(int exitCode, String out, String err) {

    public static CliRun run(Map<String, String> env, String... args) {
        return run(env, java.time.Clock.systemUTC(), args);
    }

    /** The same at the time {@code clock} tells (a waiver's expiry, the history's run dates). */
    public static CliRun run(Map<String, String> env, java.time.Clock clock, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env, clock, Path.of("."));
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    public static JsonNode findings(Path dir) throws IOException {
        return FindingsJson.MAPPER.readTree(dir.resolve("findings.json").toFile());
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- out\n" + out + "\n--- err\n" + err;
    }
}
