package org.kcdauditor.directory;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPURL;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import org.kcdauditor.audit.DcDivergence;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.AttributeChange;
import org.kcdauditor.model.DcRead;
import org.kcdauditor.model.DnsNames;
import org.kcdauditor.model.RbcdPrincipal;
import org.kcdauditor.model.Uac;
import org.kcdauditor.remedy.Values;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The domain controllers of one domain, and what each holds for the objects a preflight checks. A delegation
 * change takes effect where the hosts' DCs have it: {@code preflight --all-dcs} reads every DC's copy of the
 * nodes' delegation attributes and compares it with the DC the audit read.
 *
 * <p>The DCs are the computers with SERVER_TRUST_ACCOUNT (0x2000) or, read-only, PARTIAL_SECRETS_ACCOUNT
 * (0x4000000), reached at their dNSHostName with the directory's scheme and port; {@code domainControllers}
 * in the config names them instead. Each DC is read on its own connection (the directory's TLS, bind and timeout
 * settings) with pipelined base-scope reads of the checked objects by DN (beside them only the groups their RBCD
 * names and an indexed search for other holders of their SPNs, and of the SPNs of the nodes of other domains they
 * migrate to, {@link Groups#across}), never a sweep of the domain: the time
 * grows with DCs × objects. At most {@link #PARALLEL} DCs are read at once.
 */
final class DomainControllers {
    /** DCs read at once. */
    static final int PARALLEL = 8;
    /** What a DC's copy of an object is compared on, and what names it. */
    static final String[] ATTRIBUTES = {"cn", "sAMAccountName", "dNSHostName", "objectSid", "userAccountControl",
            "servicePrincipalName", "msDS-AllowedToDelegateTo", "msDS-AllowedToActOnBehalfOfOtherIdentity",
            "msDS-SupportedEncryptionTypes", "accountExpires", "pwdLastSet"};
    /**
     * The same and the binary replication metadata (when, where and how often each attribute was last written there;
     * about 2 KB an object): the XML form, eight times larger, is read afterwards only from a DC that gives no blob.
     */
    private static final String[] READ = java.util.stream.Stream.concat(java.util.Arrays.stream(ATTRIBUTES),
            java.util.stream.Stream.of(ReplicationMetadata.BLOB_ATTRIBUTE)).toArray(String[]::new);
    private static final String DC_FILTER = "(&(objectClass=computer)(|(userAccountControl:1.2.840.113556.1.4.803:=8192)"
            + "(userAccountControl:1.2.840.113556.1.4.803:=67108864)))";

    /**
     * A DC to read: its name, where, and whether it is read-only; {@code refused} says why it is not contacted (its
     * dNSHostName is not a host name), or is null.
     */
    record Target(String name, String url, boolean readOnly, String refused) {
        Target(String name, String url, boolean readOnly) {
            this(name, url, readOnly, null);
        }
    }

    private DomainControllers() {
    }

    /** {@code directory.domainControllers}: each URL as given; the name is its root DSE's, once connected. */
    static List<Target> listed(List<String> urls) {
        return urls.stream().map(u -> new Target(null, u, false)).toList();
    }

    /**
     * The domain's DCs: computers under {@code domainDn} with a DC's account flags (the bitwise matching rule of
     * AD and Samba); where the server cannot evaluate that rule (or it finds none), the DCs among the sweep's
     * objects.
     *
     * @param deadline the reading's bounds (the search is one more request of it)
     * @param url the directory's URL: its scheme and port are used for every DC
     * @throws DirectoryException when a bound passed (or the reading was stopped) while the DCs were searched for
     */
    static List<Target> discover(LDAPConnection connection, Deadline deadline, String domainDn, String url,
                                 List<AdObject> sweep) throws DirectoryException {
        List<AdObject> dcs = new ArrayList<>();
        try {
            SearchResult r = deadline.call(() -> connection.search(domainDn, SearchScope.SUB, Filter.create(DC_FILTER),
                    "cn", "sAMAccountName", "dNSHostName", "userAccountControl"));
            for (SearchResultEntry e : r.getSearchEntries()) {
                Integer uac = DirectoryCollector.int32(e.getAttribute("userAccountControl"));
                dcs.add(new AdObject(e.getDN(), e.getAttributeValue("cn"), e.getAttributeValue("sAMAccountName"),
                        e.getAttributeValue("dNSHostName"), uac == null ? 0 : uac, List.of(), List.of(), false,
                        List.of(), null, null, null, null, 0, null));
            }
        } catch (LDAPException e) {
            DirectoryException late = deadline.failure(url, e);
            if (late != null) {
                throw late;
            }
            dcs.clear();
        }
        if (dcs.isEmpty()) {
            // the rule is AD's (and Samba's); elsewhere, or where it matches nothing, the sweep's DCs
            sweep.stream().filter(o -> o != null && o.isDomainController()).forEach(dcs::add);
        }
        List<Target> out = new ArrayList<>();
        for (AdObject dc : dcs) {
            if (!dc.isDomainController()) {
                continue;
            }
            String host = dc.dnsHostName() == null ? null : strip(dc.dnsHostName());
            boolean readOnly = Uac.has(dc.userAccountControl(), Uac.PARTIAL_SECRETS_ACCOUNT);
            if (host != null && !Values.validHostName(host)) {
                // a directory value: no URL is built from it, nor is the service account's password sent there
                out.add(new Target(Values.visible(dc.name()), null, readOnly, "its dNSHostName '"
                        + Values.visible(dc.dnsHostName()) + "' is not a host name, so it was not contacted; correct"
                        + " the computer object's dNSHostName, or list the DC in domainControllers"));
                continue;
            }
            out.add(new Target(host == null ? dc.name() : host, host == null ? null : urlOf(url, host), readOnly));
        }
        out.sort((a, b) -> a.name().compareToIgnoreCase(b.name()));
        return out;
    }

    /** {@code ldaps://dc1.contoso.com:636} with another host. */
    static String urlOf(String directoryUrl, String host) {
        try {
            LDAPURL u = new LDAPURL(directoryUrl);
            return u.getScheme() + "://" + host + ":" + u.getPort();
        } catch (LDAPException e) {
            return null;
        }
    }

    /**
     * Reads {@code scope} from every target except the DC the audit read ({@code auditedDc}, its dnsHostName, or
     * {@code auditedUrl}), at most {@link #PARALLEL} at once. A DC that cannot be reached (or refuses the bind) is
     * a {@link DcRead} with its error, not a failure of the run. Each DC is also asked ({@code groups} given) for the
     * groups the checked objects' resource-based delegation names (their members as that DC holds them, since a TGT
     * carries the groups of the DC that issued it) and for the other objects registering the checked objects' SPNs (a
     * duplicate made there makes its KDC refuse them). A DC is read-only by its account flags (discovered) or by its
     * root DSE ({@code auditedReadOnly} for the DC the audit read, which is not connected to again). A DC listed
     * twice (by its IP and by its name) is one DC: the first read of it that answered.
     */
    static List<DcRead> read(LdapConnector connector, List<Target> targets, List<AdObject> scope, String auditedDc,
                             String auditedUrl, boolean auditedReadOnly, Groups groups) throws DirectoryException {
        if (targets.isEmpty()) {
            return List.of();
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL, targets.size()), r -> {
            Thread t = new Thread(r, "kcd-dc-read");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<DcRead>> futures = new ArrayList<>();
            for (Target t : targets) {
                futures.add(pool.submit(() -> readOne(connector, t, scope, auditedDc, auditedUrl, auditedReadOnly,
                        groups)));
            }
            // one DC reached under two URLs (its IP and its name, say) is one DC, by the name its root DSE gave
            Map<String, DcRead> byName = new java.util.LinkedHashMap<>();
            for (Future<DcRead> f : futures) {
                DcRead d = f.get();
                String key = d.name() == null ? String.valueOf(d.url()) : strip(d.name());
                byName.merge(key, d, (first, again) -> first.reachable() || !again.reachable() ? first : again);
            }
            return new ArrayList<>(byName.values());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DirectoryException("interrupted while reading the domain controllers", e);
        } catch (ExecutionException e) {
            // a configuration problem (e.g. a plain ldap:// DC URL without allowInsecureBind) is the user's to fix
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * What the groups behind RBCD are read with on each DC: the domain, the sweep (SIDs of its objects need no read),
     * the principals the audited DC gave (one this DC lacks allows nobody there) and the nodes and file servers of
     * every cluster the audit checks (the sources whose membership through their primary group is read, as the
     * audited DC read it, though the DC is read for fewer clusters). {@code across}: the nodes of other domains that
     * the checked nodes migrate to, whose SPNs this DC's KDC looks up for them in this domain only, so that another
     * holder here shadows them ({@link #spnHolders}); empty with one domain. {@code services}: the service classes the
     * pairs into the checked hosts ask for (the policy's, and {@code cifs} for the file servers), whose SPNs on each
     * host's names this DC is asked for holders of, registered on the host or not ({@link OutsideObjects#asked}).
     */
    record Groups(String domainDn, List<AdObject> sweep, Map<String, RbcdPrincipal> audited, List<AdObject> hosts,
                  List<AdObject> across, List<String> services) {
    }

    /**
     * The checked objects this DC does not hold under the audited DC's DN, looked up by their objectSid under the
     * domain: one moved on the audited DC (into the cluster's OU, say) is still here under its old DN until the move
     * replicates, with the same account, SPNs and delegation, which this DC's KDC serves as before. Each one found
     * goes into {@code read} under the audited DC's DN, so that it is compared as any other; a DN is no Kerberos
     * attribute. Not looked up without {@code groups} (the domain to search), nor where the lookup fails: those stay
     * missing.
     */
    private static void movedHere(LDAPConnection c, String where, Deadline deadline, Groups groups,
                                  List<AdObject> scope, Map<String, AdObject> read, ValueInterner canonical) {
        if (groups == null || groups.domainDn() == null) {
            return;
        }
        Map<String, String> dnBySid = new java.util.LinkedHashMap<>();
        for (AdObject o : scope) {
            if (o.dn() != null && o.objectSid() != null && !read.containsKey(o.dn())) {
                dnBySid.putIfAbsent(o.objectSid(), o.dn());
            }
        }
        if (dnBySid.isEmpty()) {
            return;
        }
        List<String> sids = new ArrayList<>(dnBySid.keySet());
        try {
            for (int from = 0; from < sids.size(); from += SPNS_PER_SEARCH) {
                List<Filter> any = new ArrayList<>();
                for (String sid : sids.subList(from, Math.min(sids.size(), from + SPNS_PER_SEARCH))) {
                    any.add(Filter.createEqualityFilter("objectSid", Sids.toBytes(sid)));
                }
                SearchResult r = deadline.call(() -> c.search(groups.domainDn(), SearchScope.SUB,
                        Filter.createORFilter(any), READ));
                for (SearchResultEntry found : r.getSearchEntries()) {
                    com.unboundid.ldap.sdk.Entry e = RangedRetrieval.incomplete(found)
                            ? RangedRetrieval.complete(c, found, where, deadline) : found;
                    AdObject o = DirectoryCollector.toObject(e, canonical);
                    String dn = o.objectSid() == null ? null : dnBySid.get(o.objectSid());
                    if (dn != null) {
                        read.putIfAbsent(dn, withDn(o, dn));
                    }
                }
            }
        } catch (LDAPException | DirectoryException e) {
            // the objects read by DN stand; those not found stay missing
        }
    }

    /** {@code o} under {@code dn}. */
    private static AdObject withDn(AdObject o, String dn) {
        return new AdObject(dn, o.cn(), o.samAccountName(), o.dnsHostName(), o.userAccountControl(), o.spns(),
                o.delegateTo(), o.rbcdPresent(), o.rbcdSids(), o.objectSid(), o.operatingSystem(),
                o.operatingSystemVersion(), o.whenChanged(), o.usnChanged(), o.lastLogon(),
                o.supportedEncryptionTypes(), o.pwdLastSet(), o.rbcdDeniedSids(), o.accountExpires());
    }

    /** SPN values per search for other holders. */
    private static final int SPNS_PER_SEARCH = 50;

    /**
     * The objects of the domain, other than the checked ones, that register an SPN of a checked object on this DC (under
     * the domain, not the base DN: the audited DC's snapshot holds the other holders outside a base DN below the domain
     * too, {@link OutsideObjects}), or a {@code cifs/X} it serves through its {@code HOST/X} ({@link DcDivergence#servedThroughHost}),
     * or an SPN the pairs into a checked computer ask for ({@link Groups#services} on its names, {@link
     * OutsideObjects#asked}), which it may not register on the audited DC at all (registered on this DC and not
     * replicated yet, or held here by another account: {@link DcDivergence#TARGET_SPN});
     * the same for the targets in other domains of the checked nodes' pairs ({@link Groups#across}), which this DC's
     * KDC finds here before it would refer the sources to theirs: an
     * indexed equality search per batch of SPNs, each as stored and with the trailing dot on its host toggled (the
     * spelling the DC's uniqueness check lets through). Empty when not asked; a search that fails throws, since an empty
     * list would read as "no other holder on this DC" ({@link DcRead#holdersError}), saying which search failed.
     */
    private static List<AdObject> spnHolders(LDAPConnection c, Deadline deadline, Groups groups,
                                             List<AdObject> objects, List<AdObject> scope) throws HoldersFailed {
        if (groups == null || groups.domainDn() == null) {
            return List.of();
        }
        java.util.Set<String> values = new java.util.LinkedHashSet<>();
        java.util.Set<String> checked = new java.util.HashSet<>();
        // a checked object this DC still holds under another DN (moved on the audited DC) is no other holder
        java.util.Set<String> sids = new java.util.HashSet<>();
        scope.forEach(o -> {
            if (o.objectSid() != null) {
                sids.add(o.objectSid());
            }
        });
        // the hosts each value is searched for (lower case), which a failed search names
        Map<String, java.util.Set<String>> hostsOf = new java.util.HashMap<>();
        for (AdObject o : objects) {
            if (o.dn() != null) {
                checked.add(o.dn().toLowerCase(Locale.ROOT));
            }
            java.util.Set<String> own = o.isComputer() ? OutsideObjects.asked(o, groups.services()) : holderValues(o);
            values.addAll(own);
            own.forEach(v -> hostsOf.computeIfAbsent(v.toLowerCase(Locale.ROOT), k -> new java.util.LinkedHashSet<>())
                    .add(o.name()));
        }
        for (AdObject o : groups.across()) {
            java.util.Set<String> own = holderValues(o);
            values.addAll(own);
            own.forEach(v -> hostsOf.computeIfAbsent(v.toLowerCase(Locale.ROOT), k -> new java.util.LinkedHashSet<>())
                    .add(o.name()));
        }
        // AD matches servicePrincipalName without regard to case: one term a value
        Map<String, String> distinct = new java.util.LinkedHashMap<>();
        values.forEach(v -> distinct.putIfAbsent(v.toLowerCase(Locale.ROOT), v));
        List<String> all = new ArrayList<>(distinct.values());
        int searches = (all.size() + SPNS_PER_SEARCH - 1) / SPNS_PER_SEARCH;
        Map<String, AdObject> out = new java.util.LinkedHashMap<>();
        ValueInterner canonical = new ValueInterner();
        for (int from = 0; from < all.size(); from += SPNS_PER_SEARCH) {
            List<Filter> any = new ArrayList<>();
            for (String v : all.subList(from, Math.min(all.size(), from + SPNS_PER_SEARCH))) {
                any.add(Filter.createEqualityFilter("servicePrincipalName", v));
            }
            SearchResult r;
            try {
                r = deadline.call(() -> c.search(groups.domainDn(), SearchScope.SUB, Filter.createORFilter(any),
                        DirectoryCollector.ATTRIBUTES));
            } catch (LDAPException e) {
                throw new HoldersFailed(e, from / SPNS_PER_SEARCH + 1, searches, all.subList(from,
                        Math.min(all.size(), from + SPNS_PER_SEARCH)).stream().flatMap(v -> hostsOf.getOrDefault(
                        v.toLowerCase(Locale.ROOT), java.util.Set.of()).stream()).distinct().toList());
            }
            for (SearchResultEntry e : r.getSearchEntries()) {
                AdObject o = checked.contains(e.getDN().toLowerCase(Locale.ROOT)) ? null
                        : DirectoryCollector.toObject(e, canonical);
                if (o != null && (o.objectSid() == null || !sids.contains(o.objectSid()))) {
                    out.putIfAbsent(e.getDN().toLowerCase(Locale.ROOT), o);
                }
            }
        }
        return new ArrayList<>(out.values());
    }

    /** Hosts named by a failed search for other holders, at most; the others are counted. */
    private static final int HOSTS_NAMED = 4;

    /**
     * A search for other holders that failed: the {@code search}-th of {@code searches} (of {@link #SPNS_PER_SEARCH}
     * SPNs each), for the SPNs of {@code hosts}; those after it are not made, and what the earlier ones found is not
     * used ({@link DcRead#holdersError} stands for the whole DC).
     */
    static final class HoldersFailed extends Exception {
        HoldersFailed(LDAPException cause, int search, int searches, List<String> hosts) {
            super(DirectoryCollector.reason(cause) + " (search " + search + " of " + searches + ", for SPNs of "
                    + String.join(", ", hosts.subList(0, Math.min(HOSTS_NAMED, hosts.size())).stream()
                    .map(Values::visibleAccount).toList())
                    + (hosts.size() > HOSTS_NAMED ? " and " + (hosts.size() - HOSTS_NAMED) + " more" : "")
                    + (search + 1 == searches ? "; the one after it was not made" : search < searches ? "; the "
                    + (searches - search) + " after it were not made" : "")
                    + "; none of this DC's answers is used, so whether it holds another holder of any node's SPN is"
                    + " unknown)", cause);
        }
    }

    /**
     * The {@code servicePrincipalName} values another holder of {@code o}'s SPNs registers: each of its SPNs and each
     * {@code cifs/X} it serves through its {@code HOST/X} ({@link DcDivergence#servedThroughHost}), as stored and with
     * the trailing dot on the host toggled (the spelling a DC's uniqueness check lets through).
     */
    static java.util.Set<String> holderValues(AdObject o) {
        java.util.Set<String> values = new java.util.LinkedHashSet<>();
        List<String> spns = new ArrayList<>(o.spns());
        spns.addAll(DcDivergence.servedThroughHost(o));
        for (String spn : spns) {
            values.add(spn);
            String toggled = toggledDot(spn);
            if (toggled != null) {
                values.add(toggled);
            }
        }
        return values;
    }

    /** {@code svc/host[:port][/x]} with a trailing dot on the host added or removed; null when not SPN-shaped. */
    static String toggledDot(String spn) {
        int slash = spn.indexOf('/');
        if (slash <= 0) {
            return null;
        }
        int second = spn.indexOf('/', slash + 1);
        int end = second >= 0 ? second : spn.length();
        int colon = spn.indexOf(':', slash + 1);
        int hostEnd = colon >= 0 && colon < end ? colon : end;
        if (hostEnd == slash + 1) {
            return null;
        }
        return spn.charAt(hostEnd - 1) == '.' ? spn.substring(0, hostEnd - 1) + spn.substring(hostEnd)
                : spn.substring(0, hostEnd) + "." + spn.substring(hostEnd);
    }

    private static DcRead readOne(LdapConnector connector, Target t, List<AdObject> scope, String auditedDc,
                                  String auditedUrl, boolean auditedReadOnly, Groups groups) {
        String name = t.name() != null ? t.name() : t.url();
        if (same(t.name(), auditedDc) || t.url() != null && t.url().equalsIgnoreCase(auditedUrl)) {
            // a listed URL names no DC: the audited one is called by the name its root DSE gave the audit
            return new DcRead(t.name() == null && auditedDc != null ? strip(auditedDc) : name, t.url(),
                    t.readOnly() || auditedReadOnly, true, null, List.of(), List.of());
        }
        if (t.refused() != null) {
            return new DcRead(name, null, t.readOnly(), false, t.refused(), List.of(), List.of());
        }
        if (t.url() == null) {
            return new DcRead(name, null, t.readOnly(), false, "its computer object has no dNSHostName to connect to",
                    List.of(), List.of());
        }
        LdapConnector at = connector.at(t.url(), t.name() == null
                ? "put a name the certificate lists into " + connector.key() + ".domainControllers"
                : "the DC was found by its dNSHostName " + t.name() + ", which its certificate does not list: give it a"
                + " certificate for that name, or list it in " + connector.key() + ".domainControllers by a name its"
                + " certificate lists").pipelined();
        Deadline deadline = Deadline.start(at.settings());
        try (LDAPConnection c = at.connect(deadline)) {
            DomainReader.RootDse root = new DomainReader(c, t.url(), deadline).rootDse();
            if (root.dnsHostName() != null) {
                name = strip(root.dnsHostName());
            }
            // a listed DC is known to be read-only only by what it says of itself
            boolean readOnly = t.readOnly() || root.readOnly();
            if (same(name, auditedDc)) {
                return new DcRead(name, t.url(), readOnly, true, null, List.of(), List.of());
            }
            String elsewhere = otherDomain(root, groups, connector.key());
            if (elsewhere != null) {
                // it holds none of the nodes, and no replication brings them there: not a DC that lags
                return new DcRead(name, t.url(), readOnly, false, elsewhere, List.of(), List.of());
            }
            List<String> dns = scope.stream().map(AdObject::dn).toList();
            ValueInterner canonical = new ValueInterner();
            Map<String, AdObject> read = new HashMap<>();
            Map<String, SearchResultEntry> ranged = new HashMap<>();
            Map<String, SearchResultEntry> metadata = new HashMap<>();
            BaseReads.read(c, deadline, dns, READ, t.url(), (dn, e) -> {
                if (ReplicationMetadata.present(e)) {
                    metadata.put(dn, e);
                }
                if (RangedRetrieval.incomplete(e)) {
                    ranged.put(dn, e); // completed after the reads: one request at a time for the ranges
                } else {
                    read.put(dn, DirectoryCollector.toObject(e, canonical));
                }
            });
            for (Map.Entry<String, SearchResultEntry> r : ranged.entrySet()) {
                read.put(r.getKey(), DirectoryCollector.toObject(RangedRetrieval.complete(c, r.getValue(), t.url(),
                        deadline), canonical));
            }
            movedHere(c, t.url(), deadline, groups, scope, read, canonical);
            List<AdObject> objects = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (String dn : dns) {
                AdObject o = read.get(dn);
                if (o == null) {
                    missing.add(dn);
                } else {
                    objects.add(o);
                }
            }
            Map<String, RbcdPrincipal> principals = principals(c, t.url(), deadline, groups, objects);
            List<AdObject> holders = List.of();
            String holdersError = null;
            try {
                holders = spnHolders(c, deadline, groups, objects, scope);
            } catch (HoldersFailed e) {
                holdersError = "the search for other holders of the nodes' SPNs failed: " + e.getMessage();
            }
            return new DcRead(name, t.url(), readOnly, false, null, objects, missing, principals, holders,
                    changes(c, t.url(), deadline, root, dns, metadata), holdersError);
        } catch (DirectoryException e) {
            return new DcRead(name, t.url(), t.readOnly(), false, e.getMessage()
                    + (connector.settings().gssapi() ? "" : refusedHere(e, t, auditedDc)),
                    List.of(), List.of());
        }
    }

    /**
     * For a bind this DC refuses as invalid credentials although the audited DC accepted the same account and password
     * (a simple bind): what differs is this DC's copy of the account, which has not received a recent change of it
     * (its password, an unlock, an enable) yet. Empty otherwise.
     */
    private static String refusedHere(DirectoryException e, Target t, String auditedDc) {
        LDAPException refused = org.kcdauditor.io.Causes.find(e, LDAPException.class);
        if (auditedDc == null || refused == null || refused.getResultCode() != ResultCode.INVALID_CREDENTIALS) {
            return "";
        }
        String host = t.name();
        if (host == null) {
            try {
                host = new LDAPURL(t.url()).getHost();
            } catch (LDAPException bad) {
                host = t.url();
            }
        }
        return "; " + strip(auditedDc) + ", the DC the audit read, accepted the same account and password: this DC may"
                + " not have received a recent change of the account yet (a new password, an unlock, an enable; repadmin"
                + " /showrepl " + host + ")";
    }

    /**
     * The delegation attributes' last originating writes as this DC records them, by lower-case DN; the binary form
     * names DCs by invocation id, mapped to names through this DC's configuration partition.
     */
    private static Map<String, List<AttributeChange>> changes(LDAPConnection c, String url, Deadline deadline,
                                                              DomainReader.RootDse root, List<String> dns,
                                                              Map<String, SearchResultEntry> metadata)
            throws DirectoryException {
        if (metadata.isEmpty() && !dns.isEmpty()) {
            // no blob: the XML form, asked of the rest only where the first object has it (as the audit's own read)
            String[] xml = {ReplicationMetadata.XML_ATTRIBUTE};
            BaseReads.Handler keep = (dn, e) -> {
                if (ReplicationMetadata.present(e)) {
                    metadata.put(dn, e);
                }
            };
            try {
                BaseReads.read(c, deadline, dns.subList(0, 1), xml, url, keep);
                if (!metadata.isEmpty()) {
                    BaseReads.read(c, deadline, dns.subList(1, dns.size()), xml, url, keep);
                }
            } catch (DirectoryException e) {
                metadata.clear(); // which DC holds the newer write stays unknown; the comparison itself stands
            }
        }
        if (metadata.isEmpty()) {
            return Map.of();
        }
        boolean blob = metadata.values().stream().anyMatch(e -> e.hasAttribute(ReplicationMetadata.BLOB_ATTRIBUTE));
        Map<String, String> dcs = blob ? dcNames(c, url, deadline, root) : Map.of();
        Map<String, List<AttributeChange>> out = new HashMap<>();
        metadata.forEach((dn, e) -> {
            List<AttributeChange> changes = ReplicationMetadata.of(e, dcs);
            if (!changes.isEmpty()) {
                out.put(dn.toLowerCase(Locale.ROOT), changes);
            }
        });
        return out;
    }

    /** The forest's DCs by invocation id; none when the search outlasts the reading's bounds (they stay ids). */
    private static Map<String, String> dcNames(LDAPConnection c, String url, Deadline deadline,
                                               DomainReader.RootDse root) {
        try {
            return ReplicationMetadata.invocationIds(c, deadline, url, root.configurationNamingContext());
        } catch (DirectoryException e) {
            return Map.of(); // which DC made a change is only named by it: the comparison itself stands
        }
    }

    /**
     * The groups the audited DC expanded for the RBCD of the checked objects, as this DC holds them: a group it does
     * not hold is there without members. Empty (the audited DC's are used) when none is named or they cannot be read.
     */
    private static Map<String, RbcdPrincipal> principals(LDAPConnection c, String url, Deadline deadline, Groups groups,
                                                         List<AdObject> objects) {
        if (groups == null || groups.audited().isEmpty() || objects.stream().noneMatch(AdObject::rbcdPresent)) {
            return Map.of();
        }
        try {
            String domainSid = new DomainReader(c, url, deadline).domainSid(groups.domainDn());
            Map<String, RbcdPrincipal> out = new HashMap<>(new RbcdPrincipalReader(c, deadline, url, groups.domainDn(),
                    domainSid, groups.sweep()).read(objects, groups.hosts()));
            groups.audited().forEach((sid, p) -> out.putIfAbsent(sid, new RbcdPrincipal(sid, p.dn(), p.name(), p.kind(),
                    Map.of(), true)));
            return out;
        } catch (DirectoryException e) {
            return Map.of(); // the object reads stand; the groups are judged as the audited DC holds them
        }
    }

    /**
     * Why a DC whose root DSE names another domain than the directory's is no DC of it (a URL of another domain in
     * {@code key.domainControllers}), or null (the same domain, or either not known).
     */
    private static String otherDomain(DomainReader.RootDse root, Groups groups, String key) {
        if (root.defaultNamingContext() == null || groups == null || groups.domainDn() == null) {
            return null;
        }
        try {
            if (new DN(root.defaultNamingContext()).equals(new DN(groups.domainDn()))) {
                return null;
            }
        } catch (LDAPException e) {
            // a naming context that does not parse is no domain this directory's is
        }
        return "it serves " + Values.visible(root.defaultNamingContext()) + ", not " + groups.domainDn() + ": it is"
                + " no domain controller of this directory's domain, so it was not compared; remove it from " + key
                + ".domainControllers (a domain controller of another domain goes under that domain's directory)";
    }

    private static boolean same(String a, String b) {
        return a != null && b != null && strip(a).equalsIgnoreCase(strip(b));
    }

    private static String strip(String host) {
        return DnsNames.withoutTrailingDots(host.strip()).toLowerCase(Locale.ROOT);
    }
}
