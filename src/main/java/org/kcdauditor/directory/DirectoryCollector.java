package org.kcdauditor.directory;

import com.unboundid.asn1.ASN1OctetString;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPSearchException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchResultListener;
import com.unboundid.ldap.sdk.SearchResultReference;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldap.sdk.controls.SimplePagedResultsControl;
import com.unboundid.util.StaticUtils;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ClusterConfig;
import org.kcdauditor.config.DirectoryConfig;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.AttributeChange;
import org.kcdauditor.model.DirectoryPart;
import org.kcdauditor.model.Operator;
import org.kcdauditor.model.RbcdPrincipal;
import org.kcdauditor.model.Snapshot;
import org.kcdauditor.remedy.Values;

import java.text.ParseException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;
import java.util.function.IntSupplier;

/**
 * Reads every computer, and every other object that registers an SPN, under the base DN in one
 * paged subtree search: the simple paged results control is always sent (marked critical, so a
 * server that cannot page fails loudly instead of silently capping at its size limit, as AD does at
 * 1000). Entries stream into compact {@link AdObject}s page by page; in the common case that one
 * paged search is all, with no per-host round trip. Only an entry whose {@code servicePrincipalName}
 * or {@code msDS-AllowedToDelegateTo} holds more values than the DC's MaxValRange (AD then returns
 * {@code attr;range=0-1499} instead) costs extra round trips: once the paged search is done,
 * {@link RangedRetrieval} reads its remaining values and the object is built from the full lists.
 * Continuation references (AD's referral to {@code CN=Configuration} and other naming contexts from a
 * search at the domain root) are counted and skipped.
 *
 * <p>Beside the sweep, a few single reads give the domain facts: the root DSE (the DC that answered,
 * its domain), the domain's objectSid, the group with RID 521 whose whenCreated dates the domain's AES
 * keys, and, when {@code policy.operators} is set, those users and groups with Protected Users (RID 525);
 * see {@link DomainReader} and {@link OperatorResolver}.
 *
 * <p>With a base DN below the domain (an OU), the objects outside it that the nodes' delegation entries name (a domain
 * controller, a host in another OU) and the other holders of the nodes' SPNs are looked up in the domain
 * ({@link OutsideObjects}). Nothing more is read for a base DN that is the domain.
 *
 * <p>After the sweep, the cluster nodes and file servers (matched in memory, {@link NodeSelector}) are read once
 * more, each by its DN, for their replication metadata: who changed a delegation attribute, where and when
 * ({@link ReplicationMetadata}). A server that gives none for the first is not asked again. The SIDs their
 * resource-based delegation allows that are no object of the sweep (groups) are read and groups expanded
 * ({@link RbcdPrincipalReader}); where every such SID is a computer of the sweep, nothing is read.
 *
 * <p>Configured node names never enter a filter: nodes are matched to objects in memory, so no
 * name from the config can change what is searched. Operator names do, but only through UnboundID's
 * escaping equality filter.
 *
 * <p>One collector reads one directory (one domain) of the configuration; {@link DirectoriesCollector} reads them
 * all and merges their snapshots.
 */
public final class DirectoryCollector {

    /** The attributes the audit reads; nothing else is requested. */
    public static final String[] ATTRIBUTES = {"cn", "sAMAccountName", "dNSHostName", "distinguishedName",
            "userAccountControl", "servicePrincipalName", "msDS-AllowedToDelegateTo",
            "msDS-AllowedToActOnBehalfOfOtherIdentity", "objectSid", "operatingSystem", "operatingSystemVersion",
            "whenChanged", "uSNChanged", "lastLogonTimestamp", "msDS-SupportedEncryptionTypes", "pwdLastSet",
            "accountExpires"};

    /** Computers, plus any object (service accounts) that registers an SPN: the duplicate-SPN check needs both. */
    public static final String FILTER = "(|(objectClass=computer)(servicePrincipalName=*))";

