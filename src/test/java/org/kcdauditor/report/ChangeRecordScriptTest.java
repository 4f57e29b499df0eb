package org.kcdauditor.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kcdauditor.report.runbook.RunbookWriter;
import org.kcdauditor.report.runbook.TemplateRenderer;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * remediation.ps1's change record and exact rollback, as far as they can be checked without PowerShell (the build
 * machines have none, so the script is exercised only by text tests; docs/reports.md says so): the record's fields
 * are the documented ones (src/test/resources/report/change-record-example.json, the example of docs/reports.md),
 * every directory write of the apply is followed by its record, and the rollback reads nothing but the record.
 */
class ChangeRecordScriptTest {
    static String ps1;
    static JsonNode example;

    @BeforeAll
    static void render() throws Exception {
        ps1 = RunbookTest.render(RunbookWriter.powershell(new TemplateRenderer(Path.of("templates"))),
                Fixtures.waivedHv02ToHv03()).replace("\r\n", "\n");
        try (InputStream in = ChangeRecordScriptTest.class.getResourceAsStream("/report/change-record-example.json")) {
            example = new ObjectMapper().readTree(in);
        }
    }

    /** The body of {@code function name { … }} (up to the next function or top-level statement). */
    static String function(String name) {
        int start = ps1.indexOf("function " + name);
        assertTrue(start >= 0, "function " + name + " in remediation.ps1");
        int end = ps1.indexOf("\n}\n", start);
        return ps1.substring(start, end + 2);
    }

    /** The keys of the first {@code [pscustomobject][ordered]@{ … }} in {@code body}. */
    static List<String> recordKeys(String body) {
        int start = body.indexOf("[pscustomobject][ordered]@{");
        assertTrue(start >= 0, body);
        int end = body.indexOf("\n    }", start);
        List<String> keys = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\\s+'?([A-Za-z-]+)'?\\s+=").matcher(body.substring(start, end));
        while (m.find()) {
            keys.add(m.group(1));
        }
        return keys;
    }

