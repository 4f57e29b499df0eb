package org.kcdauditor.inventory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.config.ConfigLoader;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Rows of the exports for hosts no configured cluster has as a node are their own count, not records: "3 records, 1
 * skipped" said nothing of a row whose Source was {@code =HYPERLINK("http://evil")}, nor of an event whose Computer
 * was {@code =1+1} or a Get-VMHost row of a machine not audited.
 */
class InventoryTest {
    @TempDir
    Path tmp;

    /** The day of the run the imports are read for. */
    private static final java.time.LocalDate TODAY = java.time.LocalDate.parse("2026-12-07");

    private static final String EVENT = "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
            + "<Provider Name='Microsoft-Windows-Hyper-V-High-Availability'/><EventID>21502</EventID><Level>2</Level>"
            + "<TimeCreated SystemTime='2026-11-18T02:14:09.5512000Z'/><Computer>%s</Computer></System><EventData>"
            + "<Data Name='VmName'>SQL01</Data><Data Name='ErrorMessage'>Live migration of &apos;SQL01&apos; failed."
            + "</Data></EventData></Event>\n";

    /** A configuration of cluster HVC1 (HV14) reading exports/hotfix.csv, then {@code more} (YAML). */
    private Path config(String more) throws java.io.IOException {
        return Files.writeString(tmp.resolve("kcd-audit.yaml"), """
                directory:
                  url: ldaps://dc1.contoso.com
                  bindDn: CN=svc,DC=contoso,DC=com
                  passwordEnv: KCD_PW
                  baseDn: DC=contoso,DC=com
                clusters:
                  - name: HVC1
                    nodes: [HV14]
                patches:
                  sources: [exports/hotfix.csv]
                """ + more);
    }

    @Test
    void rowsForHostsNotAuditedAreCountedNamedAndAddUpWithTheOthers() throws Exception {
        Files.createDirectories(tmp.resolve("exports"));
        Files.writeString(tmp.resolve("exports/hotfix.csv"), "Source,HotFixID,InstalledOn\n"
                + "HV14,KB5019081,2022-11-09\n"
                + "\"=HYPERLINK(\"\"http://evil\"\")\",KB5019082,2022-11-09\n"
                + "HV14,=1+1,2022-11-09\n"
                + "HV99,KB5019083,2022-11-09\n"
                + "hv99,KB5019084,2022-11-09\n");
        Files.writeString(tmp.resolve("exports/events.xml"), EVENT.formatted("hv14.contoso.com") + EVENT.formatted("=1+1"));
        Files.writeString(tmp.resolve("exports/vmhost.csv"), "\"ComputerName\",\"VirtualMachineMigrationEnabled\","
                + "\"VirtualMachineMigrationAuthenticationType\"\n\"HV14\",\"True\",\"Kerberos\"\n"
                + "\"=HYPERLINK(\"\"http://evil\"\")\",\"True\",\"CredSSP\"\n");
        Path cfg = config("""
                events:
                  sources: [exports/events.xml]
                hostSettings:
                  sources: [exports/vmhost.csv]
                """);
        Function<String, String> node = n -> n != null && n.toLowerCase(Locale.ROOT).matches("hv14(\\.contoso\\.com)?")
                ? "hv14" : null;
        Inventory.Imported imported = Inventory.load(ConfigLoader.load(cfg), node, n -> false, TODAY);
        Map<String, ImportResult> byKind = imported.results().stream()
                .collect(Collectors.toMap(ImportResult::kind, r -> r));

        ImportResult patches = byKind.get("patches");
        assertEquals(List.of(1L, 1L, 3L), List.of(patches.records(), patches.skipped(), patches.notAudited()),
                "5 rows: HV14's update, =1+1 not a KB number, 3 rows of 2 hosts not audited");
        assertEquals(List.of("=HYPERLINK(\"http://evil\")", "HV99"), patches.notAuditedHosts());
        String file = tmp.resolve("exports/hotfix.csv").toString();
        assertEquals(List.of(
                file + ":3: host '=HYPERLINK(\"http://evil\")' is not audited (no node of a configured cluster): its"
                        + " record was read, not used",
                file + ":4: HotFixID '=1+1' is not a KB number",
                file + ":5: host 'HV99' is not audited (no node of a configured cluster): its 2 records were read, not"
                        + " used"), patches.problems().stream().map(ImportProblem::toString).toList());
        assertEquals(List.of(false, true, false), patches.problems().stream().map(ImportProblem::skipped).toList());
        assertEquals(List.of(true, false, true), patches.problems().stream().map(ImportProblem::notAudited).toList());
        assertEquals(1, imported.patches().size());

        ImportResult events = byKind.get("events");
        assertEquals(List.of(1L, 0L, 1L, List.of("=1+1")), List.of(events.records(), events.skipped(),
                events.notAudited(), events.notAuditedHosts()));
        assertEquals(1, imported.events().size());

        ImportResult settings = byKind.get("hostSettings");
        assertEquals(List.of(1L, 0L, 1L, List.of("=HYPERLINK(\"http://evil\")")), List.of(settings.records(),
                settings.skipped(), settings.notAudited(), settings.notAuditedHosts()));
        assertEquals(1, imported.hostSettings().size());
    }

    /**
     * An update "installed" after the day of the run is no fact: a date read with day and month swapped (the export's
     * locale) or a wrong clock on the host. The record is kept (the update is there) with a note naming the line, so
     * that the Imports sheet and the console say it; before, such a date stood in the Patches sheet unremarked.
     */
    @Test
    void anUpdateInstalledAfterTheDayOfTheRunIsKeptWithANote() throws Exception {
        Files.createDirectories(tmp.resolve("exports"));
        Files.writeString(tmp.resolve("exports/hotfix.csv"), "Source,HotFixID,InstalledOn\n"
                + "HV14,KB5019081,2022-11-09\n"
                + "HV14,KB5019082,2026-12-10\n");
        Path cfg = config("");
        Inventory.Imported imported = Inventory.load(ConfigLoader.load(cfg),
                n -> "hv14".equalsIgnoreCase(n) ? "hv14" : null, n -> false, TODAY);
        ImportResult patches = imported.results().get(0);
        assertEquals(List.of(2L, 0L), List.of(patches.records(), patches.skipped()));
        assertEquals(2, imported.patches().size(), "the record is kept");
        assertEquals(List.of(tmp.resolve("exports/hotfix.csv") + ":3: InstalledOn 2026-12-10 is after the day of this"
                + " run (2026-12-07): a date read in the wrong order (the export's locale) or a wrong clock on HV14"
                + " (record kept)"), patches.problems().stream().map(ImportProblem::toString).toList());
    }
}