    private static final long FILETIME_EPOCH_OFFSET_SECONDS = 11_644_473_600L;

    private final AuditConfig config;
    private final String name;
    private final DirectoryConfig d;
    private final Clock clock;

    /** The first (usually the only) directory of the configuration. */
    public DirectoryCollector(AuditConfig config, Clock clock) {
        this(config, config.directories().keySet().iterator().next(), clock);
    }

    /** The directory {@code name} of {@code directories:} (or {@code default}, the one of {@code directory:}). */
    public DirectoryCollector(AuditConfig config, String name, Clock clock) {
        this.config = config;
        this.name = name;
        this.d = config.directories().get(name);
        this.clock = clock;
    }

    /** The configured clusters whose objects live in this directory. */
    private List<ClusterConfig> clusters() {
        return config.clusters().stream().filter(c -> c != null && name.equals(config.directoryOf(c))).toList();
    }

    /**
     * @param deadline bounds each request and the whole reading (attached to {@code connection})
     * @param progress told the running object count after each page (for a progress line)
     */
    /** {@link #collect(LDAPConnection, Deadline, IntConsumer)} within the configured bounds, from now. */
    public Snapshot collect(LDAPConnection connection, IntConsumer progress) throws DirectoryException {
        return collect(connection, Deadline.start(d).attach(connection), progress);
    }

    /** Every read over {@code connection}, the per-object reads after the sweep one at a time. */
    public Snapshot collect(LDAPConnection connection, Deadline deadline, IntConsumer progress)
            throws DirectoryException {
        return collect(connection, deadline, () -> connection, progress);
    }

