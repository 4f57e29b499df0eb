package org.kcdauditor.baseline;

import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.AttributeChange;
import org.kcdauditor.model.EncryptionTypes;
import org.kcdauditor.model.HostState;
import org.kcdauditor.model.LastFound;
import org.kcdauditor.model.Spn;
import org.kcdauditor.model.Uac;
import org.kcdauditor.model.UtcTime;
import org.kcdauditor.remedy.Values;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Differences between an expected state of the nodes (the baseline, or the previous run) and the
 * snapshot. Pure. Delegation entries are compared in SPN normal form.
 */
public final class Drift {
    /**
     * SPN_REMOVED, SPN_ADDED, ENCRYPTION_CHANGED, OBJECT_REPLACED, RENAMED, PASSWORD_CHANGED, PASSWORD_SET_BACK,
     * HOLDER_REMOVED, HOLDER_ADDED and SETTING_CHANGED only against a stored run: a baseline documents no SPNs, no
     * encryption types, no objectSid, no password time, no other holders and no host settings. RBCD_REMOVED and
     * RBCD_ADDED against a baseline host only where it documents the host's grants ({@code rbcdAllowed}; a baseline
     * captured before captures recorded them does not). The names are data: findings.json's {@code changeKinds} and
     * the history store's {@code run_finding.change_kinds} (V122) carry them, so they are never renamed.
     * PASSWORD_CHANGED: a later pwdLastSet (a reset, or the computer's own change every 30 days); PASSWORD_SET_BACK: an
     * earlier one (the object restored).
     */
    public enum Kind {
        HOST_MISSING, HOST_NEW, ENTRY_REMOVED, ENTRY_ADDED, FLAGS_CHANGED, SPN_REMOVED, SPN_ADDED, ENCRYPTION_CHANGED,
        OBJECT_REPLACED, RBCD_REMOVED, RBCD_ADDED, RENAMED, PASSWORD_CHANGED, PASSWORD_SET_BACK, HOLDER_REMOVED,
        HOLDER_ADDED, SETTING_CHANGED;

        /** The rule that reports this difference against the baseline: a grant as an entry (BASELINE_ENTRY_ADDED). */
        public String baselineRule() {
            return "BASELINE_" + (this == RBCD_ADDED ? ENTRY_ADDED : this == RBCD_REMOVED ? ENTRY_REMOVED : this);
        }
    }

    /**
     * One difference.
     *
     * @param cluster        the node's cluster (for a host that is gone, the cluster still configured with it, else null)
     * @param value          the delegation entry (ENTRY_*), the SPN (SPN_*), the SID a resource-based delegation grant
     *                       allows (RBCD_*: {@code after} holds it with the name the audit knows for it); for HOST_MISSING the DN of its computer when that is still
     *                       in the directory (no longer a configured node), else null; for RENAMED the host's name in
     *                       the run compared with; the SPN another account holds too (HOLDER_*: {@code after} holds
     *                       that account's name); the setting ({@link HostState#AUTHENTICATION} …, SETTING_CHANGED)
     * @param before         flag names before (FLAGS_CHANGED); the encryption types before in words (ENCRYPTION_CHANGED);
     *                       the objectSid before (OBJECT_REPLACED); for RENAMED against a run before the previous one,
     *                       the time that run finished (null: the host was in the run compared with); pwdLastSet
     *                       before (PASSWORD_CHANGED, as {@link UtcTime#of}); the setting before (SETTING_CHANGED)
     * @param after          flag names now (FLAGS_CHANGED); the encryption types now in words (ENCRYPTION_CHANGED); the
     *                       objectSid now (OBJECT_REPLACED, RENAMED); the grant's SID with its name (RBCD_*); pwdLastSet
     *                       now (PASSWORD_CHANGED); the other holder (HOLDER_*); the setting now (SETTING_CHANGED)
     * @param delegationBits a delegation bit (TRUSTED_FOR_DELEGATION, TRUSTED_TO_AUTH_FOR_DELEGATION,
     *                       NOT_DELEGATED) changed
     * @param lastChange     the last originating write of the attribute concerned (when, at which DC, its version),
     *                       from the replication metadata; null when the directory gives none
     */
    public record Change(Kind kind, String cluster, String host, String value, List<String> before, List<String> after,
                         boolean delegationBits, AttributeChange lastChange) {
        public Change(Kind kind, String cluster, String host, String value, List<String> before, List<String> after,
                      boolean delegationBits) {
            this(kind, cluster, host, value, before, after, delegationBits, null);
        }
    }

