package org.kcdauditor.cli;

import org.junit.jupiter.api.Test;
import org.kcdauditor.run.ExitCodes;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * inspect expands a wildcard in a FILE argument itself, as the config's sources do: PowerShell and the .ps1 and .cmd
 * launchers pass {@code *} to it unexpanded. A pattern that matches nothing is one line and exit 2, as a missing file.
 */
class InspectGlobTest {
    private String out;
    private String err;

    private int run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = Main.execute(args, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8), Map.of());
        out = o.toString(StandardCharsets.UTF_8);
        err = e.toString(StandardCharsets.UTF_8);
        return code;
    }

    @Test
    void aWildcardTheShellDidNotExpandIsExpandedAsTheHelpsExampleShows() {
        assertEquals(ExitCodes.OK, run("inspect", "patches", "config/demo/patches/HV0*.csv"), err);
        assertEquals(3, err.lines().filter(l -> l.contains(" records, ")).count(), err);
        for (String f : new String[] {"HV01-hotfix-ps51.csv", "HV02-hotfix-de.csv", "HV03-hotfix-ps7.csv"}) {
            assertTrue(err.contains(f + ": "), err);
        }
        assertTrue(out.lines().count() > 3, out);
        assertEquals(ExitCodes.OK, run("inspect", "events", "config/demo/events/*"), err);
        assertEquals(3, err.lines().filter(l -> l.contains(" record")).count(), err);
        assertEquals(ExitCodes.OK, run("inspect", "host-settings", "config/demo/hostsettings/*.csv"), err);
    }

    @Test
    void aPatternThatMatchesNothingIsOneLineAndExit2LikeAMissingFile() {
        assertEquals(ExitCodes.USAGE, run("inspect", "events", "config/demo/events/none*.xml"));
        assertEquals("kcd-audit: config/demo/events/none*.xml: no file matches\n", err);
        assertEquals("", out);
        assertEquals(ExitCodes.USAGE, run("inspect", "patches", "config/demo/patches/none.csv"));
        assertTrue(err.startsWith("kcd-audit: config/demo/patches/none.csv: cannot read"), err);
    }
}