    /**
     * @param deadline bounds each request and the whole reading (its connection attached)
     * @param reads    opens the connection for the per-object reads after the sweep (replication metadata)
     */
    public Snapshot collect(LDAPConnection connection, Deadline deadline, Opener reads, IntConsumer progress)
            throws DirectoryException {
        Instant takenAt = clock.instant();
        String baseDn = d.baseDn();
        String where = d.url();
        DomainReader domain = new DomainReader(connection, where, deadline);
        DomainReader.RootDse root = domain.rootDse();
        // the domain the DC serves; a server that does not say (not AD) is taken to serve the base DN
        String domainDn = root.defaultNamingContext() != null ? root.defaultNamingContext() : baseDn;
        String domainSid = domain.domainSid(domainDn);
        Instant aesKeysSince = domain.aesKeysSince(domainDn, domainSid);
        // a read-only DC takes no write and pushes nothing: a change goes to the domain's PDC emulator instead
        String writeDc = root.readOnly() ? domain.pdcEmulator(domainDn) : null;
        List<AdObject> objects = new ArrayList<>();
        // entries AD returned with ranged values, by their index in objects (a null there until completed)
        Map<Integer, SearchResultEntry> partial = new LinkedHashMap<>();
        // A peer's SPN stands in every other node's delegation list, and a few operating systems name 100,000
        // computers: keep each distinct value once.
        ValueInterner canonical = new ValueInterner();
        int[] references = {0};
        SearchResultListener listener = new SearchResultListener() {
            private static final long serialVersionUID = 1L;

            @Override
            public void searchEntryReturned(SearchResultEntry entry) {
                if (RangedRetrieval.incomplete(entry)) {
                    partial.put(objects.size(), entry);
                    objects.add(null);
                } else {
                    objects.add(toObject(entry, canonical));
                }
            }

            @Override
            public void searchReferenceReturned(SearchResultReference reference) {
                references[0]++;
            }
        };
        try {
            SearchRequest request = new SearchRequest(listener, baseDn, SearchScope.SUB, Filter.create(FILTER),
                    ATTRIBUTES);
            int pageSize = d.effectivePageSize();
            ASN1OctetString cookie = null;
            do {
                request.setControls(new SimplePagedResultsControl(pageSize, cookie, true));
                SearchResult result = search(connection, request, objects::size, deadline); // entries so far, this page's too
                SimplePagedResultsControl response = SimplePagedResultsControl.get(result);
                if (response == null) {
                    throw new DirectoryException(where + ": the server returned no paged-results"
                            + " response; refusing to trust a possibly truncated result");
                }
                cookie = response.getCookie();
                progress.accept(objects.size());
            } while (cookie != null && cookie.getValueLength() > 0);
        } catch (LDAPException e) {
            DirectoryException late = deadline.failure(where, e);
            throw late != null ? late : new DirectoryException(where + ": search under " + baseDn
                    + " failed: " + reason(e), e);
        }
        // after the paged search, never inside its listener: one request at a time on the connection
        for (Map.Entry<Integer, SearchResultEntry> p : partial.entrySet()) {
            objects.set(p.getKey(), toObject(RangedRetrieval.complete(connection, p.getValue(), where, deadline),
                    canonical));
        }
        Map<String, List<AttributeChange>> changes = new HashMap<>();
        Set<String> serviceAccounts = managedServiceAccounts(connection, deadline, baseDn, d.effectivePageSize(),
                where);
        NodeSelector selector = new NodeSelector(clusters());
        List<AdObject> selected = selector.select(objects, serviceAccounts);
        if (OutsideObjects.below(baseDn, domainDn)) {
            // a base DN below the domain: the hosts outside it the nodes delegate to and the holders of their SPNs
            objects.addAll(OutsideObjects.read(connection, deadline, where, domainDn, d.effectivePageSize(), objects,
                    selected, selector, serviceAccounts, config.policy().pairServices(), canonical));
        }
        Boolean changeTimes = changes(connection, deadline, reads, where, root, selected, changes);
        // the groups (and other principals the sweep did not return) that the nodes' RBCD allows, and that of the
        // service accounts a file server's cifs SPNs may be keyed on, whose grant the KDC then reads: no read at all
        // where every SID a descriptor names is an object of the sweep
        Map<String, RbcdPrincipal> rbcdPrincipals = new RbcdPrincipalReader(connection, deadline, where, domainDn,
                domainSid, objects).read(withServiceAccounts(selected, objects, serviceAccounts), selected);
        List<Operator> operators = List.of();
        List<String> names = config.policy().operators();
        // every directory looks the names up; with several, DirectoriesCollector.merge keeps for each name the answer
        // of the directory that holds it. A lookup that fails fails the first directory, as it always did; another
        // directory then gives no answer (its hosts were read, which is what the run needs of it)
        if (!names.isEmpty()) {
            try {
                var protectedUsers = domain.byRid(domainDn, domainSid, DomainReader.RID_PROTECTED_USERS, "objectClass",
                        "objectSid");
                operators = new OperatorResolver(connection, where, deadline, domainDn, domainSid,
                        root.activeDirectory(), d.effectivePageSize(), root.configurationNamingContext())
                        .resolve(names, protectedUsers);
            } catch (DirectoryException e) {
                if (name.equals(config.directories().keySet().iterator().next())) {
                    throw e;
                }
                operators = List.of();
            }
        }
        DirectoryPart part = new DirectoryPart(name, where, baseDn, root.dnsHostName(), root.serverName(), aesKeysSince,
                d.isOptional(), null, 0, objects.size(), changeTimes, false, List.of(), root.readOnly(), writeDc);
        return new Snapshot(takenAt, where, baseDn, objects, root.dnsHostName(), root.serverName(), aesKeysSince,
                operators, List.of(part), changes, rbcdPrincipals, serviceAccounts);
    }

