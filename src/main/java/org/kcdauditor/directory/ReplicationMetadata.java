package org.kcdauditor.directory;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.RDN;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import org.kcdauditor.model.AttributeChange;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Who changed the delegation attributes of an object, when, and how often: the last originating write per
 * attribute from Active Directory's replication metadata.
 *
 * <ul>
 *   <li>{@code msDS-ReplAttributeMetaData} (AD; constructed, so asked for by name): one XML value
 *   ({@code DS_REPL_ATTR_META_DATA}) per attribute with its name, version, {@code ftimeLastOriginatingChange}
 *   and the originating DC's NTDS Settings DN.</li>
 *   <li>{@code replPropertyMetaData} (what AD builds it from, and what Samba, which does not construct the XML,
 *   returns): a binary {@code replPropertyMetaDataBlob} (MS-DRSR 5.166) of attribute ids, versions, times in
 *   seconds since 1601 and the originating DC's invocation id, resolved to a name through the {@code nTDSDSA}
 *   objects of the configuration partition.</li>
 * </ul>
 * Both are untrusted input: the XML parser reads no DTD and no external entity, the blob's lengths are checked.
 */
final class ReplicationMetadata {
    static final String XML_ATTRIBUTE = "msDS-ReplAttributeMetaData";
    static final String BLOB_ATTRIBUTE = "replPropertyMetaData";
    static final String[] ATTRIBUTES = {XML_ATTRIBUTE, BLOB_ATTRIBUTE};

    /**
     * Attribute ids (ATTRTYP) of the delegation attributes: prefix index 9 of the default prefix table
     * ({@code 1.2.840.113556.1.4}) and the OID's last arc (MS-DRSR 5.16.4), the same in every AD forest and Samba.
     */
    static final Map<Integer, String> ATTIDS = Map.of(
            0x000906FB, "msDS-AllowedToDelegateTo",       // 1.2.840.113556.1.4.1787
            0x00090008, "userAccountControl",             // 1.2.840.113556.1.4.8
            0x00090303, "servicePrincipalName",           // 1.2.840.113556.1.4.771
            0x00090886, "msDS-AllowedToActOnBehalfOfOtherIdentity", // 1.2.840.113556.1.4.2182
            0x000907AB, "msDS-SupportedEncryptionTypes"); // 1.2.840.113556.1.4.1963

    private static final long FILETIME_EPOCH_OFFSET_SECONDS = 11_644_473_600L;
    private static final int BLOB_HEADER = 16;
    private static final int BLOB_ENTRY = 48;

    private ReplicationMetadata() {
    }

    /** Whether the entry carries replication metadata in either form. */
    static boolean present(Entry e) {
        return e.hasAttribute(XML_ATTRIBUTE) || e.hasAttribute(BLOB_ATTRIBUTE);
    }

    /**
     * The changes of the delegation attributes in {@code e}, in {@link AttributeChange#DELEGATION_ATTRIBUTES}
     * order: from the blob when the server gave it (a tenth of the XML's size), else from the XML.
     *
     * @param dcs invocation id (32 hex digits, as stored) → DC name, for the blob
     */
    static List<AttributeChange> of(Entry e, Map<String, String> dcs) {
        byte[] blob = e.getAttributeValueBytes(BLOB_ATTRIBUTE);
        Map<String, AttributeChange> byName = blob != null ? fromBlob(blob, dcs)
                : fromXml(e.getAttributeValues(XML_ATTRIBUTE));
        List<AttributeChange> out = new ArrayList<>();
        for (String a : AttributeChange.DELEGATION_ATTRIBUTES) {
            AttributeChange c = byName.get(a.toLowerCase(Locale.ROOT));
            if (c != null) {
                out.add(c);
            }
        }
        return out;
    }

    /** {@code DS_REPL_ATTR_META_DATA} values, one per attribute; values that do not parse are skipped. */
    static Map<String, AttributeChange> fromXml(String[] values) {
        Map<String, AttributeChange> out = new LinkedHashMap<>();
        if (values == null) {
            return out;
        }
        DocumentBuilder parser = null;
        for (String v : values) {
            // an AD computer has metadata for about 40 attributes: parse only the 5 that matter
            if (!mentionsWanted(v)) {
                continue;
            }
            // AD ends each value with a NUL
            String text = v.replace("\u0000", "").strip();
            parser = parser == null ? parser() : parser;
            try {
                Document doc = parser.parse(new InputSource(new StringReader(text)));
                Element root = doc.getDocumentElement();
                String name = child(root, "pszAttributeName");
                if (name == null || !wanted(name)) {
                    continue;
                }
                String dsa = child(root, "pszLastOriginatingDsaDN");
                String dc = dsa == null || dsa.isBlank() ? child(root, "uuidLastOriginatingDsaInvocationID")
                        : dcName(dsa);
                out.put(name.toLowerCase(Locale.ROOT), new AttributeChange(name, time(child(root,
                        "ftimeLastOriginatingChange")), dc, number(child(root, "dwVersion"))));
            } catch (SAXException | IOException | RuntimeException malformed) {
                // not what AD writes: skip the value rather than guess
            }
        }
        return out;
    }

