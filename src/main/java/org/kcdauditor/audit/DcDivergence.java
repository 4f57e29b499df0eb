package org.kcdauditor.audit;

import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.AttributeChange;
import org.kcdauditor.model.DcRead;
import org.kcdauditor.model.DirectoryPart;
import org.kcdauditor.model.EncryptionTypes;
import org.kcdauditor.model.RbcdPrincipal;
import org.kcdauditor.model.Snapshot;
import org.kcdauditor.model.Spn;
import org.kcdauditor.model.Uac;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Where another domain controller ({@code preflight --all-dcs}) holds other delegation attributes for a node or file
 * server than the DC the audit read, or not the object at all: one per DC, host and attribute. DC_NOT_CONVERGED
 * reports each; the context blocks the pairs each one breaks on that DC, so both read the same comparison.
 *
 * @param dc        the DC that has not converged
 * @param audited   the DC the audit read (its name, else the directory's URL)
 * @param host      the node or file server, as the audited DC holds it
 * @param attribute the attribute that differs, or {@code object} when the DC lacks the object
 * @param here      the values on the audited DC
 * @param there     the values on {@code dc}
 * @param sources   for a {@link #HOLDER} on a DC of another domain than the host's: that domain (directory), whose
 *                  nodes' pairs into the host ask that DC's KDC, which finds the holder in its own domain; the pairs
 *                  from elsewhere are not concerned. Null otherwise: the pairs from every domain
 * @param spn       for a {@link #TARGET_SPN}: the SPN, as the pairs ask for it; null otherwise
 */
public record DcDivergence(DcRead dc, String audited, AdObject host, String attribute, List<String> here,
                           List<String> there, String sources, String spn) {
    /** A difference on a DC of the host's own domain. */
    public DcDivergence(DcRead dc, String audited, AdObject host, String attribute, List<String> here,
                        List<String> there) {
        this(dc, audited, host, attribute, here, there, null, null);
    }

    /** The rule whose findings these are: a blocker of the pairs they break. */
    public static final String RULE = "DC_NOT_CONVERGED";
    /** When the account expires: a DC on which it has expired (and the audited DC not) breaks its pairs there. */
    public static final String ACCOUNT_EXPIRES = "accountExpires";

    /**
     * When the password was last set, compared only where it decides whether the DC holds AES keys for the account: on
     * one side of the domain's AES date ({@link DirectoryPart#aesKeysSince}) and on the other. A password reset (the
     * fix of AES_KEYS_MISSING) gives AES keys on the DC that took it; a DC that still holds the older password has none,
     * so its KDC cannot issue AES tickets for the account. A routine machine password change not replicated yet
     * (both dates after the domain's AES keys) breaks nothing and is no divergence.
     */
    public static final String PWD_LAST_SET = "pwdLastSet";

    /** The pseudo-attribute of a DC that does not hold the object at all. */
    public static final String OBJECT = "object";

    /** The attributes compared, each with how one DC's copy is shown. */
    private static final Map<String, Function<AdObject, List<String>>> ATTRIBUTES = attributes();

    private static Map<String, Function<AdObject, List<String>>> attributes() {
        Map<String, Function<AdObject, List<String>>> m = new LinkedHashMap<>();
        m.put("msDS-AllowedToDelegateTo", AdObject::delegateTo);
        m.put("userAccountControl", o -> List.of(uac(o.userAccountControl())));
        m.put("servicePrincipalName", AdObject::spns);
        m.put("msDS-AllowedToActOnBehalfOfOtherIdentity", DcDivergence::rbcdValues);
        m.put("msDS-SupportedEncryptionTypes", o -> o.supportedEncryptionTypes() == null ? List.of()
                : List.of(String.valueOf(o.supportedEncryptionTypes())));
        // an account that has expired on that DC gets no TGT from its KDC (KDC_ERR_CLIENT_REVOKED)
        m.put(ACCOUNT_EXPIRES, o -> o.accountExpires() == null ? List.of() : List.of(o.accountExpires().toString()));
        return m;
    }

    /**
     * How a DC's copy of the resource-based delegation is compared: the SIDs it allows, then each SID an access-denied
     * ACE refuses as {@link #DENIED} + SID (a denial wins over any allow, so a DC that still holds one the audited DC
     * no longer has refuses the pair there).
     */
    static List<String> rbcdValues(AdObject o) {
        if (!o.rbcdPresent()) {
            return List.of();
        }
        if (o.rbcdDeniedSids().isEmpty()) {
            return o.rbcdSids();
        }
        List<String> out = new ArrayList<>(o.rbcdSids());
        o.rbcdDeniedSids().forEach(sid -> out.add(DENIED + sid));
        return out;
    }

    /**
     * The pseudo-attribute of a DC whose copy of a group that a target's resource-based delegation names lacks a
     * member the audited DC has (the descriptor itself the same on both): {@link #here} and {@link #there} are the
     * SIDs of the checked hosts the descriptor allows on each DC. The KDC checks the descriptor against the groups in
     * the source's TGT, which the DC that issued it put there.
     */
    public static final String MEMBER = "member";

    /**
     * The pseudo-attribute of a DC on which another object registers an SPN of the host that it does not register on the
     * audited DC (a duplicate made there, not replicated yet): {@link #here} are the host's SPNs concerned (as it
     * stores them), {@link #there} the DNs of the other holders on that DC. Its KDC refuses tickets for them. The same
     * for a {@code cifs/X} the host serves through its {@code HOST/X} ({@link #servedThroughHost}), in {@link #here} as
     * the pairs ask for it: that DC's KDC looks the exact SPN up before it applies sPNMappings, finds the other object
     * and issues the ticket in its key, as the audited DC would (TARGET_SPN_NOT_REGISTERED).
     */
    public static final String HOLDER = "servicePrincipalName holder";

    /**
     * The pseudo-attribute of an SPN the pairs into the host ask for that the host does not register (nor serve through
     * its {@code HOST/X}) on the audited DC (TARGET_SPN_NOT_REGISTERED there) and whose holders differ on {@link #dc}:
     * one divergence per SPN ({@link #spn}), {@link #here} and {@link #there} the DNs of the objects registering it on
     * each DC (empty: none). Registered on the host on that DC only, it was registered there and has not replicated to
     * the audited DC, whose KDC refuses the ticket until it does; held by another account on one DC only, each DC's KDC
     * resolves it to another account, or to none.
     */
    public static final String TARGET_SPN = "target servicePrincipalName";

    /** The prefix of a SID that an access-denied ACE of msDS-AllowedToActOnBehalfOfOtherIdentity refuses. */
    public static final String DENIED = "deny ";

    /**
     * The id of the finding that reports this divergence, as a pair's blocker: the one finding of the divergence
     * ({@code cluster} null), or, for one that blocks pairs of several clusters, none of them the host's own ({@link
     * AuditContext#reportedPerCluster}), that of {@code cluster}'s pairs, with the cluster's name in its id.
     */
    public Blocker blocker(String cluster) {
        return Blocker.of(RULE, host.name(), null, idFor(cluster));
    }

    /** What tells the finding of {@link #blocker(String)} apart: {@link #id()}, then the cluster's name, if any. */
    public String idFor(String cluster) {
        return cluster == null ? id() : id() + "/" + cluster;
    }

    /** What tells this divergence from the host's others: {@code dc/attribute}, and {@code /spn} for a {@link #TARGET_SPN}. */
    public String id() {
        return dc.name() + "/" + attribute + (spn == null ? "" : "/" + spn);
    }

    /**
     * For a {@link #TARGET_SPN}: the objects registering {@link #spn} (whole) on {@link #dc}, its copies of the checked
     * objects and the other holders it gave; empty otherwise.
     */
    public List<AdObject> holdersThere() {
        if (spn == null) {
            return List.of();
        }
        String whole = Spn.wholeKeyOf(spn);
        List<AdObject> out = new ArrayList<>(1);
        for (List<AdObject> list : List.of(dc.objects(), dc.spnHolders())) {
            for (AdObject o : list) {
                if (o.dn() != null && registers(o, whole) && out.stream().noneMatch(x -> x.dn().equalsIgnoreCase(o.dn()))) {
                    out.add(o);
                }
            }
        }
        return out;
    }

    /**
     * For a {@link #TARGET_SPN} {@code cifs/X} that no object registers on {@link #dc}: the {@code HOST/X} of the host
     * there (as it stores it), through which that DC's KDC serves it (sPNMappings); else null.
     */
    public String servedThereThroughHost() {
        String alias = spn == null ? null : Spn.hostAlias(Spn.wholeKeyOf(spn));
        if (alias == null || !there.isEmpty()) {
            return null;
        }
        for (AdObject o : dc.objects()) {
            if (o.dn() != null && o.dn().equalsIgnoreCase(host.dn())) {
                return o.spns().stream().filter(x -> Spn.wholeKeyOf(x).equals(alias)).findFirst().orElse(null);
            }
        }
        return null;
    }

    /** Whether {@link #dc} holds {@link #spn} on the host itself. */
    public boolean onHostThere() {
        return holdersThere().stream().anyMatch(o -> o.dn().equalsIgnoreCase(host.dn()));
    }

    private static boolean registers(AdObject o, String whole) {
        for (String x : o.spns()) {
            if (Spn.wholeKeyOf(x).equals(whole)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The write {@link #dc} holds when it is newer than the audited DC's, by their replication metadata as AD resolves
     * a conflict (the higher version, on a tie the later time): then it is the audited DC that has not received a
     * change made on or through {@link #dc}, and the audit judged the values that change replaces. Null when the
     * audited DC's write is the newer, or when either DC gives no metadata for the attribute.
     *
     * @param audited the audited DC's metadata ({@link Snapshot#changes}), by lower-case DN
     */
    public AttributeChange newerThere(Map<String, List<AttributeChange>> audited) {
        String dn = host.dn().toLowerCase(Locale.ROOT);
        AttributeChange there = AttributeChange.of(dc.changes().get(dn), attribute);
        AttributeChange here = AttributeChange.of(audited.get(dn), attribute);
        if (there == null || here == null) {
            return null;
        }
        if (there.version() != here.version()) {
            return there.version() > here.version() ? there : null;
        }
        return there.time() != null && here.time() != null && there.time().isAfter(here.time()) ? there : null;
    }

    /**
     * For a {@link #PWD_LAST_SET} difference: whether {@link #dc} holds the newer password (then the audited DC lacks the
     * AES keys, and the reset was made on or through {@link #dc}); null for another attribute or a date not known.
     */
    public Boolean passwordNewerThere() {
        if (!attribute.equals(PWD_LAST_SET) || here.isEmpty() || there.isEmpty()) {
            return null;
        }
        return java.time.Instant.parse(there.get(0)).isAfter(java.time.Instant.parse(here.get(0)));
    }

    /** The values the audited DC holds and {@link #dc} lacks (SPNs in normal form). */
    public Set<String> lacking() {
        Set<String> out = keys(attribute, here);
        out.removeAll(keys(attribute, there));
        return out;
    }

    /**
     * Every divergence of the snapshot's DC reads, for the objects in {@code checked} (by lower-case DN);
     * {@code requiredInto}: the SPN keys ({@link Spn#keyOf}) the pairs into each object ask for; {@code requiredAcross}:
     * per target, per directory of sources in another domain, those the pairs from there ask that domain's KDC for (a
     * {@code cifs/X} the target does not register, with the {@code HOST/X} it maps to), whose other holders on a DC of
     * that domain are {@link #HOLDER}s of the target there; {@code unregisteredInto}: per target, the SPNs the pairs
     * into it ask for that it does not register on the audited DC (as the pairs spell them), each a {@link #TARGET_SPN}
     * where its holders differ on a DC, and then not a difference of the target's servicePrincipalName (told once, per
     * SPN).
     */
    static List<DcDivergence> of(Snapshot snapshot, Map<String, AdObject> checked,
                                 Map<AdObject, Set<String>> requiredInto,
                                 Map<AdObject, Map<String, Set<String>>> requiredAcross,
                                 Map<AdObject, Set<String>> unregisteredInto) {
        List<DcDivergence> out = new ArrayList<>(0);
        for (DirectoryPart part : snapshot.directories()) {
            for (DcRead dc : part.domainControllers()) {
                if (dc.audited() || !dc.reachable()) {
                    continue;
                }
                String audited = part.dc() != null ? part.dc() : part.url();
                for (String dn : dc.missing()) {
                    AdObject o = checked.get(dn.toLowerCase(Locale.ROOT));
                    if (o != null) {
                        out.add(new DcDivergence(dc, audited, o, OBJECT, List.of(o.dn()), List.of()));
                    }
                }
                for (AdObject theirs : dc.objects()) {
                    AdObject ours = checked.get(theirs.dn().toLowerCase(Locale.ROOT));
                    if (ours == null) {
                        continue;
                    }
                    // the target SPNs whose holders this DC was asked for (a DC whose search failed tells none)
                    Set<String> targetSpns = dc.holdersError() != null ? Set.of()
                            : unregisteredInto.getOrDefault(ours, Set.of());
                    Set<String> told = new java.util.HashSet<>();
                    targetSpns.forEach(spn -> told.add(Spn.wholeKeyOf(spn)));
                    ATTRIBUTES.forEach((attribute, values) -> {
                        List<String> here = values.apply(ours);
                        List<String> there = values.apply(theirs);
                        Set<String> a = keys(attribute, here);
                        Set<String> b = keys(attribute, there);
                        if (attribute.equals("servicePrincipalName") && !told.isEmpty()) {
                            a.removeAll(told);
                            b.removeAll(told);
                        }
                        if (!a.equals(b)) {
                            out.add(new DcDivergence(dc, audited, ours, attribute, here, there));
                        }
                    });
                    for (String spn : targetSpns) {
                        DcDivergence held = targetSpn(snapshot, part, dc, audited, ours, spn);
                        if (held != null) {
                            out.add(held);
                        }
                    }
                    java.time.Instant aes = part.aesKeysSince();
                    if (ours.passwordPredatesAes(aes) != theirs.passwordPredatesAes(aes)) {
                        out.add(new DcDivergence(dc, audited, ours, PWD_LAST_SET, pwdLastSet(ours),
                                pwdLastSet(theirs)));
                    }
                    DcDivergence members = members(snapshot, dc, audited, ours, theirs, checked.values());
                    if (members != null) {
                        out.add(members);
                    }
                    DcDivergence holders = holders(snapshot, dc, audited, ours,
                            requiredInto.getOrDefault(ours, Set.of()), null);
                    if (holders != null) {
                        out.add(holders);
                    }
                }
                requiredAcross.forEach((target, from) -> {
                    Set<String> keys = from.get(part.name());
                    DcDivergence holders = keys == null ? null : holders(snapshot, dc, audited, target, keys,
                            part.name());
                    if (holders != null) {
                        out.add(holders);
                    }
                });
            }
        }
        return out;
    }

    /**
     * A {@link #TARGET_SPN} of {@code ours}: the objects of {@code part} registering {@code spn} (whole) as the audited
     * DC holds them, against those {@code dc} holds; null where they are the same.
     */
    private static DcDivergence targetSpn(Snapshot snapshot, DirectoryPart part, DcRead dc, String audited,
                                          AdObject ours, String spn) {
        String whole = Spn.wholeKeyOf(spn);
        List<AdObject> objects = snapshot.objects();
        if (snapshot.directories().size() > 1 && part.objectCount() > 0
                && part.firstObject() + part.objectCount() <= objects.size()) {
            // another domain's holder is no holder for this domain's KDC
            objects = objects.subList(part.firstObject(), part.firstObject() + part.objectCount());
        }
        List<String> here = new ArrayList<>(1);
        for (AdObject o : objects) {
            if (o != null && o.dn() != null && registers(o, whole) && !containsIgnoreCase(here, o.dn())) {
                here.add(o.dn());
            }
        }
        DcDivergence d = new DcDivergence(dc, audited, ours, TARGET_SPN, here, List.of(), null, spn);
        List<String> there = d.holdersThere().stream().map(AdObject::dn).toList();
        Set<String> a = new java.util.HashSet<>();
        here.forEach(dn -> a.add(dn.toLowerCase(Locale.ROOT)));
        Set<String> b = new java.util.HashSet<>();
        there.forEach(dn -> b.add(dn.toLowerCase(Locale.ROOT)));
        return a.equals(b) ? null : new DcDivergence(dc, audited, ours, TARGET_SPN, here, there, null, spn);
    }

    private static boolean containsIgnoreCase(List<String> list, String value) {
        return list.stream().anyMatch(value::equalsIgnoreCase);
    }

    private static List<String> pwdLastSet(AdObject o) {
        return o.pwdLastSet() == null ? List.of() : List.of(o.pwdLastSet().toString());
    }

    /**
     * Where both DCs hold the same descriptor on {@code ours} but {@code dc}'s copy of a group it names lacks members
     * the audited DC has: the checked hosts each DC's groups let it allow; null where they agree (or no group is named).
     */
    private static DcDivergence members(Snapshot snapshot, DcRead dc, String audited, AdObject ours, AdObject theirs,
                                        java.util.Collection<AdObject> checked) {
        String rbcd = "msDS-AllowedToActOnBehalfOfOtherIdentity";
        if (!ours.rbcdPresent() || !keys(rbcd, rbcdValues(ours)).equals(keys(rbcd, rbcdValues(theirs)))
                || ours.rbcdSids().stream().noneMatch(snapshot.rbcdPrincipals()::containsKey)) {
            return null;
        }
        Map<String, RbcdPrincipal> there = principalsAt(snapshot, dc);
        List<String> allowedHere = new ArrayList<>();
        List<String> allowedThere = new ArrayList<>();
        for (AdObject source : checked) {
            String sid = source.objectSid();
            if (source == ours || sid == null || allowedHere.contains(sid) || allowedThere.contains(sid)) {
                continue;
            }
            if (snapshot.rbcdAllows(ours.rbcdSids(), ours.rbcdDeniedSids(), sid)) {
                allowedHere.add(sid);
            }
            if (Snapshot.rbcdAllows(there, ours.rbcdSids(), ours.rbcdDeniedSids(), sid)) {
                allowedThere.add(sid);
            }
        }
        return allowedHere.equals(allowedThere) ? null
                : new DcDivergence(dc, audited, ours, MEMBER, allowedHere, allowedThere);
    }

    /**
     * The other objects that register an SPN of {@code ours} (the whole SPN, as the KDC compares it) on {@code dc} but
     * not on the audited DC (there absent, or without that SPN), or a {@code cifs/X} it serves through its
     * {@code HOST/X} that a pair into it asks for ({@code required}: their SPN keys; one no pair asks for breaks
     * nothing, as on the audited DC); null when there are none. With {@code sources} (the DC's directory, another than
     * that of {@code ours}) only the SPNs of {@code ours} that the pairs from there ask for count: its KDC looks no other
     * up, and one held in two domains is no duplicate to either.
     */
    private static DcDivergence holders(Snapshot snapshot, DcRead dc, String audited, AdObject ours,
                                        Set<String> required, String sources) {
        if (dc.spnHolders().isEmpty()) {
            return null;
        }
        List<String> spns = new ArrayList<>();
        List<String> dns = new ArrayList<>();
        List<String> concerned = new ArrayList<>(sources == null ? ours.spns()
                : ours.spns().stream().filter(spn -> required.contains(Spn.wholeKeyOf(spn))).toList());
        servedThroughHost(ours).stream().filter(spn -> required.contains(Spn.keyOf(spn))).forEach(concerned::add);
        for (String spn : concerned) {
            String whole = Spn.wholeKeyOf(spn);
            for (AdObject other : dc.spnHolders()) {
                if (other.dn() == null || other.spns().stream().noneMatch(x -> Spn.wholeKeyOf(x).equals(whole))) {
                    continue;
                }
                AdObject here = snapshot.objects().stream().filter(o -> other.dn().equalsIgnoreCase(o.dn()))
                        .findFirst().orElse(null);
                if (here != null && here.spns().stream().anyMatch(x -> Spn.wholeKeyOf(x).equals(whole))) {
                    continue; // the audited DC has this duplicate too: DUPLICATE_SPN
                }
                if (!spns.contains(spn)) {
                    spns.add(spn);
                }
                if (!dns.contains(other.dn())) {
                    dns.add(other.dn());
                }
            }
        }
        return spns.isEmpty() ? null : new DcDivergence(dc, audited, ours, HOLDER, spns, dns, sources, null);
    }

    /**
     * The {@code cifs/X} that {@code o} serves through a {@code HOST/X} it registers (AD's default sPNMappings) and does
     * not register itself, spelt as that {@code HOST/X} (its host as stored); empty for most objects' other services.
     */
    public static List<String> servedThroughHost(AdObject o) {
        List<String> out = new ArrayList<>(0);
        Set<String> own = new java.util.HashSet<>();
        o.spns().forEach(spn -> own.add(Spn.wholeKeyOf(spn)));
        for (String spn : o.spns()) {
            String key = Spn.wholeKeyOf(spn);
            // a two-part HOST/X only: HOST/X/domain is another SPN, which does not serve cifs/X
            if (key.startsWith("host/") && key.indexOf('/', 5) < 0) {
                String cifs = "cifs/" + spn.substring(5);
                if (!own.contains(Spn.wholeKeyOf(cifs)) && !out.contains(cifs)) {
                    out.add(cifs);
                }
            }
        }
        return out;
    }

    /** The groups as {@code dc} holds them where it was asked for them, else as the audited DC does. */
    private static Map<String, RbcdPrincipal> principalsAt(Snapshot snapshot, DcRead dc) {
        if (dc.rbcdPrincipals().isEmpty()) {
            // not read there (no group named, or a DcRead built without them): the audited DC's
            return snapshot.rbcdPrincipals();
        }
        Map<String, RbcdPrincipal> out = new java.util.HashMap<>(snapshot.rbcdPrincipals());
        // a group the audited DC has and this one lacks allows nobody there
        out.keySet().removeIf(sid -> !dc.rbcdPrincipals().containsKey(sid));
        out.putAll(dc.rbcdPrincipals());
        return out;
    }

    /**
     * Multi-valued attributes compare as sets (SPNs in normal form, case-insensitive; a registered SPN whole, its third
     * part kept, as the KDC looks it up; a delegation entry without it, as the KDC matches it).
     */
    public static Set<String> keys(String attribute, List<String> values) {
        Set<String> out = new LinkedHashSet<>();
        for (String v : values) {
            if (v != null) {
                out.add(attribute.startsWith("msDS-AllowedToDelegateTo") ? Spn.keyOf(v)
                        : attribute.equals("servicePrincipalName") ? Spn.wholeKeyOf(v) : v.toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    /** The divergences by host, for the pairs: built once per context. */
    static Map<AdObject, List<DcDivergence>> byHost(List<DcDivergence> all) {
        Map<AdObject, List<DcDivergence>> out = new java.util.IdentityHashMap<>();
        for (DcDivergence d : all) {
            out.computeIfAbsent(d.host(), k -> new ArrayList<>(1)).add(d);
        }
        return out;
    }

    /**
     * Whether this divergence breaks {@code p} on {@link #dc}: the DC lacks the source or target object, holds flags or
     * encryption types for either that the audited DC's rules would find blocking there (disabled, USE_DES_KEY_ONLY or
     * no AES: both directions; no protocol transition where the policy relies on it: the pairs from the host, as
     * {@link AuditContext#withoutProtocolTransition} says; NOT_DELEGATED, TRUSTED_FOR_DELEGATION or password flags
     * break none), lacks an entry
     * of the source the pair requires, lacks an SPN of the target the pair requires (or the {@code HOST/X} through
     * which a {@code cifs/X} is served), or lacks the RBCD the pair relies on, or refuses the source with an
     * access-denied ACE (the groups the descriptors name, read from the audited DC; {@code ctx}: the audit, whose
     * policy and rules judge the DC's flags).
     */
    boolean breaks(PairStatus p, AuditContext ctx) {
        Snapshot snapshot = ctx.snapshot();
        boolean source = p.source() == host;
        switch (attribute) {
            case OBJECT -> {
                return true;
            }
            case "msDS-SupportedEncryptionTypes" -> { // as AES_NOT_ENABLED judges the audited DC's value
                return EncryptionTypes.withoutAes(there.isEmpty() ? null : Integer.valueOf(there.get(0)));
            }
            case "userAccountControl" -> { // as ACCOUNT_DISABLED, AES_NOT_ENABLED and protocol transition judge them
                int uac = uacOf(there.get(0));
                return ctx.disabledBlocks(host, uac) || Uac.has(uac, Uac.USE_DES_KEY_ONLY)
                        || source && !p.rbcd() && ctx.withoutProtocolTransition(host, uac);
            }
            case PWD_LAST_SET -> { // one date lies before the domain's AES keys: the older one; broken where it is held
                return passwordNewerThere() == Boolean.FALSE;
            }
            case ACCOUNT_EXPIRES -> { // a node expired on that DC when the audit read: no TGT from its KDC (a file
                // server, only a target, still gets tickets issued for its services)
                java.time.Instant at = snapshot.takenAt();
                return (source || !p.fileServer()) && at != null
                        && there.stream().anyMatch(v -> !java.time.Instant.parse(v).isAfter(at));
            }
            case "msDS-AllowedToDelegateTo" -> {
                return source && !p.rbcd() && requiresAny(p, lacking(), null);
            }
            case "servicePrincipalName" -> {
                return !source && requiresAny(p, lacking(), keys(attribute, there));
            }
            case HOLDER -> { // the target's SPNs held twice there: the pairs needing them, or cifs/X through HOST/X
                return !source && requiresAny(p, keys("servicePrincipalName", here),
                        keys("servicePrincipalName", p.target().spns()));
            }
            case TARGET_SPN -> { // the pairs into the host that ask for it: refused where it is not on the host
                return !source && p.unregistered().stream().anyMatch(x -> Spn.keyOf(x).equals(Spn.keyOf(spn)));
            }
            case MEMBER -> {
                return !source && p.rbcd() && p.source().objectSid() != null
                        && lacking().contains(p.source().objectSid().toLowerCase(Locale.ROOT));
            }
            default -> { // RBCD: does the DC's copy still allow the source (itself or a group of it, no denial)?
                if (source || !p.rbcd() || p.source().objectSid() == null) {
                    return false;
                }
                List<String> allowed = new ArrayList<>(there.size());
                List<String> denied = new ArrayList<>(0);
                for (String v : there) {
                    if (v.startsWith(DENIED)) {
                        denied.add(v.substring(DENIED.length()));
                    } else {
                        allowed.add(v);
                    }
                }
                return !Snapshot.rbcdAllows(principalsAt(snapshot, dc), allowed, denied, p.source().objectSid());
            }
        }
    }

    /**
     * Whether the DC lacks an SPN the pair requires, or ({@code theirs}: the target's SPNs on that DC) the HOST/X
     * through which it serves a cifs/X it does not register itself, as the KDC resolves it.
     */
    private static boolean requiresAny(PairStatus p, Set<String> lacking, Set<String> theirs) {
        for (String spn : p.required()) {
            String key = Spn.keyOf(spn);
            String alias = Spn.hostAlias(key);
            if (lacking.contains(key) || theirs != null && alias != null && !theirs.contains(key)
                    && lacking.contains(alias)) {
                return true;
            }
        }
        return false;
    }

    private static String uac(int value) {
        return String.format(Locale.ROOT, "0x%X (%s)", value, String.join(", ", Uac.flagNames(value)));
    }

    /**
     * Whether the DCs' userAccountControl differ in NOT_DELEGATED alone. That flag stops the delegation of tickets of the
     * host's own account only; a live migration delegates the ticket of the operator who started it (or none, started
     * on the node), so no pair fails on that DC for it: the KDC refuses to delegate the credentials of an account so
     * marked, not those an account so marked holds (ADS_USER_FLAG_ENUM NOT_DELEGATED; OPERATOR_NOT_DELEGABLE judges the
     * operators').
     */
    public boolean notDelegatedAlone() {
        return attribute.equals("userAccountControl") && here.size() == 1 && there.size() == 1
                && (uacOf(here.get(0)) ^ uacOf(there.get(0))) == Uac.NOT_DELEGATED;
    }

    /** The value of a {@link #uac} text. */
    private static int uacOf(String text) {
        int space = text.indexOf(' ');
        return Integer.parseUnsignedInt(text.substring(2, space < 0 ? text.length() : space), 16);
    }
}