    /**
     * The members of other domains' operator groups ({@link Operator#foreignMembers}) that this directory's domain
     * holds, resolved and judged as its own operators are, with its Protected Users ({@link OperatorResolver#foreign}):
     * by member. Read over {@code connection} after every directory was, since the groups may be another directory's
     * read after this one.
     */
    public Map<String, Operator> foreignOperators(LDAPConnection connection, Deadline deadline, List<String> members)
            throws DirectoryException {
        String where = d.url();
        DomainReader domain = new DomainReader(connection, where, deadline);
        DomainReader.RootDse root = domain.rootDse();
        String domainDn = root.defaultNamingContext() != null ? root.defaultNamingContext() : d.baseDn();
        String domainSid = domain.domainSid(domainDn);
        return new OperatorResolver(connection, where, deadline, domainDn, domainSid, root.activeDirectory(),
                d.effectivePageSize(), root.configurationNamingContext()).foreign(members,
                domain.byRid(domainDn, domainSid, DomainReader.RID_PROTECTED_USERS, "objectClass", "objectSid"));
    }

    /**
     * {@code selected} and the user and managed service accounts of {@code objects} that register an SPN and have a
     * resource-based delegation descriptor: the accounts a file server's cifs SPNs may be keyed on, whose grant the KDC
     * reads for those SPNs (AuditContext#serviceAccounts).
     */
    private static List<AdObject> withServiceAccounts(List<AdObject> selected, List<AdObject> objects,
                                                      Set<String> serviceAccounts) {
        List<AdObject> out = new ArrayList<>(selected);
        for (AdObject o : objects) {
            if (!o.spns().isEmpty() && (!o.rbcdSids().isEmpty() || !o.rbcdDeniedSids().isEmpty())
                    && (!o.isComputer() || serviceAccounts.contains(o.dn().toLowerCase(Locale.ROOT)))) {
                out.add(o);
            }
        }
        return out;
    }

    /** Group and standalone managed service accounts: computer subclasses that are no host. */
    static final String MANAGED_SERVICE_ACCOUNTS = "(|(objectClass=msDS-GroupManagedServiceAccount)"
            + "(objectClass=msDS-ManagedServiceAccount))";

    /**
     * The DNs (lower case) of the managed service accounts under {@code baseDn}: one indexed search for their DNs
     * alone (a domain has few). A cluster configured by OU takes none of them for a node.
     */
    private static Set<String> managedServiceAccounts(LDAPConnection connection, Deadline deadline, String baseDn,
                                                      int pageSize, String where) throws DirectoryException {
        Set<String> out = new java.util.HashSet<>();
        try {
            EntryReads.paged(connection, deadline, new SearchRequest(baseDn, SearchScope.SUB,
                    Filter.create(MANAGED_SERVICE_ACCOUNTS), SearchRequest.NO_ATTRIBUTES), pageSize,
                    e -> out.add(e.getDN().toLowerCase(Locale.ROOT)));
        } catch (LDAPException e) {
            DirectoryException late = deadline.failure(where, e);
            throw late != null ? late : new DirectoryException(where + ": search for managed service accounts under "
                    + baseDn + " failed: " + reason(e), e);
        }
        return out;
    }

    /**
     * Reads the replication metadata of {@code selected} into {@code out} (by lower-case DN). The first object
     * is read alone: a server that gives no metadata for it (not Active Directory) is asked no more.
     *
     * @return whether the server gives change times; null when no object was selected
     */
    private static Boolean changes(LDAPConnection connection, Deadline deadline, Opener reads, String where,
                                   DomainReader.RootDse root, List<AdObject> selected,
                                   Map<String, List<AttributeChange>> out) throws DirectoryException {
        if (selected.isEmpty()) {
            return null;
        }
        List<String> dns = selected.stream().map(AdObject::dn).toList();
        SearchResultEntry[] first = new SearchResultEntry[1];
        BaseReads.read(connection, deadline, dns.subList(0, 1), ReplicationMetadata.ATTRIBUTES, where,
                (dn, e) -> first[0] = e);
        if (first[0] == null || !ReplicationMetadata.present(first[0])) {
            return false;
        }
        // the rest in the form the server gave: the binary one where it has it (about a tenth of the XML's size),
        // which names DCs by invocation id: those are mapped to names once (the XML names them itself)
        boolean blob = first[0].hasAttribute(ReplicationMetadata.BLOB_ATTRIBUTE);
        Map<String, String> dcs = blob
                ? ReplicationMetadata.invocationIds(connection, deadline, where, root.configurationNamingContext())
                : Map.of();
        BaseReads.Handler keep = (dn, e) -> {
            List<AttributeChange> c = ReplicationMetadata.of(e, dcs);
            if (!c.isEmpty()) {
                out.put(dn.toLowerCase(Locale.ROOT), c);
            }
        };
        keep.entry(dns.get(0), first[0]);
        BaseReads.read(reads.open(), deadline, dns.subList(1, dns.size()),
                new String[]{blob ? ReplicationMetadata.BLOB_ATTRIBUTE : ReplicationMetadata.XML_ATTRIBUTE}, where, keep);
        return true;
    }

