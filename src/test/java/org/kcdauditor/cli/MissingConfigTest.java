package org.kcdauditor.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.support.CliRun;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A command that needs --config, typed without it (at 6 a.m., {@code kcd-audit history} to see last night's run): the
 * one line says there is no default and what to pass, naming the config found where README and docs/install.md put it
 * (config/kcd-audit.yaml, /etc/kcd-audit, %ProgramData%\kcd-audit, %USERPROFILE%\kcd-audit). It said "--config FILE is
 * required (the store and config name come from it)" for history, and picocli's "Missing required option:
 * '--config=FILE'" for the others, leaving the admin to remember where the file is.
 */
class MissingConfigTest {
    @TempDir
    Path profile;

    private Path aConfigInTheProfile() throws Exception {
        Path cfg = Files.createDirectories(profile.resolve("kcd-audit")).resolve("kcd-audit.yaml");
        Files.writeString(cfg, "directory: {}\n");
        return cfg;
    }

    @Test
    void historyWithoutConfigNamesTheConfigFoundWhereTheDocsPutIt() throws Exception {
        Path cfg = aConfigInTheProfile();
        Map<String, List<String>> commands = Map.of("history", List.of("history"),
                "history show", List.of("history", "show", "1a2b"), "history prune", List.of("history", "prune"));
        for (var c : commands.entrySet()) {
            CliRun r = CliRun.run(Map.of("USERPROFILE", profile.toString()), c.getValue().toArray(String[]::new));
            assertEquals(2, r.exitCode(), r.toString());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().startsWith("kcd-audit: " + c.getKey() + ": --config FILE is required (the store and"
                    + " config name come from it); there is no default; found " + cfg + ": --config " + cfg), r.err());
        }
    }

    @Test
    void everyOtherCommandWithoutConfigSaysTheSameOnItsOneLine() throws Exception {
        Path cfg = aConfigInTheProfile();
        for (String command : List.of("run", "preflight", "baseline diff", "baseline capture", "schedule", "outbox",
                "daemon")) {
            CliRun r = CliRun.run(Map.of("USERPROFILE", profile.toString()), command.split(" "));
            assertEquals(2, r.exitCode(), r.toString());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().startsWith("kcd-audit: Missing required option"), r.err());
            assertTrue(r.err().contains("(kcd-audit " + command + " --help); there is no default; found " + cfg
                    + ": --config " + cfg), r.err());
        }
    }

    @Test
    void withNoConfigAnywhereItSaysWhereItLookedAndWhatToCopy() throws Exception {
        Path cwd = profile.resolve("work");
        Path home = profile.resolve("kcd-auditor-0.1.0");
        Path example = Files.createDirectories(home.resolve("config")).resolve("kcd-audit.example.yaml");
        Files.writeString(example, "# example\n");
        String said = ConfigPlaces.missing(cwd, home, Map.of("ProgramData", profile.resolve("ProgramData").toString()),
                true);
        assertEquals("there is no default, and no config is at " + cwd.resolve("config").resolve("kcd-audit.yaml") + ", "
                + home.resolve("config").resolve("kcd-audit.yaml") + ", "
                + profile.resolve("ProgramData").resolve("kcd-audit").resolve("kcd-audit.yaml") + ": copy " + example
                + " (docs/install.md says where) and give it as --config FILE", said);
    }

    @Test
    void aConfigFoundUnderAPathWithSpacesIsSaidAsOneShellArgument() throws Exception {
        Path programData = profile.resolve("Program Data");
        Path cfg = Files.createDirectories(programData.resolve("kcd-audit")).resolve("kcd-audit.yaml");
        Files.writeString(cfg, "directory: {}\n");
        String said = ConfigPlaces.missing(profile.resolve("work"), profile.resolve("home"),
                Map.of("ProgramData", programData.toString()), false);
        assertEquals("there is no default; found " + cfg + ": --config \"" + cfg + "\"", said);
    }
}