    static Set<String> fields(JsonNode node) {
        Set<String> out = new LinkedHashSet<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void theRecordHasTheDocumentedFields() {
        assertEquals(fields(example), new LinkedHashSet<>(recordKeys(function("Open-ChangeRecord"))),
                "the record's top level");
        assertEquals(fields(example.get("before").get(0)), new LinkedHashSet<>(recordKeys(function("Save-Before"))),
                "an object's values before");
        for (JsonNode change : example.get("changes")) {
            assertEquals(fields(change), new LinkedHashSet<>(recordKeys(function("Add-Change"))), "a change");
        }
        assertTrue(function("Save-Before").contains("$rbcd.Sddl"), "RBCD is kept as its SDDL");
        assertTrue(function("Save-Before").contains("servicePrincipalName"), "SPNs are kept");
        assertTrue(function("Save-ChangeRecord").contains("Move-Item -LiteralPath $tmp -Destination $RecordFile"),
                "the record is replaced whole, never half-written");
    }

    @Test
    void everyWriteOfTheApplyIsRecordedAfterItSucceeds() {
        Pattern write = Pattern.compile("(?m)^\\s+(Set-ADComputer|Set-ADObject|Set-ADAccountControl) .*-WhatIf:\\$DryRun$");
        for (String f : List.of("Add-Values", "Remove-Values", "Remove-ObjectSpn", "Set-EncryptionTypes", "Set-Flags")) {
            String body = function(f);
            Matcher m = write.matcher(body);
            int writes = 0;
            while (m.find()) {
                writes++;
                String after = body.substring(m.end());
                assertTrue(after.stripLeading().startsWith("Add-Change") || after.stripLeading().startsWith("foreach")
                        && after.contains("Add-Change"), f + ": the write is recorded right after it: " + body);
                String before = body.substring(0, m.start());
                assertTrue(before.contains("Save-Before"), f + ": the values before are saved first");
            }
            assertTrue(writes > 0, f);
        }
        assertTrue(function("Add-Change").contains("if (-not $Recording) { return }"), "dry runs record nothing");
        assertTrue(ps1.contains("$Record = Open-ChangeRecord\n        $Recording = $true"), "-Apply records");
    }

    @Test
    void theRollbackReadsOnlyTheRecord() {
        int start = ps1.indexOf("\nif ($Rollback) {");
        String branch = ps1.substring(start, ps1.indexOf("} else {", start));
        assertEquals("if ($Rollback) {\n    Invoke-Rollback\n", branch.strip() + "\n",
                "the rollback branch does nothing but read and revert the record");
        String rollback = function("Invoke-Rollback") + function("Undo-Change");
        assertTrue(rollback.contains("Get-Content -LiteralPath $RecordFile"), rollback);
        assertTrue(rollback.matches("(?s).*if \\(-not \\(Test-Path -LiteralPath \\$RecordFile\\)\\) \\{\\s+throw.*"),
                "no record, no rollback");
        assertTrue(rollback.contains("[array]::Reverse($changes)"), "newest change first");
        assertTrue(rollback.contains("$_.attribute -eq 'TrustedForDelegation' -and $_.before -eq $true")
                && rollback.contains("-not $Force"), "re-enabling unconstrained delegation needs -Force");
        assertTrue(rollback.contains("$rec.rolledBackAt"), "a record is rolled back once");
        // nothing of the plan: no directory value, no host of this run
        for (String planValue : List.of("HV01", "HV02", "HV03", "HV14", "svc-vmm", "cifs/", "Migration Service")) {
            assertFalse(rollback.contains(planValue), "the rollback names " + planValue + ": " + rollback);
        }
        // the apply branch still carries the plan: the test above would see it if the rollback did
        assertTrue(ps1.contains("Add-Values 'HV01$' 'msDS-AllowedToDelegateTo'"), ps1);
    }

    /**
     * An apply given {@code -Server dc2} (dc1 down, or in another site) records dc2; a rollback started without
     * {@code -Server} went to the default, the audited DC: before replication that DC holds none of the changes, so every
     * undo printed "skip", the record was stamped rolled back and could not be used again, and dc2's changes then
     * replicated everywhere. The rollback writes to the DC the record names unless -Server is given, checked first.
     */
    @Test
    void theRollbackWritesToTheDcTheApplyWroteToUnlessTold() {
        assertTrue(ps1.contains("$ServerGiven = $PSBoundParameters.ContainsKey('Server')\n"), "whether -Server was given");
        String rollback = function("Invoke-Rollback");
        int use = rollback.indexOf("$script:Server = $rec.server");
        assertTrue(use > 0, rollback);
        assertTrue(rollback.substring(0, use).contains(
                "if (-not $ServerGiven -and $rec.server -and $rec.server -ne $Server) {"), rollback);
        int check = rollback.indexOf("(Get-ADDomain -Server $Server).DistinguishedName -ne 'DC=contoso,DC=com'", use);
        assertTrue(check > use && check < rollback.indexOf("foreach ($c in $changes)"),
                "the recorded DC's domain is checked before the first undo: " + rollback);
    }

    /**
     * A record holds one DC, where the rollback reverts it: a second -Apply that went on with a record of another DC
     * added changes the rollback would then look for on the first one, where they may not be yet.
     */
    @Test
    void anApplyGoesOnWithARecordOfItsOwnDcOnly() {
        String open = function("Open-ChangeRecord");
        int refuse = open.indexOf("if ($existing.server -ne $writtenTo) {\n                throw (");
        assertTrue(refuse > 0 && refuse < open.indexOf("Continuing the change record"), open);
        assertTrue(open.contains("        server       = $writtenTo\n"), "the record names the DC it was written to: " + open);
    }

    @Test
    void theRollbackRevertsEachKindOfChangeTheApplyRecords() {
        String undo = function("Undo-Change");
        assertTrue(undo.contains("'add' { Remove-Values $c.object $c.attribute @($c.values) }"), undo);
        assertTrue(undo.contains("'remove' { Add-Values $c.object $c.attribute @($c.values) }"), undo);
        assertTrue(undo.contains("Set-Flags $c.object @{ $c.attribute = [bool]$c.before }"), undo);
        assertTrue(undo.contains("Set-EncryptionTypes $c.object \"$($c.before)\" $false"), undo);
        assertTrue(undo.contains("Restore-ObjectSpn $c.object $v"), "an SPN taken off another object goes back");
        for (JsonNode change : example.get("changes")) {
            String op = change.get("op").asText();
            assertTrue(undo.contains("'" + op + "'") || change.get("kind").asText().equals("object"), op);
        }
    }
}