    /**
     * The connection the per-object reads after the sweep use: a pipelined one where the caller can open it (many
     * reads outstanding), else the sweep's own.
     */
    @FunctionalInterface
    public interface Opener {
        LDAPConnection open() throws DirectoryException;
    }

    private SearchResult search(LDAPConnection connection, SearchRequest request, IntSupplier sofar, Deadline deadline)
            throws LDAPException, DirectoryException {
        try {
            return deadline.call(() -> connection.search(request));
        } catch (LDAPSearchException e) {
            if (deadline.tripped()) {
                throw e;
            }
            if (e.getResultCode() == ResultCode.NO_SUCH_OBJECT) {
                throw new DirectoryException(d.url() + ": " + config.directoryKey(name) + ".baseDn "
                        + d.baseDn() + " does not exist on this server — check the domain's DN", e);
            }
            if (e.getResultCode() == ResultCode.REFERRAL) {
                // AD's answer for another domain's DN (of its forest, a child, or one guessed from the DC= parts)
                String[] to = e.getReferralURLs();
                throw new DirectoryException(d.url() + ": " + config.directoryKey(name) + ".baseDn " + d.baseDn()
                        + " is not held by this domain controller, which refers it to " + (to.length == 0
                        ? "another server" : Values.visible(String.join(", ", to))) + " — point "
                        + config.directoryKey(name) + ".url at a domain controller of that domain (with several"
                        + " domains, one directories: entry each) or correct the baseDn", e);
            }
            if (e.getResultCode() == ResultCode.SIZE_LIMIT_EXCEEDED) {
                throw new DirectoryException(d.url() + ": the server stopped after " + sofar.getAsInt()
                        + " entries (size limit) although paging was requested; lower " + config.directoryKey(name)
                        + ".pageSize below"
                        + " the server's limit (AD: MaxPageSize, default 1000)", e);
            }
            String url = config.directoryKey(name) + ".url";
            String another = " set " + url + " to another domain controller of the domain";
            if (e.getResultCode() == ResultCode.SERVER_DOWN) {
                // the SDK's diagnostic repeats the whole request: the words say what happened instead
                throw new DirectoryException(d.url() + ": the connection to the domain controller was lost after "
                        + sofar.getAsInt() + " directory objects (LDAP result 81, server down: the DC restarted, for"
                        + " its updates say, or something between here and the DC cut the connection) — run the audit"
                        + " again once the domain controller is back, or" + another, e);
            }
            if (e.getResultCode() == ResultCode.TIME_LIMIT_EXCEEDED) {
                throw new DirectoryException(d.url() + ": the server stopped the search at its time limit after "
                        + sofar.getAsInt() + " directory objects (LDAP result 3, timeLimitExceeded; AD: MaxQueryDuration,"
                        + " 120 s by default, bounds each page) — lower " + config.directoryKey(name) + ".pageSize (now "
                        + d.effectivePageSize() + ") so that a page is found within it, or run the audit when the DC"
                        + " is less busy", e);
            }
            if (e.getResultCode() == ResultCode.BUSY || e.getResultCode() == ResultCode.UNAVAILABLE) {
                throw new DirectoryException(d.url() + ": the domain controller answered " + e.getResultCode().getName()
                        + " (LDAP result " + e.getResultCode().intValue() + ") after " + sofar.getAsInt()
                        + " directory objects: it is shutting down or overloaded — run the audit again later, or"
                        + another, e);
            }
            throw e;
        }
    }

