package org.kcdauditor.inventory;

import org.junit.jupiter.api.Test;
import org.kcdauditor.model.HostSettings;
import org.kcdauditor.model.HostSettings.MigrationAuthentication;
import org.kcdauditor.model.HostSettings.MigrationPerformance;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Get-VMHost exports: Windows PowerShell 5.1 (UTF-16 LE, #TYPE, ';') and PowerShell 7 (UTF-8, ','). */
class HostSettingsImporterTest {
    private final List<HostSettings> records = new ArrayList<>();
    private final List<ImportProblem> problems = new ArrayList<>();

    private ImportResult read(String fixture) {
        return new HostSettingsImporter().read(EventImporterTest.FIXTURES.resolve(fixture), records::add, problems::add);
    }

    @Test
    void powerShell51Utf16WithSemicolons() {
        ImportResult r = read("vmhost-ps51-utf16-semicolon.csv");
        assertNull(r.error());
        assertEquals("hostSettings", r.kind());
        assertTrue(r.format().startsWith("Get-VMHost CSV (Windows PowerShell 5.1 #TYPE, UTF-16LE with BOM, ';'"),
                r.format());
        assertEquals(List.of("HV01", "HV02", "HV03", "HV04"), records.stream().map(HostSettings::computer).toList());
        HostSettings hv01 = records.get(0);
        assertEquals(Boolean.TRUE, hv01.migrationEnabled());
        assertEquals(MigrationAuthentication.KERBEROS, hv01.authenticationType());
        assertEquals("Compression", hv01.performanceOption());
        assertEquals(2, hv01.maximumMigrations());
        assertTrue(hv01.origin().endsWith("vmhost-ps51-utf16-semicolon.csv:3"), hv01.origin());
        assertEquals(MigrationAuthentication.KERBEROS, records.get(1).authenticationType(), "the last HV02 row counts");
        assertEquals(Boolean.FALSE, records.get(2).migrationEnabled());
        HostSettings odd = records.get(3);
        assertNull(odd.migrationEnabled());
        assertEquals(MigrationAuthentication.UNKNOWN, odd.authenticationType());
        assertEquals("NTLM", odd.authenticationTypeText(), "an unknown type is kept as written");
        assertNull(odd.maximumMigrations());
        assertEquals(2, r.skipped(), "the repeated HV02 row and the row without a computer");
        List<String> reasons = problems.stream().map(ImportProblem::toString).toList();
        assertTrue(reasons.stream().anyMatch(p -> p.endsWith(":6: HV02 appears again (line 4 before it); this later"
                + " row counts and that one is skipped (an export appended to lists the newest last)")), reasons.toString());
        assertTrue(reasons.stream().anyMatch(p -> p.endsWith(":7: no ComputerName value")), reasons.toString());
        assertTrue(reasons.stream().anyMatch(p -> p.contains(":8: VirtualMachineMigrationEnabled 'Ja' is neither True"
                + " nor False (record kept)")), reasons.toString());
        assertTrue(reasons.stream().anyMatch(p -> p.contains("VirtualMachineMigrationAuthenticationType 'NTLM' is"
                + " neither Kerberos nor CredSSP")), reasons.toString());
        assertTrue(reasons.stream().anyMatch(p -> p.contains("MaximumVirtualMachineMigrations 'zwei' is not a number")));
    }

    @Test
    void powerShell7Utf8WithAColumnSubset() {
        ImportResult r = read("vmhost-ps7.csv");
        assertNull(r.error());
        assertTrue(r.format().startsWith("Get-VMHost CSV (UTF-8, ','"), r.format());
        assertEquals(2, records.size());
        assertEquals("hv11.contoso.com", records.get(0).computer());
        assertEquals(MigrationAuthentication.CREDSSP, records.get(1).authenticationType());
        assertNull(records.get(1).maximumMigrations(), "column not exported");
        assertNull(records.get(1).performanceOption());
        assertTrue(problems.isEmpty(), problems.toString());
    }

    /**
     * The authentication type as the number of its enum (MigrationAuthenticationType, as WMI's
     * Msvm_VirtualSystemMigrationServiceSettingData.AuthenticationType: CredSSP 0, Kerberos 1), as an export through
     * ConvertTo-Json (Windows PowerShell 5.1 writes enums as numbers) or a calculated column writes it, is read as that
     * type, as True/False and 1/0 are for the enabled column.
     */
    @Test
    void theAuthenticationTypeAsItsEnumNumberIsReadAsThatType(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        java.nio.file.Path f = tmp.resolve("vmhost.csv");
        java.nio.file.Files.writeString(f, "ComputerName,VirtualMachineMigrationEnabled,"
                + "VirtualMachineMigrationAuthenticationType\nHV01,1,0\nHV02,0,1\nHV03,1, 1 \nHV04,1,2\n");
        assertNull(new HostSettingsImporter().read(f, records::add, problems::add).error());
        assertEquals(List.of(MigrationAuthentication.CREDSSP, MigrationAuthentication.KERBEROS,
                MigrationAuthentication.KERBEROS, MigrationAuthentication.UNKNOWN),
                records.stream().map(HostSettings::authenticationType).toList());
        assertEquals(List.of("VirtualMachineMigrationAuthenticationType '2' is neither Kerberos nor CredSSP"),
                problems.stream().map(ImportProblem::reason).toList());
    }

    /**
     * The performance option as written (TCPIP, Compression, SMB) or as the number of its enum (VMMigrationPerformance:
     * TCPIP 0, Compression 1, SMB 2) is read as that option; any other value is kept as written, as UNKNOWN, and said.
     */
    @Test
    void thePerformanceOptionAsTextOrEnumNumberIsReadAndAnUnknownOneKept(@org.junit.jupiter.api.io.TempDir
                                                                          java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path f = tmp.resolve("vmhost.csv");
        java.nio.file.Files.writeString(f, "ComputerName,VirtualMachineMigrationEnabled,"
                + "VirtualMachineMigrationAuthenticationType,VirtualMachineMigrationPerformanceOption,"
                + "MaximumVirtualMachineMigrations\n\"H10A\",\"True\",\" Kerberos \",\"SMB\",\"2\"\n"
                + "\"H10B\",\"True\",\"1\",\"SMB\",\"2\"\nH10C,True,1,2,2\nH10D,True,1,tcpip,2\nH10E,True,1,0,2\n"
                + "H10F,True,1,1,2\nH10G,True,1,Compression,2\nH10H,True,1,RDMA,2\nH10I,True,1,3,2\n");
        assertNull(new HostSettingsImporter().read(f, records::add, problems::add).error());
        assertEquals(List.of(MigrationPerformance.SMB, MigrationPerformance.SMB, MigrationPerformance.SMB,
                MigrationPerformance.TCPIP, MigrationPerformance.TCPIP, MigrationPerformance.COMPRESSION,
                MigrationPerformance.COMPRESSION, MigrationPerformance.UNKNOWN, MigrationPerformance.UNKNOWN),
                records.stream().map(HostSettings::performance).toList());
        assertEquals(MigrationAuthentication.KERBEROS, records.get(0).authenticationType());
        assertEquals("RDMA", records.get(7).performanceOption(), "an unknown option is kept as written");
        assertEquals(List.of("VirtualMachineMigrationPerformanceOption 'RDMA' is neither TCPIP, Compression nor SMB",
                "VirtualMachineMigrationPerformanceOption '3' is neither TCPIP, Compression nor SMB"),
                problems.stream().map(ImportProblem::reason).toList());
    }

    /**
     * Rows appended by a daily {@code Export-Csv -Append}: the newest is the last, so a host's last row counts, and
     * each repeat says so; the records are passed on in the order their hosts first appear.
     */
    @Test
    void theLastRowOfAHostCountsAsAnAppendedExportListsTheNewestLast(@org.junit.jupiter.api.io.TempDir
                                                                         java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path f = tmp.resolve("vmhost.csv");
        java.nio.file.Files.writeString(f, "ComputerName,VirtualMachineMigrationAuthenticationType\nHV01,Kerberos\n"
                + "HV01,CredSSP\nHV02,Kerberos\nHV01,Kerberos\n");
        ImportResult r = new HostSettingsImporter().read(f, records::add, problems::add);
        assertEquals(List.of(f + ":5", f + ":4"), records.stream().map(HostSettings::origin).toList());
        assertEquals(MigrationAuthentication.KERBEROS, records.get(0).authenticationType(),
                "set back to Kerberos in the newest row: last month's CredSSP row does not hold it");
        assertEquals(List.of(f + ":3: HV01 appears again (line 2 before it); this later row counts and that one is"
                + " skipped (an export appended to lists the newest last)", f + ":5: HV01 appears again (line 3 before"
                + " it); this later row counts and that one is skipped (an export appended to lists the newest last)"),
                problems.stream().map(ImportProblem::toString).toList());
        assertEquals(2, r.skipped());
        assertEquals(2, r.records());
    }

    @Test
    void otherFilesAreRefusedWithTheHeader() {
        ImportResult r = read("hotfix-ps7.csv");
        assertTrue(r.failed());
        assertTrue(r.error().startsWith("not a Get-VMHost export: the header ("), r.error());
        assertFalse(read("empty.csv").error().isEmpty());
    }

    /** A refused file's header is named with its control characters visible and at most 200 characters long. */
    @Test
    void aRefusedHeaderIsShownAsStoredAndTrimmed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        java.nio.file.Path f = tmp.resolve("vmhost.csv");
        java.nio.file.Files.writeString(f, "Name\u001B[2J," + "X".repeat(5_000) + "\nHV01,1\n");
        ImportResult r = new HostSettingsImporter().read(f, records::add, problems::add);
        assertTrue(r.error().startsWith("not a Get-VMHost export: the header (Name\\u001B[2J, XXX"), r.error());
        assertFalse(r.error().contains("\u001B"), r.error());
        assertTrue(r.error().length() < 600, r.error());
    }

    /**
     * A cell's value is quoted in the problem's reason trimmed to 60 characters (a cell may hold megabytes, which went
     * whole into findings.json and the Imports sheet) and with a line feed shown as {@code \\u000A}.
     */
    @Test
    void badCellsAreQuotedTrimmedAndAsStored(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        java.nio.file.Path f = tmp.resolve("vmhost.csv");
        java.nio.file.Files.writeString(f, "ComputerName,VirtualMachineMigrationEnabled,"
                + "VirtualMachineMigrationAuthenticationType,MaximumVirtualMachineMigrations\n"
                + "HV01,\"" + "Y".repeat(1_000_000) + "\",\"Ker\nberos\"," + "9".repeat(100) + "\n");
        ImportResult r = new HostSettingsImporter().read(f, records::add, problems::add);
        assertNull(r.error(), r.toString());
        List<String> reasons = problems.stream().map(ImportProblem::reason).toList();
        assertEquals(List.of("VirtualMachineMigrationEnabled '" + "Y".repeat(57) + "...' is neither True nor False",
                "VirtualMachineMigrationAuthenticationType 'Ker\\u000Aberos' is neither Kerberos nor CredSSP",
                "MaximumVirtualMachineMigrations '" + "9".repeat(57) + "...' is not a number"), reasons);
    }
}