    private static final String DELEGATE_TO = "msDS-AllowedToDelegateTo";
    private static final String SPN = "servicePrincipalName";
    private static final String ENCRYPTION_TYPES = "msDS-SupportedEncryptionTypes";
    private static final String RBCD = "msDS-AllowedToActOnBehalfOfOtherIdentity";
    private static final String PWD_LAST_SET = "pwdLastSet";
    /** How a later pwdLastSet is told: {@code HV03: computer password changed (pwdLastSet … -> …)}. */
    private static final String PASSWORD_CHANGED_WORDS = "computer password changed";
    /** The live-migration settings compared, in the order their changes are told. */
    private static final List<String> SETTINGS = List.of(HostState.AUTHENTICATION, HostState.PERFORMANCE,
            HostState.ENABLED);
    private static final int DELEGATION_BITS = Uac.TRUSTED_FOR_DELEGATION | Uac.TRUSTED_TO_AUTH_FOR_DELEGATION
            | Uac.NOT_DELEGATED;

    private Drift() {
    }

    /** The cluster nodes of the snapshot compared with: all Drift needs of an audit. */
    public interface Nodes {
        /** The computer of this name (NetBIOS, account or DNS name), or null. */
        AdObject computer(String name);

        /** The name of the cluster {@code node} belongs to, or null when it is no cluster node. */
        String clusterName(AdObject node);

        /**
         * The cluster that still names {@code name} as a node although no computer of that name was found (the cluster
         * HOST_NOT_FOUND files it under), or null.
         */
        default String missingNodeCluster(String name) {
            return null;
        }

        /** The cluster nodes, each once, in cluster order. */
        List<AdObject> nodes();

        /** Whether a host of this name may live in a directory that could not be read (then it is not "missing"). */
        default boolean mayBeUnread(String name) {
            return false;
        }

        /**
         * Whether a change of this registered SPN is told: one of a service a migration needs. Products register and
         * drop others as their services start and stop (MSSQLSvc), which would fill the timeline with noise.
         */
        default boolean migrationSpn(String spn) {
            return true;
        }

        /** {@code sid}, with the name the audit knows for it where it knows one: {@code S-1-1-0 (Everyone)}. */
        default String sidWithName(String sid) {
            return sid;
        }

        /** The last originating write of {@code attribute} on {@code node}, or null when not known. */
        default AttributeChange lastChange(AdObject node, String attribute) {
            return null;
        }

        /**
         * The accounts that are no node and register an SPN of {@code node} too (DUPLICATE_SPN), as a run records them
         * ({@link HostState#otherHolders}); null when not known (nothing is compared).
         */
        default List<HostState.OtherHolder> otherHolders(AdObject node) {
            return null;
        }

        /**
         * {@code node}'s live-migration settings as the host-settings export gives them ({@link
         * HostState#migrationSettings}); empty where it gives none (nothing is compared).
         */
        default Map<String, String> migrationSettings(AdObject node) {
            return Map.of();
        }
    }

    public static List<Change> compare(Map<String, HostState> expected, Nodes ctx) {
        return compare(expected, Map.of(), ctx);
    }