    /** A {@code replPropertyMetaDataBlob}: version 1, reserved, count, reserved, then 48-byte entries. */
    static Map<String, AttributeChange> fromBlob(byte[] blob, Map<String, String> dcs) {
        Map<String, AttributeChange> out = new LinkedHashMap<>();
        if (blob == null || blob.length < BLOB_HEADER) {
            return out;
        }
        ByteBuffer b = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
        int version = b.getInt(0);
        long count = Integer.toUnsignedLong(b.getInt(8));
        if (version != 1 || count > (blob.length - BLOB_HEADER) / BLOB_ENTRY) {
            return out;
        }
        for (int i = 0; i < count; i++) {
            int at = BLOB_HEADER + i * BLOB_ENTRY;
            String name = ATTIDS.get(b.getInt(at));
            if (name == null) {
                continue;
            }
            long attrVersion = Integer.toUnsignedLong(b.getInt(at + 4));
            long seconds = b.getLong(at + 8);
            byte[] invocation = new byte[16];
            b.get(at + 16, invocation);
            String hex = HexFormat.of().formatHex(invocation);
            Instant time = seconds <= 0 ? null : Instant.ofEpochSecond(seconds - FILETIME_EPOCH_OFFSET_SECONDS);
            out.put(name.toLowerCase(Locale.ROOT), new AttributeChange(name, time, dcs.getOrDefault(hex,
                    guid(invocation)), attrVersion));
        }
        return out;
    }

    /**
     * Invocation id (32 hex digits of the stored bytes) → DC name, from the {@code nTDSDSA} objects under the
     * configuration partition's sites; empty when it cannot be read (the names then stay invocation ids).
     *
     * @param deadline bounds the search (one answer naming every DC of the forest)
     * @throws DirectoryException when a bound passed (or the reading was stopped) while it was read
     */
    static Map<String, String> invocationIds(LDAPConnection connection, Deadline deadline, String where,
                                             String configurationNc) throws DirectoryException {
        Map<String, String> out = new HashMap<>();
        if (configurationNc == null) {
            return out;
        }
        try {
            SearchResult r = deadline.call(() -> connection.search("CN=Sites," + configurationNc, SearchScope.SUB,
                    Filter.createEqualityFilter("objectClass", "nTDSDSA"), "invocationId"));
            for (SearchResultEntry e : r.getSearchEntries()) {
                byte[] id = e.getAttributeValueBytes("invocationId");
                String dc = dcName(e.getDN());
                if (id != null && id.length == 16 && dc != null) {
                    out.put(HexFormat.of().formatHex(id), dc);
                }
            }
        } catch (LDAPException e) {
            DirectoryException late = deadline.failure(where, e);
            if (late != null) {
                throw late;
            }
            // the names stay invocation ids; the change times themselves are still right
            return out;
        }
        return out;
    }

    /**
     * {@code CN=NTDS Settings,CN=DC2,CN=Servers,…} → {@code DC2}; a deleted DC's name loses its
     * {@code \0ADEL:<guid>} mangling. Null for a DN that does not parse.
     */
    static String dcName(String dsaDn) {
        try {
            RDN[] rdns = new DN(dsaDn).getRDNs();
            String server = rdns.length > 1 ? rdns[1].getAttributeValues()[0] : rdns.length == 1
                    ? rdns[0].getAttributeValues()[0] : null;
            if (server == null) {
                return null;
            }
            int mangled = server.indexOf('\n');
            return (mangled >= 0 ? server.substring(0, mangled) : server).strip();
        } catch (LDAPException e) {
            return null;
        }
    }

    /** A GUID's 16 stored bytes (the first three fields little-endian) in its usual text form. */
    static String guid(byte[] b) {
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        return String.format(Locale.ROOT, "%08x-%04x-%04x-%s-%s", bb.getInt(0), bb.getShort(4), bb.getShort(6),
                HexFormat.of().formatHex(b, 8, 10), HexFormat.of().formatHex(b, 10, 16));
    }

    /** A cheap look at {@code <pszAttributeName>…</pszAttributeName>} before the value is parsed. */
    private static boolean mentionsWanted(String value) {
        int open = value.indexOf("<pszAttributeName>");
        int close = open < 0 ? -1 : value.indexOf("</pszAttributeName>", open);
        return close > 0 && wanted(value.substring(open + "<pszAttributeName>".length(), close).strip());
    }

    private static boolean wanted(String attribute) {
        return AttributeChange.DELEGATION_ATTRIBUTES.stream().anyMatch(a -> a.equalsIgnoreCase(attribute));
    }

    private static String child(Element root, String name) {
        for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element el && el.getTagName().equals(name)) {
                return el.getTextContent().strip();
            }
        }
        return null;
    }

    private static Instant time(String s) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        try {
            Instant t = Instant.parse(s);
            // AD writes 1601-01-01T00:00:00Z for "never"
            return t.getEpochSecond() <= -FILETIME_EPOCH_OFFSET_SECONDS ? null : t;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static long number(String s) {
        try {
            return s == null ? 0 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static DocumentBuilder parser() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            DocumentBuilder p = f.newDocumentBuilder();
            // the default handler prints to stderr; this one only throws (the value is then skipped)
            p.setErrorHandler(new org.xml.sax.helpers.DefaultHandler());
            return p;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser cannot be configured safely", e);
        }
    }
}
