package org.kcdauditor.directory;

import com.unboundid.ldap.sdk.Entry;
import org.junit.jupiter.api.Test;
import org.kcdauditor.model.AttributeChange;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Replication metadata as AD (XML) and Samba (the binary blob) return it, and what malformed values do. */
public class ReplicationMetadataTest {
    /** One value of msDS-ReplAttributeMetaData as AD returns it: XML, then a NUL. */
    public static String xml(String attribute, int version, String time, String dsaDn) {
        return "<DS_REPL_ATTR_META_DATA>\n\t<pszAttributeName>" + attribute + "</pszAttributeName>\n"
                + "\t<dwVersion>" + version + "</dwVersion>\n"
                + "\t<ftimeLastOriginatingChange>" + time + "</ftimeLastOriginatingChange>\n"
                + "\t<uuidLastOriginatingDsaInvocationID>6f0e64c1-4f2e-4a7b-9a3d-1d2c3b4a5e6f"
                + "</uuidLastOriginatingDsaInvocationID>\n"
                + "\t<usnOriginatingChange>41211</usnOriginatingChange>\n\t<usnLocalChange>41211</usnLocalChange>\n"
                + "\t<pszLastOriginatingDsaDN>" + dsaDn + "</pszLastOriginatingDsaDN>\n</DS_REPL_ATTR_META_DATA>\n\u0000";
    }

    public static final String DC2 = "CN=NTDS Settings,CN=DC2,CN=Servers,CN=Default-First-Site-Name,CN=Sites,"
            + "CN=Configuration,DC=contoso,DC=com";

    @Test
    void theXmlFormGivesTimeDcAndVersionOfTheDelegationAttributesOnly() {
        Entry e = new Entry("CN=HV01,OU=Hyper-V,DC=contoso,DC=com");
        e.addAttribute("msDS-ReplAttributeMetaData", xml("msDS-AllowedToDelegateTo", 7, "2026-11-30T14:02:11Z", DC2),
                xml("userAccountControl", 3, "2026-10-01T08:00:00Z", DC2.replace("DC2", "DC1")),
                xml("description", 2, "2026-11-01T08:00:00Z", DC2));
        List<AttributeChange> c = ReplicationMetadata.of(e, Map.of());
        assertEquals(List.of(new AttributeChange("msDS-AllowedToDelegateTo", Instant.parse("2026-11-30T14:02:11Z"),
                "DC2", 7), new AttributeChange("userAccountControl", Instant.parse("2026-10-01T08:00:00Z"), "DC1", 3)), c);
        assertEquals("changed 2026-11-30 14:02:11 UTC at DC2 (version 7)", c.get(0).describe());
    }

    @Test
    void aDeletedDcKeepsItsNameAndAnEmptyDnFallsBackToTheInvocationId() {
        assertEquals("DC3", ReplicationMetadata.dcName("CN=NTDS Settings\\0ADEL:1d2c,CN=DC3\\0ADEL:9a8b,CN=Servers,"
                + "CN=Site,CN=Sites,CN=Configuration,DC=contoso,DC=com"));
        Map<String, AttributeChange> c = ReplicationMetadata.fromXml(new String[]{xml("servicePrincipalName", 4,
                "2026-11-02T10:00:00Z", "")});
        assertEquals("6f0e64c1-4f2e-4a7b-9a3d-1d2c3b4a5e6f", c.get("serviceprincipalname").dc());
    }

    @Test
    void malformedXmlAndDoctypesAreSkippedNotFollowed() {
        String entity = "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><DS_REPL_ATTR_META_DATA>"
                + "<pszAttributeName>msDS-AllowedToDelegateTo</pszAttributeName><dwVersion>&e;</dwVersion>"
                + "</DS_REPL_ATTR_META_DATA>";
        assertTrue(ReplicationMetadata.fromXml(new String[]{entity, "<DS_REPL_ATTR_META_DATA>", "not xml"}).isEmpty());
    }

    /** replPropertyMetaData of HV11 as the Samba 4.17 DC of scripts/samba-ad.sh returned it after the seed. */
    @Test
    void sambasBlobIsDecodedAndItsInvocationIdNamed() throws IOException {
        byte[] blob;
        try (InputStream in = getClass().getResourceAsStream("/directory/samba-replPropertyMetaData.b64")) {
            blob = Base64.getDecoder().decode(new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip());
        }
        Map<String, String> dcs = Map.of("13187ca37e08854bb013808c5ef52bc3", "DC1");
        Map<String, AttributeChange> c = ReplicationMetadata.fromBlob(blob, dcs);
        // seeded: four SPNs added, eight delegation entries, one RBCD principal, uac set six times
        assertEquals(8, c.get("msds-allowedtodelegateto").version());
        assertEquals(4, c.get("serviceprincipalname").version());
        assertEquals(1, c.get("msds-allowedtoactonbehalfofotheridentity").version());
        assertEquals(6, c.get("useraccountcontrol").version());
        assertEquals("DC1", c.get("msds-allowedtodelegateto").dc());
        assertEquals(Instant.parse("2026-12-01T23:21:03Z"), c.get("msds-allowedtodelegateto").time());
        // an unknown invocation id is shown as a GUID
        assertEquals("a37c1813-087e-4b85-b013-808c5ef52bc3",
                ReplicationMetadata.fromBlob(blob, Map.of()).get("msds-allowedtodelegateto").dc());
    }

    @Test
    void aBlobWhoseCountExceedsItsLengthGivesNothing() {
        ByteBuffer b = ByteBuffer.allocate(16 + 48).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(1).putInt(0).putInt(1000).putInt(0);
        assertTrue(ReplicationMetadata.fromBlob(b.array(), Map.of()).isEmpty());
        assertTrue(ReplicationMetadata.fromBlob(new byte[3], Map.of()).isEmpty());
        assertNull(ReplicationMetadata.fromBlob(null, Map.of()).get("useraccountcontrol"));
        assertEquals("13187ca37e08854bb013808c5ef52bc3", HexFormat.of().formatHex(
                Base64.getDecoder().decode("Exh8o34IhUuwE4CMXvUrww==")));
    }
}
