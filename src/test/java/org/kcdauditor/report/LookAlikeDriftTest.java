package org.kcdauditor.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.directory.Sids;
import org.kcdauditor.support.CliRun;
import org.kcdauditor.support.Hosts;
import org.kcdauditor.support.RbcdDescriptors;
import org.kcdauditor.support.TestDirectory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A change between two runs whose values read like others: HV04 gains the delegation entry {@code
 * cifs/hv05.cоntoso.com} and the SPN {@code HOST/hv04.cоntoso.com} (a Cyrillic о each), and HV05's resource-based
 * delegation a grant to the group {@code НVHosts} (a Cyrillic Н), which the sweep does not read. CHANGED_SINCE_LAST_RUN
 * wrote them as stored, so its message, the timeline, the mail, the PDF, the workbook and the runbooks' "Changed since
 * the previous run" read as the real entry; {@code baseline diff} did so for a baseline holding such an entry.
 */
class LookAlikeDriftTest {
    static final String BASE = TestDirectory.BASE;
    static final String ENTRY = "cifs/hv05.c\u043Entoso.com";
    static final String SPN = "HOST/hv04.c\u043Entoso.com";
    static final String GROUP_SID = Hosts.DOMAIN_SID + "-3000";
    static final String HV04 = "CN=HV04,OU=Hyper-V," + BASE;

    @TempDir
    static Path dir;
    /** What a person reads, by output. */
    static final Map<String, String> read = new LinkedHashMap<>();
    static JsonNode changed;
    static String diff;

    @BeforeAll
    static void twoRunsThenABaselineDiff() throws Exception {
        InMemoryDirectoryServer ds = TestDirectory.startDomain(BASE, "dc1.contoso.com");
        try {
            TestDirectory.addCluster(ds, List.of("HV04", "HV05"));
            ds.add(new Entry("dn: CN=Users," + BASE, "objectClass: container", "cn: Users"));
            Entry group = new Entry("dn: CN=\u041DVHosts,CN=Users," + BASE, "objectClass: top", "objectClass: group",
                    "cn: \u041DVHosts", "sAMAccountName: \u041DVHosts");
            group.addAttribute("objectSid", Sids.toBytes(GROUP_SID));
            ds.add(group);
            Path cfg = LookAlikeNodeEverywhereTest.config(ds, dir);
            Map<String, String> env = Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD);
            CliRun first = CliRun.run(env, "run", "--config", cfg.toString(), "--out", dir.resolve("out1").toString());
            assertTrue(first.exitCode() == 0 || first.exitCode() == 3, first.toString());
            ds.modify(HV04, new Modification(ModificationType.ADD, "msDS-AllowedToDelegateTo", ENTRY),
                    new Modification(ModificationType.ADD, "servicePrincipalName", SPN));
            ds.modify("CN=HV05,OU=Hyper-V," + BASE, new Modification(ModificationType.REPLACE,
                    "msDS-AllowedToActOnBehalfOfOtherIdentity", RbcdDescriptors.of(List.of(GROUP_SID))));
            CliRun second = CliRun.run(env, "run", "--config", cfg.toString(), "--out", dir.resolve("out2").toString());
            assertTrue(second.exitCode() == 0 || second.exitCode() == 3, second.toString());
            read.put("run's console", second.out() + second.err());
            JsonNode findings = LookAlikeNodeEverywhereTest.readOutputs(dir.resolve("out2"), dir.resolve("out1"), read);
            for (JsonNode f : findings.path("findings")) {
                if (f.path("rule").asText().equals("CHANGED_SINCE_LAST_RUN") && f.path("host").asText().equals("HV04")) {
                    changed = f;
                }
            }
            read.put("findings.json's timeline", findings.path("history").path("timeline").toString());

            // a baseline that documents the look-alike entry, which is then removed
            CliRun capture = CliRun.run(env, "baseline", "capture", "--config", cfg.toString());
            assertEquals(0, capture.exitCode(), capture.toString());
            ds.modify(HV04, new Modification(ModificationType.DELETE, "msDS-AllowedToDelegateTo", ENTRY));
            CliRun drift = CliRun.run(env, "baseline", "diff", "--config", cfg.toString());
            assertEquals(3, drift.exitCode(), drift.toString());
            diff = drift.out() + drift.err();
            read.put("baseline diff's console", diff);
        } finally {
            ds.shutDown(true);
        }
    }

    @Test
    void noOutputShowsTheLookAlikeEntryOrSpnAsStored() {
        List<String> asStored = linesHolding("\u043E");
        assertTrue(asStored.isEmpty(), asStored.size() + " lines show a look-alike as stored:\n"
                + String.join("\n", asStored));
    }

    /**
     * The granted group is no object of the sweep (the finding sink's names): RBCD_PRESENT's message ("a host added to
     * НVHosts") and the Hosts sheet's grants named it as stored too.
     */
    @Test
    void noOutputShowsTheGrantedGroupAsStored() {
        List<String> asStored = linesHolding("\u041D");
        assertTrue(asStored.isEmpty(), asStored.size() + " lines show a look-alike as stored:\n"
                + String.join("\n", asStored));
    }

    /** The lines of every output that hold {@code c}, each after the output's name. */
    private static List<String> linesHolding(String c) {
        List<String> out = new ArrayList<>();
        read.forEach((name, text) -> text.lines().filter(l -> l.contains(c)).forEach(l -> out.add(name + ": " + l)));
        return out;
    }

    @Test
    void theChangesReadByTheirCode() {
        String entry = "HV04: delegation entry added: cifs/hv05.c\\u043Entoso.com";
        String spn = "HV04: SPN added: HOST/hv04.c\\u043Entoso.com";
        String grant = "HV05: resource-based delegation grant added: " + GROUP_SID + " (\\u041DVHosts)";
        String message = changed.path("message").asText();
        assertTrue(message.contains(entry) && message.contains(spn), message);
        String md = read.get("runbook.md").replace("\\\\", "\\");
        assertTrue(md.contains(entry) && md.contains(spn) && md.contains(grant), md);
        for (String name : List.of("mail (text)", "audit.pdf", "audit.xlsx", "findings.json's timeline")) {
            String text = read.get(name).replace("\\\\", "\\");
            assertTrue(text.contains(entry) && text.contains(grant), name + ": " + text);
        }
        assertTrue(diff.contains("BASELINE_ENTRY_REMOVED  HV04: delegation entry removed: cifs/hv05.c\\u043Entoso.com"),
                diff);
    }
}