    /**
     * The same, a node that {@code expected} does not hold and whose objectSid (upper case) {@code lastFound} holds
     * under another name compared with that state: renamed while the runs in between, still naming it by its old name,
     * did not find it (RENAMED with {@link Change#before} the time of the run that last found it).
     */
    public static List<Change> compare(Map<String, HostState> expected, Map<String, LastFound> lastFound, Nodes ctx) {
        List<Change> out = new ArrayList<>();
        Set<AdObject> matched = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Map.Entry<String, HostState> e : expected.entrySet()) {
            AdObject node = ctx.computer(e.getKey());
            String cluster = node == null ? null : ctx.clusterName(node);
            if (cluster == null) {
                if (ctx.mayBeUnread(e.getKey())) {
                    continue;
                }
                // a host still configured as a node (renamed or gone, the configuration not yet following) stays
                // its cluster's, as HOST_NOT_FOUND files it: its owners hear of it
                out.add(new Change(Kind.HOST_MISSING, node == null ? ctx.missingNodeCluster(e.getKey()) : null,
                        e.getKey(), node == null ? null : node.dn(), null, null, false));
                continue;
            }
            matched.add(node);
            HostState was = e.getValue();
            // a node rebuilt and joined again under its name: another account, whatever it carries
            if (was.objectSid() != null && node.objectSid() != null
                    && !was.objectSid().equalsIgnoreCase(node.objectSid())) {
                out.add(new Change(Kind.OBJECT_REPLACED, cluster, node.name(), null, List.of(was.objectSid()),
                        List.of(node.objectSid()), false));
            }
            attributeChanges(was, node, cluster, ctx, out);
        }
        // a node renamed (its account, DNS name and SPNs) is the same account under another name: the host of the
        // previous run no longer found whose objectSid a node has now (a baseline documents no objectSid)
        Map<String, Change> goneBySid = new HashMap<>();
        for (Change c : out) {
            String sid = c.kind() == Kind.HOST_MISSING && c.value() == null ? expected.get(c.host()).objectSid() : null;
            if (sid != null) {
                goneBySid.put(sid.toUpperCase(Locale.ROOT), c);
            }
        }
        for (AdObject node : ctx.nodes()) {
            if (matched.contains(node)) {
                continue;
            }
            String cluster = ctx.clusterName(node);
            Change gone = goneBySid.isEmpty() || node.objectSid() == null ? null
                    : goneBySid.remove(node.objectSid().toUpperCase(Locale.ROOT));
            LastFound last = gone != null || node.objectSid() == null ? null
                    : lastFound.get(node.objectSid().toUpperCase(Locale.ROOT));
            if (gone != null) {
                out.remove(gone);
                out.add(new Change(Kind.RENAMED, cluster, node.name(), gone.host(), null, List.of(node.objectSid()),
                        false));
                attributeChanges(expected.get(gone.host()), node, cluster, ctx, out);
            } else if (last != null && !last.state().name().equalsIgnoreCase(node.name())) {
                out.add(new Change(Kind.RENAMED, cluster, node.name(), last.state().name(),
                        List.of(UtcTime.of(last.finishedAt())), List.of(node.objectSid()), false));
                attributeChanges(last.state(), node, cluster, ctx, out);
            } else {
                out.add(new Change(Kind.HOST_NEW, cluster, node.name(), null, null,
                        Uac.flagNames(node.userAccountControl()), false));
            }
        }
        return out;
    }

    /** What changed on {@code node} since {@code was}: entries, flags, SPNs, encryption types, RBCD grants. */
    private static void attributeChanges(HostState was, AdObject node, String cluster, Nodes ctx, List<Change> out) {
        // the same values in the same order (the common case: nothing changed since) differ in no entry; only
        // lists that differ are compared in normal form (at 20,000 hosts 1.45 million values each side)
        if (!was.delegateTo().equals(node.delegateTo())) {
            entryChanges(was.delegateTo(), node, cluster, ctx, out);
        }
        // a baseline host written without userAccountControl documents its entries only
        int uacBefore = was.userAccountControl() == null ? 0 : Uac.fromNames(was.userAccountControl());
        List<String> flagsNow = Uac.flagNames(node.userAccountControl());
        int uacNow = Uac.fromNames(flagsNow);
        if (was.userAccountControl() != null && uacBefore != uacNow) {
            out.add(new Change(Kind.FLAGS_CHANGED, cluster, node.name(), null, Uac.flagNames(uacBefore), flagsNow,
                    ((uacBefore ^ uacNow) & DELEGATION_BITS) != 0, ctx.lastChange(node, "userAccountControl")));
        }
        if (was.spns() != null && !was.spns().equals(node.spns())) {
            spnChanges(was.spns(), node, cluster, ctx, out);
        }
        int typesNow = HostState.encryptionTypes(node);
        if (was.encryptionTypes() != null && was.encryptionTypes() != typesNow) {
            out.add(new Change(Kind.ENCRYPTION_CHANGED, cluster, node.name(), null,
                    List.of(EncryptionTypes.describe(was.encryptionTypes())),
                    List.of(EncryptionTypes.describe(typesNow)), false, ctx.lastChange(node, ENCRYPTION_TYPES)));
        }
        if (was.rbcdSids() != null && !was.rbcdSids().equals(node.rbcdSids())) {
            rbcdChanges(was.rbcdSids(), node, cluster, ctx, out);
        }
        // the password (a reset, as a runbook step does, or the computer's own change, every 30 days by default);
        // pwdLastSet is itself the time of the write, which the replication metadata the audit keeps does not cover
        // AD writes it in 100 ns units, the store keeps microseconds (H2, PostgreSQL): a millisecond apart is a change
        if (was.pwdLastSet() != null && node.pwdLastSet() != null
                && java.time.Duration.between(was.pwdLastSet(), node.pwdLastSet()).abs().toMillis() >= 1) {
            out.add(new Change(node.pwdLastSet().isBefore(was.pwdLastSet()) ? Kind.PASSWORD_SET_BACK
                    : Kind.PASSWORD_CHANGED, cluster, node.name(), null, List.of(UtcTime.of(was.pwdLastSet())),
                    List.of(UtcTime.of(node.pwdLastSet())), false));
        }
        List<HostState.OtherHolder> holders = ctx.otherHolders(node);
        if (was.otherHolders() != null && holders != null) {
            holderChanges(was.otherHolders(), holders, node, cluster, out);
        }
        Map<String, String> settings = ctx.migrationSettings(node);
        for (String setting : SETTINGS) {
            String before = was.migrationSettings().get(setting);
            String now = settings.get(setting);
            if (before != null && now != null && !now.equalsIgnoreCase(before)) {
                out.add(new Change(Kind.SETTING_CHANGED, cluster, node.name(), setting, List.of(before), List.of(now),
                        false));
            }
        }
    }

    /**
     * The other holders of {@code node}'s SPNs, as a set of SPN and holder (case, and an SPN's trailing dot, aside):
     * HOLDER_REMOVED for each pair only in {@code was}, HOLDER_ADDED for each only in {@code now}.
     */
    private static void holderChanges(List<HostState.OtherHolder> was, List<HostState.OtherHolder> now, AdObject node,
                                      String cluster, List<Change> out) {
        Map<String, HostState.OtherHolder> before = holdersKeyed(was);
        Map<String, HostState.OtherHolder> after = holdersKeyed(now);
        before.forEach((key, h) -> {
            if (!after.containsKey(key)) {
                out.add(new Change(Kind.HOLDER_REMOVED, cluster, node.name(), h.spn(), null, List.of(h.holder()),
                        false));
            }
        });
        after.forEach((key, h) -> {
            if (!before.containsKey(key)) {
                out.add(new Change(Kind.HOLDER_ADDED, cluster, node.name(), h.spn(), null, List.of(h.holder()), false));
            }
        });
    }

    private static Map<String, HostState.OtherHolder> holdersKeyed(List<HostState.OtherHolder> holders) {
        Map<String, HostState.OtherHolder> out = new LinkedHashMap<>();
        for (HostState.OtherHolder h : holders) {
            out.putIfAbsent(Spn.wholeKeyOf(h.spn()) + "\n" + h.holder().toLowerCase(Locale.ROOT), h);
        }
        return out;
    }

    /**
     * The resource-based delegation grants of {@code hosts} (the file servers that are no node: targets the audit
     * reads, of which nothing else is compared) against {@code before}, their grants by name (as stored: matched in any
     * case, {@link Spn#fold}): RBCD_REMOVED and RBCD_ADDED, each with the host's {@code cluster}. A host without an
     * entry in {@code before} (not audited then) has none.
     */
    public static List<Change> grantChanges(Map<String, List<String>> before, List<AdObject> hosts,
                                            java.util.function.Function<AdObject, String> cluster, Nodes ctx) {
        Map<String, List<String>> byName = new java.util.HashMap<>();
        before.forEach((name, sids) -> byName.putIfAbsent(Spn.fold(name), sids));
        List<Change> out = new ArrayList<>();
        for (AdObject host : hosts) {
            List<String> was = host.name() == null ? null : byName.get(Spn.fold(host.name()));
            if (was != null && !was.equals(host.rbcdSids())) {
                rbcdChanges(was, host, cluster.apply(host), ctx, out);
            }
        }
        return out;
    }

    /** Delegation entries compare in SPN normal form (the third part dropped, as the KDC matches an entry). */
    private static void entryChanges(List<String> was, AdObject node, String cluster, Nodes ctx, List<Change> out) {
        changes(keyed(was, Spn::keyOf, v -> true), keyed(node.delegateTo(), Spn::keyOf, v -> true), Kind.ENTRY_REMOVED,
                Kind.ENTRY_ADDED, ctx.lastChange(node, DELEGATE_TO), v -> null, node, cluster, out);
    }

    /**
     * SPNs compare whole (the KDC looks a registration up with its third part), case and a trailing dot aside; only
     * those of the services a migration needs ({@link Nodes#migrationSpn}).
     */
    private static void spnChanges(List<String> was, AdObject node, String cluster, Nodes ctx, List<Change> out) {
        changes(keyed(was, Spn::wholeKeyOf, ctx::migrationSpn), keyed(node.spns(), Spn::wholeKeyOf, ctx::migrationSpn),
                Kind.SPN_REMOVED, Kind.SPN_ADDED, ctx.lastChange(node, SPN), v -> null, node, cluster, out);
    }

    /**
     * The SIDs msDS-AllowedToActOnBehalfOfOtherIdentity allows compare as a set (the order of the descriptor's entries
     * gives the KDC no other answer), case aside.
     */
    private static void rbcdChanges(List<String> was, AdObject node, String cluster, Nodes ctx, List<Change> out) {
        Map<String, String> before = keyed(was, v -> v.toUpperCase(Locale.ROOT), v -> true);
        Map<String, String> now = keyed(node.rbcdSids(), v -> v.toUpperCase(Locale.ROOT), v -> true);
        changes(before, now, Kind.RBCD_REMOVED, Kind.RBCD_ADDED, ctx.lastChange(node, RBCD),
                sid -> List.of(ctx.sidWithName(sid)), node, cluster, out);
    }

    /**
     * A {@code removed} change per value of {@code before} not in {@code now}, then an {@code added} one per new, each
     * with {@code after} of its value as {@link Change#after}.
     */
    private static void changes(Map<String, String> before, Map<String, String> now, Kind removed, Kind added,
                                AttributeChange last, java.util.function.Function<String, List<String>> after,
                                AdObject node, String cluster, List<Change> out) {
        before.forEach((key, value) -> {
            if (!now.containsKey(key)) {
                out.add(new Change(removed, cluster, node.name(), value, null, after.apply(value), false, last));
            }
        });
        now.forEach((key, value) -> {
            if (!before.containsKey(key)) {
                out.add(new Change(added, cluster, node.name(), value, null, after.apply(value), false, last));
            }
        });
    }

    /** The values {@code keep} accepts by {@code key}, the first spelling of each kept. */
    private static Map<String, String> keyed(List<String> values, java.util.function.UnaryOperator<String> key,
                                             java.util.function.Predicate<String> keep) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String v : values) {
            if (v != null && keep.test(v)) {
                out.putIfAbsent(key.apply(v), v);
            }
        }
        return out;
    }

    /**
     * A short line for the console and CHANGED_SINCE_LAST_RUN messages; where the directory says when and where
     * the attribute was last written, with {@code — changed 2026-11-30 14:02:11 UTC at DC2 (version 7)}. A person
     * reads it beside the values it may imitate, so the host, each entry and SPN ({@link Values#visibleSpn}) and a
     * grant's principal ({@link Values#visibleAccount}) read by their code where they hold a letter of another script
     * or a character that shows as nothing: {@code cifs/hv05.c\u043Entoso.com}, not the real entry's look-alike.
     */
    public static String describe(Change c) {
        String what = Values.visibleAccount(c.host()) + ": " + describeWhat(c);
        return c.lastChange() == null ? what : what + " — " + c.lastChange().describe();
    }

    private static String describeWhat(Change c) {
        return switch (c.kind()) {
            case HOST_MISSING -> missing(c);
            case HOST_NEW -> "new node (" + String.join(", ", c.after()) + ")";
            case ENTRY_REMOVED -> "delegation entry removed: " + Values.visibleSpn(c.value());
            case ENTRY_ADDED -> "delegation entry added: " + Values.visibleSpn(c.value());
            case FLAGS_CHANGED -> "userAccountControl " + flagDelta(c.before(), c.after());
            case SPN_REMOVED -> "SPN removed: " + Values.visibleSpn(c.value());
            case SPN_ADDED -> "SPN added: " + Values.visibleSpn(c.value());
            case ENCRYPTION_CHANGED -> ENCRYPTION_TYPES + " " + c.before().get(0) + " -> " + c.after().get(0);
            case RBCD_REMOVED -> "resource-based delegation grant removed: " + Values.visibleAccount(c.after().get(0));
            case RBCD_ADDED -> "resource-based delegation grant added: " + Values.visibleAccount(c.after().get(0));
            case RENAMED -> "renamed from " + Values.visibleAccount(c.value()) + " (the same computer object, objectSid "
                    + c.after().get(0) + (c.before() == null ? ")" : "; compared with the run of " + c.before().get(0)
                    + ", the last that found " + Values.visibleAccount(c.value()) + ")");
            case OBJECT_REPLACED -> "computer object replaced (objectSid " + c.before().get(0) + " -> "
                    + c.after().get(0) + "): a new account; grants naming the old SID (resource-based delegation, ACLs)"
                    + " do not reach it";
            // "changed", not "reset": the computer's own change every 30 days and a reset look the same; an earlier
            // time than before: the computer object restored (an authoritative restore, a snapshot)
            case PASSWORD_CHANGED -> PASSWORD_CHANGED_WORDS + " (" + PWD_LAST_SET + " " + c.before().get(0) + " -> "
                    + c.after().get(0) + ")";
            case PASSWORD_SET_BACK -> "computer password set back (" + PWD_LAST_SET + " " + c.before().get(0) + " -> "
                    + c.after().get(0) + ")";
            case HOLDER_REMOVED -> Values.visibleAccount(c.after().get(0)) + " no longer holds "
                    + Values.visibleSpn(c.value()) + " (a duplicate of " + Values.visibleAccount(c.host()) + "'s SPN)";
            case HOLDER_ADDED -> Values.visibleAccount(c.after().get(0)) + " now also holds "
                    + Values.visibleSpn(c.value()) + " (a duplicate of " + Values.visibleAccount(c.host()) + "'s SPN)";
            case SETTING_CHANGED -> setting(c.value()) + " " + settingValue(c.value(), c.before().get(0)) + " -> "
                    + settingValue(c.value(), c.after().get(0)) + " (Get-VMHost export)";
        };
    }

    /** A live-migration setting in words: "live migration authentication". */
    private static String setting(String name) {
        return switch (name) {
            case HostState.AUTHENTICATION -> "live migration authentication";
            case HostState.PERFORMANCE -> "live migration performance option";
            case HostState.ENABLED -> "live migration";
            default -> name;
        };
    }

    /** A setting's value in words: VirtualMachineMigrationEnabled's "enabled" or "disabled", the others as recorded. */
    private static String settingValue(String name, String value) {
        return !HostState.ENABLED.equals(name) ? Values.visibleAccount(value)
                : "True".equalsIgnoreCase(value) ? "enabled" : "disabled";
    }

    /**
     * HOST_MISSING {@code c} in words where its computer is found under another name: {@code now}, holding the
     * objectSid the host had (the node renamed, the configuration still naming it by its old name, as HOST_NOT_FOUND
     * says), not a host gone: "HV03: renamed to HV05 (the same computer object, objectSid …), not found under its old
     * name".
     */
    public static String describeRenamedTo(Change c, String now, String objectSid) {
        return Values.visibleAccount(c.host()) + ": " + renamedTo(now, objectSid) + ", not found under its old name";
    }

    /**
     * A host's computer found under another name, as the timeline (CHANGED_SINCE_LAST_RUN) and BASELINE_HOST_MISSING
     * say it: "renamed to HV05 (the same computer object, objectSid …)".
     */
    public static String renamedTo(String now, String objectSid) {
        return "renamed to " + Values.visibleAccount(now) + " (the same computer object, objectSid " + objectSid + ")";
    }

    /** Why a host is no cluster node any more: its computer is gone, or it is no longer configured as a node. */
    private static String missing(Change c) {
        return c.value() == null ? "host no longer found in the directory (under directory.baseDn)"
                : "no longer a node of a configured cluster (its computer is still in the directory)";
    }

    static String flagDelta(List<String> before, List<String> after) {
        Set<String> removed = new LinkedHashSet<>(before);
        removed.removeAll(after);
        Set<String> added = new LinkedHashSet<>(after);
        added.removeAll(before);
        List<String> parts = new ArrayList<>();
        added.forEach(a -> parts.add("+" + a));
        removed.forEach(r -> parts.add("-" + r));
        return String.join(" ", parts).toLowerCase(Locale.ROOT).isEmpty() ? "changed" : String.join(" ", parts);
    }
}
