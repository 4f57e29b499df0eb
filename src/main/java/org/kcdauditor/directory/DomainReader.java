package org.kcdauditor.directory;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchScope;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * The few domain facts read beside the sweep: the root DSE (which DC answered, its domain, whether it is
 * Active Directory), the domain SID, and groups by their well-known relative id (521 Read-only Domain
 * Controllers, whose creation dates the domain's AES keys; 525 Protected Users). SIDs go into filters
 * only as binary values through UnboundID's equality filter, never as text.
 */
final class DomainReader {
    /** LDAP_CAP_ACTIVE_DIRECTORY_OID: the root DSE of an AD DC (and of Samba's) lists it. */
    static final String AD_CAPABILITY = "1.2.840.113556.1.4.800";
    /** LDAP_CAP_ACTIVE_DIRECTORY_PARTIAL_SECRETS_OID: the root DSE of a read-only DC lists it (MS-ADTS 3.1.1.3.4.3). */
    static final String RODC_CAPABILITY = "1.2.840.113556.1.4.1920";
    /** Read-only Domain Controllers: created when the first Windows Server 2008 DC joined the domain. */
    static final int RID_READ_ONLY_DCS = 521;
    static final int RID_PROTECTED_USERS = 525;

    /**
     * The root DSE as far as it answers.
     *
     * @param dnsHostName          the DC's DNS name (AD and Samba), else null
     * @param serverName           the DN of its server object in the configuration partition, else null
     * @param defaultNamingContext the DC's domain, else null
     * @param activeDirectory      whether supportedCapabilities lists {@link #AD_CAPABILITY}
     * @param configurationNamingContext the forest's configuration partition (its sites hold the DCs' NTDS
     *                                   Settings objects), else null
     * @param readOnly             whether supportedCapabilities lists {@link #RODC_CAPABILITY}: a read-only DC
     */
    record RootDse(String dnsHostName, String serverName, String defaultNamingContext, boolean activeDirectory,
                   String configurationNamingContext, boolean readOnly) {
        static final RootDse NONE = new RootDse(null, null, null, false, null, false);
    }

    private final LDAPConnection connection;
    private final String where;
    private final Deadline deadline;

    DomainReader(LDAPConnection connection, String where, Deadline deadline) {
        this.connection = connection;
        this.where = where;
        this.deadline = deadline;
    }

    /** The root DSE; {@link RootDse#NONE} when the server does not let it be read. */
    RootDse rootDse() throws DirectoryException {
        Entry e = entry("", "reading the root DSE", "dnsHostName", "serverName", "defaultNamingContext",
                "supportedCapabilities", "configurationNamingContext");
        if (e == null) {
            return RootDse.NONE;
        }
        List<String> caps = e.getAttributeValues("supportedCapabilities") == null ? List.of()
                : Arrays.asList(e.getAttributeValues("supportedCapabilities"));
        return new RootDse(blankToNull(e.getAttributeValue("dnsHostName")), blankToNull(e.getAttributeValue("serverName")),
                blankToNull(e.getAttributeValue("defaultNamingContext")), caps.contains(AD_CAPABILITY),
                blankToNull(e.getAttributeValue("configurationNamingContext")), caps.contains(RODC_CAPABILITY));
    }

    /** {@code objectSid} of the domain object {@code domainDn} in text form, or null. */
    String domainSid(String domainDn) throws DirectoryException {
        Entry e = entry(domainDn, "reading objectSid of " + domainDn, "objectSid");
        byte[] sid = e == null ? null : e.getAttributeValueBytes("objectSid");
        try {
            return sid == null ? null : Sids.toString(sid);
        } catch (IllegalArgumentException malformed) {
            return null;
        }
    }

    /** The entry under {@code domainDn} whose objectSid is {@code <domainSid>-<rid>}, with {@code attributes}; or null. */
    Entry byRid(String domainDn, String domainSid, int rid, String... attributes) throws DirectoryException {
        if (domainSid == null) {
            return null;
        }
        Filter filter = Filter.createEqualityFilter("objectSid", Sids.toBytes(domainSid + "-" + rid));
        try {
            SearchResult r = deadline.call(() -> connection.search(domainDn, SearchScope.SUB, filter, attributes));
            return r.getEntryCount() == 0 ? null : r.getSearchEntries().get(0);
        } catch (LDAPException ex) {
            if (absentOrForbidden(ex)) {
                return null;
            }
            throw failed("searching the group with RID " + rid + " under " + domainDn, ex);
        }
    }

    /**
     * The DNS name of the domain's PDC emulator, a writable DC: the domain head's {@code fSMORoleOwner} names its NTDS
     * Settings object ({@code CN=NTDS Settings,CN=<server>,CN=Servers,…}), whose parent server object holds its
     * {@code dNSHostName}. Null when either cannot be read (absent, refused, not a DN).
     */
    String pdcEmulator(String domainDn) throws DirectoryException {
        Entry head = entry(domainDn, "reading fSMORoleOwner of " + domainDn, "fSMORoleOwner");
        String owner = head == null ? null : head.getAttributeValue("fSMORoleOwner");
        DN server;
        try {
            server = owner == null ? null : new DN(owner).getParent();
        } catch (LDAPException malformed) {
            return null;
        }
        Entry e = server == null ? null : entry(server.toString(), "reading dNSHostName of " + server, "dNSHostName");
        return e == null ? null : blankToNull(e.getAttributeValue("dNSHostName"));
    }

    /** The entry {@code dn} with {@code attributes}, or null when it is absent or may not be read. */
    private Entry entry(String dn, String what, String... attributes) throws DirectoryException {
        try {
            return deadline.call(() -> connection.getEntry(dn, attributes));
        } catch (LDAPException ex) {
            if (absentOrForbidden(ex)) {
                return null;
            }
            throw failed(what, ex);
        }
    }

    /** {@code whenCreated} of the RID-521 group: since then the domain's new passwords have AES keys. */
    Instant aesKeysSince(String domainDn, String domainSid) throws DirectoryException {
        Entry e = byRid(domainDn, domainSid, RID_READ_ONLY_DCS, "whenCreated");
        return e == null ? null : DirectoryCollector.generalizedTime(e.getAttributeValue("whenCreated"));
    }

    private static boolean absentOrForbidden(LDAPException e) {
        return e.getResultCode() == ResultCode.NO_SUCH_OBJECT || e.getResultCode() == ResultCode.INSUFFICIENT_ACCESS_RIGHTS;
    }

    private DirectoryException failed(String what, LDAPException e) {
        DirectoryException late = deadline.failure(where, e);
        return late != null ? late : new DirectoryException(where + ": " + what + " failed: " + DirectoryCollector.reason(e), e);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