    /**
     * The result code and the server's diagnostic message, if any, on one line: AD spreads some over lines
     * ({@code "…1 access points\n\tref 1: 'fabrikam.com'\n"}) and ends them with a NUL. A lost connection in words.
     */
    static String reason(LDAPException e) {
        if (e.getResultCode() == ResultCode.SERVER_DOWN) {
            // the SDK's own diagnostic repeats the whole request (base, filter, every attribute, controls)
            return e.getResultCode() + ": the connection to the domain controller was lost (it restarted, or something"
                    + " between here and it cut the connection) — run the audit again once it is back";
        }
        String diagnostic = e.getDiagnosticMessage() == null ? "" : e.getDiagnosticMessage().replace('\0', ' ')
                .replaceAll("\\s+", " ").strip();
        return e.getResultCode() + (diagnostic.isEmpty() ? "" : " (" + Values.visible(diagnostic) + ")");
    }

    /** Position of each requested attribute in {@link #ATTRIBUTES}, by its name as requested and in lower case. */
    private static final Map<String, Integer> INDEX = new HashMap<>();

    static {
        for (int i = 0; i < ATTRIBUTES.length; i++) {
            INDEX.put(ATTRIBUTES[i], i);
            INDEX.put(ATTRIBUTES[i].toLowerCase(Locale.ROOT), i);
        }
    }

    /**
     * The object of one entry. Each attribute of the entry is looked at once (by its name as the server spells
     * it, which is usually the requested spelling), not looked up by name once per field.
     */
    static AdObject toObject(Entry e, ValueInterner canonical) {
        Attribute[] at = new Attribute[ATTRIBUTES.length];
        for (Attribute a : e.getAttributes()) {
            Integer i = INDEX.get(a.getName());
            if (i == null && !a.hasOptions()) {
                i = INDEX.get(a.getName().toLowerCase(Locale.ROOT));
            }
            if (i != null) {
                at[i] = a;
            }
        }
        byte[] rbcd = bytes(at[7]);
        List<String> rbcdSids;
        List<String> rbcdDenied;
        try {
            rbcdSids = rbcd == null ? List.of() : Sids.allowedSids(rbcd);
            rbcdDenied = rbcd == null ? List.of() : Sids.deniedSids(rbcd);
        } catch (RuntimeException malformed) {
            rbcdSids = List.of();
            rbcdDenied = List.of();
        }
        byte[] sid = bytes(at[8]);
        String sidText;
        try {
            sidText = sid == null ? null : Sids.toString(sid);
        } catch (RuntimeException malformed) {
            sidText = null;
        }
        Integer uac = int32(at[4]);
        Long usn = at[12] == null ? null : at[12].getValueAsLong();
        // Integer.valueOf keeps the usual small values (4, 24, 28, 31 …) as shared instances
        Integer encTypes = int32(at[14]);
        return new AdObject(e.getDN(), value(at[0]), value(at[1]), value(at[2]), uac == null ? 0 : uac,
                values(at[5], null), values(at[6], canonical), rbcd != null, rbcdSids, sidText,
                // a few distinct operating systems among 100,000 computers: one instance each
                value(at[9], canonical), value(at[10], canonical), generalizedTime(value(at[11])),
                usn == null ? 0 : usn,
                fileTime(at[13] == null ? null : at[13].getValueAsLong()),
                encTypes == null ? null : Integer.valueOf(encTypes.intValue()),
                fileTime(at[15] == null ? null : at[15].getValueAsLong()), rbcdDenied,
                // 0 and 0x7FFFFFFFFFFFFFFF: never
                fileTime(at[16] == null ? null : at[16].getValueAsLong()));
    }

    /**
     * A 32-bit flags value (userAccountControl, msDS-SupportedEncryptionTypes): AD writes bit 31 as a negative number,
     * a hand-written LDIF or another server as the unsigned one; both are the same bits. Null when absent or not a
     * 32-bit number.
     */
    static Integer int32(Attribute a) {
        Long v = a == null ? null : a.getValueAsLong();
        return v == null || v < Integer.MIN_VALUE || v > 0xFFFFFFFFL ? null : (int) v.longValue();
    }

    private static String value(Attribute a) {
        return a == null ? null : a.getValue();
    }

    private static String value(Attribute a, ValueInterner canonical) {
        ASN1OctetString[] v = a == null ? null : a.getRawValues();
        return v == null || v.length == 0 ? null : canonical.intern(v[0]);
    }

    private static byte[] bytes(Attribute a) {
        return a == null ? null : a.getValueByteArray();
    }

    /** An attribute's values; with {@code canonical}, each distinct value is kept as one String instance. */
    private static List<String> values(Attribute a, ValueInterner canonical) {
        if (a == null) {
            return List.of();
        }
        if (canonical == null) {
            return Arrays.asList(a.getValues());
        }
        ASN1OctetString[] raw = a.getRawValues();
        String[] v = new String[raw.length];
        for (int i = 0; i < raw.length; i++) {
            v[i] = canonical.intern(raw[i]);
        }
        return Arrays.asList(v);
    }

    static Instant generalizedTime(String value) {
        if (value == null) {
            return null;
        }
        Instant fast = utcTime(value);
        if (fast != null) {
            return fast;
        }
        try {
            return StaticUtils.decodeGeneralizedTime(value).toInstant();
        } catch (ParseException e) {
            return null;
        }
    }

    /**
     * The form AD and OpenLDAP write, {@code yyyyMMddHHmmss[.fraction]Z}, read without the SDK's date formats
     * (the same instant, a fraction cut to milliseconds as the SDK does); null for any other form or an invalid
     * date, which the SDK then reads or refuses.
     */
    private static Instant utcTime(String v) {
        int n = v.length();
        if (n < 15 || v.charAt(n - 1) != 'Z' || n > 15 && (v.charAt(14) != '.' || n == 16)) {
            return null;
        }
        int millis = 0;
        for (int i = 0; i < n - 1; i++) {
            char c = v.charAt(i);
            if (i == 14) {
                continue;
            }
            if (c < '0' || c > '9') {
                return null;
            }
            if (i > 14 && i < 18) {
                millis = millis * 10 + (c - '0');
            }
        }
        for (int i = Math.max(n - 1, 15); i < 18; i++) {
            millis *= 10;
        }
        int year = digits(v, 0, 4);
        if (year < 1900) {
            return null;
        }
        try {
            return LocalDateTime.of(year, digits(v, 4, 2), digits(v, 6, 2), digits(v, 8, 2), digits(v, 10, 2),
                    digits(v, 12, 2), millis * 1_000_000).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException invalid) {
            return null;
        }
    }

    private static int digits(String v, int from, int count) {
        int r = 0;
        for (int i = from; i < from + count; i++) {
            r = r * 10 + (v.charAt(i) - '0');
        }
        return r;
    }

    /** AD large-integer times count 100 ns since 1601-01-01; 0 and max mean "never". */
    static Instant fileTime(Long value) {
        if (value == null || value <= 0 || value == Long.MAX_VALUE) {
            return null;
        }
        return Instant.ofEpochSecond(value / 10_000_000L - FILETIME_EPOCH_OFFSET_SECONDS,
                (value % 10_000_000L) * 100);
    }
}
