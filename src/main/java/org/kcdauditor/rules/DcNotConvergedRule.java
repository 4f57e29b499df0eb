package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.DcDivergence;
import org.kcdauditor.audit.PairStatus;
import org.kcdauditor.audit.ResolvedCluster;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.AttributeChange;
import org.kcdauditor.model.DirectoryPart;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.RbcdPrincipal;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.remedy.Commands;
import org.kcdauditor.remedy.Values;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * DC_NOT_CONVERGED: another domain controller of the domain holds different delegation attributes for a node than
 * the DC the audit read ({@code preflight --all-dcs}). A change takes effect where the hosts' DCs have it: until
 * replication has converged, hosts that authenticate against that DC still fail. One finding per DC, host and
 * attribute, with the values on both sides ({@link DcDivergence}) and the pairs the difference blocks there.
 */
public final class DcNotConvergedRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("DC_NOT_CONVERGED", Severity.HIGH, Category.REPLICATION,
            "A domain controller has not replicated a host's delegation yet",
            "`preflight --all-dcs`: a domain controller holds another `msDS-AllowedToDelegateTo`,"
                    + " `userAccountControl`, `servicePrincipalName`, `msDS-AllowedToActOnBehalfOfOtherIdentity`,"
                    + " `msDS-SupportedEncryptionTypes` or `accountExpires` for a node than the DC the audit read (or not the node at all),"
                    + " or a `pwdLastSet` on the other side of the domain's AES keys (no AES keys there yet),"
                    + " or lacks a membership of a group the node's RBCD allows (`member`), or has another object"
                    + " registering a node's SPN, or a `cifs/X` a pair needs that the node serves through its `HOST/X`"
                    + " (`servicePrincipalName holder`; across domains, on a DC of a pair's source's domain, whose KDC"
                    + " finds it first) — one finding per DC, host and"
                    + " attribute; or holds an SPN the pairs into a node or file server need, which the DC the audit"
                    + " read does not register on it (TARGET_SPN_NOT_REGISTERED there), on other objects than that DC"
                    + " (`target servicePrincipalName`, one finding per DC, host and SPN, `evidence.spn`, the holders'"
                    + " DNs on each DC as `expected` and `actual`, those of the other DC as `holders`: registered on"
                    + " the host there, it has not replicated to the DC the audit read yet, replicated from there);"
                    + " the same for the user or managed service account a file server's `cifs` SPNs are"
                    + " keyed on (whose keys each DC's KDC issues their tickets in), which blocks the pairs into that"
                    + " file server; blocks the pairs the difference breaks there, the DC's flags and encryption"
                    + " types judged as the DC the audit read's are (disabled, `USE_DES_KEY_ONLY`, no AES: both"
                    + " directions; no protocol transition under policy `any`: the pairs from the host); MEDIUM where"
                    + " it blocks none (NOT_DELEGATED alone, another value those rules let through, an expiry still"
                    + " ahead, a file server's own account where that service account's keys encrypt every ticket"
                    + " into it); charged to the cluster whose pairs it blocks (the host's own where it blocks some of"
                    + " its pairs or none, else the source cluster of those it blocks: a lag on a target's RBCD that"
                    + " allows only another cluster's nodes; blocking pairs of several other clusters, one finding of"
                    + " each, with its own pairs)",
            "A host asks the KDC of its own site's DC for tickets. A delegation change made on one DC takes effect"
                    + " there only after replication (other sites: at the next scheduled replication, by default"
                    + " every 180 minutes), so a GO given right after the change can be followed by failed"
                    + " migrations from hosts whose DC has not replicated yet.",
            "Microsoft Learn: repadmin /syncall, repadmin /showrepl; Active Directory replication concepts");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    /**
     * The SPNs a divergence is about, which a pair may need only because its source migrates over SMB ({@link
     * Rules#smbWhy}): the SPN of a {@link DcDivergence#TARGET_SPN}, the target's SPNs held by another object there
     * ({@link DcDivergence#HOLDER}), the SPNs or entries the DC lacks; none for the other attributes.
     */
    private static java.util.Collection<String> spnsOf(DcDivergence d) {
        return switch (d.attribute()) {
            case DcDivergence.TARGET_SPN -> List.of(d.spn());
            case DcDivergence.HOLDER -> d.here();
            case "servicePrincipalName", "msDS-AllowedToDelegateTo" -> d.lacking();
            default -> List.of();
        };
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        for (DcDivergence d : ctx.dcDivergences()) {
            AdObject node = d.host();
            String dc = d.dc().name();
            // the other DC holds the newer write: the audited DC has not received it, not the other way round
            AttributeChange newer = d.newerThere(ctx.snapshot().changes());
            AttributeChange ours = newer == null ? null : AttributeChange.of(ctx.snapshot().changes()
                    .get(node.dn().toLowerCase(Locale.ROOT)), d.attribute());
            AdObject keyed = keyedThere(ctx, d);
            String message = d.attribute().equals(DcDivergence.OBJECT)
                    ? dc + " does not hold " + node.name() + " at all, which " + d.audited()
                    + " (the DC the audit read) does: the " + (node.isComputer() ? "computer object" : "account")
                    + " has not replicated there yet."
                    : d.attribute().equals(DcDivergence.MEMBER) ? members(ctx, d)
                    : d.attribute().equals(DcDivergence.PWD_LAST_SET) ? passwords(d, ctx.aesKeysSince(node))
                    : d.attribute().equals(DcDivergence.TARGET_SPN) ? targetSpn(d)
                    : d.attribute().equals(DcDivergence.HOLDER) ? keyed != null ? keying(d)
                    : holders(d, sourcesDomain(ctx, d))
                    : describe(dc, d.audited(), node.name(), d.attribute(), d.here(), d.there(),
                    sid -> ctx.sidWithName(sid, RbcdPrincipal::displayName), newer != null)
                    + (newer == null ? "" : " " + dc + " holds the newer write (" + newer.describe() + ", against"
                    + " version " + ours.version() + " on " + d.audited() + "): " + d.audited()
                    + " has not received it yet, so the audit judged the values it replaces.");
            // the account a file server's cifs SPNs are keyed on: the pairs into the file servers it serves
            List<AdObject> servedBy = keyedFileServers(ctx, node);
            if (!servedBy.isEmpty()) {
                message = Values.visibleAccount(node.name()) + " is the account " + String.join(", ", servedBy.stream()
                        .map(AdObject::name).toList()) + "'s cifs SPNs are keyed on: each DC's KDC issues their"
                        + " tickets in its keys as that DC holds it (MS-KILE 3.3.5.1.1; MS-SFU 3.2.5.2). " + message
                        + heldThere(d);
            }
            // charged as the other pair rules are, to the cluster of the pairs it blocks (their source's): the host's
            // own where it blocks some of its pairs (as its own AES finding is) or none (MEDIUM), else the cluster
            // whose pairs it blocks, or, blocking pairs of several other clusters (a lag on a target's RBCD that allows
            // the nodes of two other clusters), one finding of each, with its own pairs
            String own = EncryptionRules.cluster(ctx, node);
            boolean perCluster = ctx.reportedPerCluster(d);
            List<PairStatus> all = new ArrayList<>();
            for (List<PairStatus> list : List.of(ctx.pairsFrom(node), servedBy.isEmpty() ? ctx.pairsTo(node)
                    : ctx.pairsKeyedOn(node))) {
                for (PairStatus p : list) {
                    if (p.blockers().contains(d.blocker(perCluster ? p.cluster() : null))) {
                        all.add(p);
                    }
                }
            }
            java.util.Map<String, List<PairStatus>> byCluster = new java.util.LinkedHashMap<>();
            all.forEach(p -> byCluster.computeIfAbsent(p.cluster(), k -> new ArrayList<>()).add(p));
            if (!perCluster) { // one finding, with every pair it blocks
                String cluster = byCluster.isEmpty() || byCluster.containsKey(own) ? own
                        : byCluster.keySet().iterator().next();
                byCluster.clear();
                byCluster.put(cluster, all);
            }
            for (var charged : byCluster.entrySet()) {
                String cluster = charged.getKey();
                List<PairStatus> blockedPairs = charged.getValue();
                List<Evidence.PairRef> pairs = blockedPairs.stream()
                        .map(p -> new Evidence.PairRef(p.source().name(), p.target().name())).toList();
                List<String> others = byCluster.keySet().stream().filter(c -> !java.util.Objects.equals(c, cluster))
                        .toList();
                emit(ctx, out, d, cluster, perCluster ? cluster : null, pairs, blockedPairs, others, message, newer,
                        ours, keyed);
            }
        }
    }

    /**
     * The finding of {@code d} charged to {@code cluster}, with the pairs that the difference blocks ({@code idCluster}:
     * the cluster its id names, {@link DcDivergence#idFor}; {@code others}: the other clusters whose pairs it blocks,
     * each with its own finding).
     */
    private static void emit(AuditContext ctx, FindingSink out, DcDivergence d, String cluster, String idCluster,
                             List<Evidence.PairRef> pairs, List<PairStatus> blockedPairs, List<String> others,
                             String message, AttributeChange newer, AttributeChange ours, AdObject keyed) {
        AdObject node = d.host();
        String dc = d.dc().name();
        // a file server whose every ticket is issued in its service accounts' keys: its own account's difference
        // blocks no pair (keyedElsewhere says why)
        boolean unused = !EncryptionRules.unused(ctx, node, EncryptionRules.keyedPairs(ctx, node)).isEmpty();
        boolean targetSpn = d.attribute().equals(DcDivergence.TARGET_SPN);
        String blocked = pairs.isEmpty() ? "" : (pairs.size() == 1 ? "the pair " + pairs.get(0).from() + " -> "
                + pairs.get(0).to() : pairs.size() + " directed pairs") + " cannot migrate.";
        // a difference that blocks no pair on that DC (NOT_DELEGATED alone, an expiry still ahead, a file server's
        // own account whose keys no ticket uses) is MEDIUM, as the file server's own AES_NOT_ENABLED is
        // (EncryptionRules#severity): the verdict counts the same findings as the pairs it blocks
        out.add(INFO).cluster(cluster).host(node.name())
                .severity(pairs.isEmpty() ? Severity.MEDIUM : INFO.severity())
                .idSpn(d.idFor(idCluster))
                .evidence(Evidence.builder().dc(dc).auditedDc(d.audited()).attribute(d.attribute())
                        .spn(d.spn()).holders(targetSpn ? Rules.holders(d.holdersThere(), d.spn()) : null)
                        .expected(d.here()).actual(d.there()).pairs(pairs).lastChange(newer).build())
                .message(message + (blocked.isEmpty() ? "" : targetSpn ? " Until every DC resolves it to "
                        + node.name() + " alone, " + blocked : " On " + dc + ", " + blocked)
                        + Rules.smbWhy(ctx, blockedPairs, spnsOf(d))
                        + (!d.notDelegatedAlone() ? ""
                        : " The difference is NOT_DELEGATED alone, which stops only the delegation of tickets of "
                        + node.name() + "'s own account: the moves operators start delegate their own tickets, so"
                        + " no pair fails on " + dc + " for it.") + (unused ? keyedElsewhere(ctx, node, dc)
                        : pairs.isEmpty() && judged(d) ? " No pair fails on " + dc + " for this difference." : "")
                        + (others.isEmpty() ? "" : " The same difference blocks pairs of " + String.join(", ",
                        others) + ", each cluster's finding listing its own."))
                .action(keyed != null ? new Action.Manual("If " + node.name() + "'s SMB service is being keyed on "
                        + d.there().get(0) + " (ktpass -mapuser, a NAS's service account setting), keep the SPNs"
                        + " there: " + bring(d, "them") + " (or wait for replication), then run the audit and the"
                        + " preflight with --all-dcs again, which read " + node.name() + " as keyed on it. If not: "
                        + takeOff(d, auditedReadOnly(ctx, d), null).what())
                        : targetSpn ? targetSpnFix(d)
                        : d.attribute().equals(DcDivergence.HOLDER)
                        ? takeOff(d, auditedReadOnly(ctx, d), sourcesDomain(ctx, d))
                        : Boolean.TRUE.equals(d.passwordNewerThere())
                        ? new Action.Manual("The new password was set on or through " + dc + " and has not reached "
                        + d.audited() + ", the DC the audit read: " + bring(d, "it") + ", then run the audit and"
                        + " the preflight with --all-dcs again.", List.of(fromThere(d)))
                        : newer != null
                        ? new Action.Manual("The change " + (d.dc().readOnly() ? "has reached " + dc + ", a read-only"
                        + " DC, but not " : "was made on or through " + dc + " and has not reached ") + d.audited()
                        + ", the DC the audit read: " + bring(d, "it") + " (or, if it was not intended, revert it"
                        + (!d.dc().readOnly() ? " there" : newer.dc() == null || newer.dc().isBlank()
                        ? " on a writable DC" : " on the DC it was made on (" + newer.dc() + ")") + " first),"
                        + " then run the audit and the preflight with --all-dcs again, which judge the values it"
                        + " leaves.", List.of(fromThere(d)))
                        : new Action.Manual("Wait for replication, or " + (auditedReadOnly(ctx, d) ? "have " + dc
                        + " pull it now (" + d.audited() + " is a read-only DC, which pushes nothing)" : "push it now")
                        + ", and run the preflight with --all-dcs again before patching: hosts that authenticate"
                        + " against " + dc + " still see the old values.", List.of(new Action.Replicate(
                        d.audited(), dc, auditedReadOnly(ctx, d)))))
                .emit();
    }

    /**
     * Whether the DC's value is judged by the audited DC's rules and may break no pair: its flags (NOT_DELEGATED alone
     * said otherwise) or its encryption types.
     */
    private static boolean judged(DcDivergence d) {
        return d.attribute().equals("msDS-SupportedEncryptionTypes")
                || d.attribute().equals("userAccountControl") && !d.notDelegatedAlone();
    }

    /**
     * For a file server no pair into which uses its own keys ({@link EncryptionRules#unused}), a difference of its own
     * computer account: " NAS01's cifs SPNs are keyed on svc-nas: dc2's KDC issues the tickets into NAS01 in that
     * account's keys, as dc2 holds it, so no pair into NAS01 fails on dc2 for this difference."
     */
    private static String keyedElsewhere(AuditContext ctx, AdObject node, String dc) {
        java.util.Map<String, AdObject> held = ctx.serviceAccounts().get(node);
        List<String> accounts = held.values().stream().map(a -> Values.visibleAccount(a.name())).distinct().toList();
        return " " + node.name() + "'s cifs SPNs are keyed on " + String.join(", ", accounts) + ": " + dc + "'s KDC"
                + " issues the tickets into " + node.name() + " in " + (accounts.size() == 1 ? "that account's" : "their")
                + " keys, as " + dc + " holds " + (accounts.size() == 1 ? "it" : "them") + ", so no pair into "
                + node.name() + " fails on " + dc + " for this difference.";
    }

    /** The file servers whose cifs SPNs {@code o} is the account keyed on ({@link AuditContext#serviceAccounts}). */
    private static List<AdObject> keyedFileServers(AuditContext ctx, AdObject o) {
        List<AdObject> out = new ArrayList<>(0);
        for (ResolvedCluster c : ctx.clusters()) {
            for (AdObject fs : c.fileServers()) {
                if (!out.contains(fs) && ctx.serviceAccounts().getOrDefault(fs, java.util.Map.of()).containsValue(o)) {
                    out.add(fs);
                }
            }
        }
        return out;
    }

    /**
     * For a keyed account's servicePrincipalName lacking SPNs on the DC: " On dc2 they are registered on CN=NAS01,…:
     * its KDC issues their tickets in that account's keys, which the file server's keytab, made for svc-nas, does not
     * hold." (or on no account: its KDC finds no service), from that DC's copy of the checked objects and the other
     * holders it gave; the same for all its SPNs ("its SPNs (…)") where the DC does not hold the account at all; else
     * empty.
     */
    private static String heldThere(DcDivergence d) {
        boolean object = d.attribute().equals(DcDivergence.OBJECT);
        Set<String> lacking = object ? DcDivergence.keys("servicePrincipalName", d.host().spns())
                : d.attribute().equals("servicePrincipalName") ? d.lacking() : Set.of();
        if (lacking.isEmpty()) {
            return "";
        }
        List<String> holders = new ArrayList<>();
        for (List<AdObject> list : List.of(d.dc().objects(), d.dc().spnHolders())) {
            for (AdObject o : list) {
                if (o.dn() != null && !o.dn().equalsIgnoreCase(d.host().dn()) && !holders.contains(o.dn())
                        && !java.util.Collections.disjoint(DcDivergence.keys("servicePrincipalName", o.spns()), lacking)) {
                    holders.add(o.dn());
                }
            }
        }
        String dc = d.dc().name();
        String spns = object ? "its SPNs (" + Values.visibleSpns(d.host().spns(), ", ") + ")" : null;
        return holders.isEmpty() ? " On " + dc + " no account registers " + (object ? spns : "them") + ": its KDC finds"
                + " no such service there." : " On " + dc + " " + (object ? spns : "they") + " are registered on " + String.join(", ", holders.stream()
                .map(Values::visibleAccount).toList()) + ": its KDC issues their tickets in "
                + (holders.size() == 1 ? "that account's keys" : "none of them (two holders)") + ", which a keytab made"
                + " for " + Values.visibleAccount(d.host().name()) + " cannot read.";
    }

    /**
     * The replication that brings what {@code d}'s DC holds to the audited DC: a push from that DC, or, from a read-only
     * one (which replicates inbound only), the audited DC's pull from its partners.
     */
    private static Action.Replicate fromThere(DcDivergence d) {
        return new Action.Replicate(d.dc().name(), d.audited(), d.dc().readOnly());
    }

    /** {@link #fromThere} in words: "push it from dc2", or "have dc1 pull it from its partners". */
    private static String bring(DcDivergence d, String what) {
        return d.dc().readOnly() ? "have " + d.audited() + " pull " + what + " from its replication partners ("
                + d.dc().name() + " is read-only and pushes nothing)" : "push " + what + " from " + d.dc().name();
    }

    /** Whether the DC the audit read is a read-only DC, as the DC check found it. */
    private static boolean auditedReadOnly(AuditContext ctx, DcDivergence d) {
        return ctx.snapshot().directories().stream().filter(p -> p.domainControllers().contains(d.dc()))
                .flatMap(p -> p.domainControllers().stream()).anyMatch(x -> x.audited() && x.readOnly());
    }

    /**
     * The fix of a duplicate made on another DC: take the SPN off the other object there (replicating would spread the
     * duplicate to the audited DC), or on the audited DC once it has arrived, unless that one is read-only (it takes no
     * write).
     */
    private static Action.Manual takeOff(DcDivergence d, boolean auditedReadOnly, String across) {
        String dc = d.dc().name();
        List<String> served = DcDivergence.servedThroughHost(d.host());
        // the DN and the SPN as that object stores them (case, a trailing dot) are typed from what it shows: a value
        // read from the directory is not put into a command here
        // a read-only DC takes no write: the duplicate reached it from a writable DC, where it is taken off
        boolean readOnly = d.dc().readOnly();
        String command = "Set-ADObject" + Commands.forServer(readOnly ? null : dc).serverArgument()
                + " -Identity '<its DN>' -Remove @{servicePrincipalName='<the SPN as it stores it>'}";
        return new Action.Manual("Take " + String.join(", ", d.here()) + " off " + String.join(", ", d.there())
                + (readOnly ? " on the writable DC " + dc + " replicated it from (" + dc + " is read-only and takes no"
                + " write; " + (Commands.showRepl(dc) == null ? "its inbound replication" : Commands.showRepl(dc))
                + " names its source)" : " on " + dc + ", where it was registered")
                + " (" + command + ")" + (auditedReadOnly ? "" : ", or once it has replicated to " + d.audited()
                + ", there (setspn -D)") + "; do not push replication first, which spreads it."
                + " Then check with " + check(d.here().stream().filter(spn -> !served.contains(spn)).toList(),
                d.here().stream().filter(served::contains).toList(), across) + ", and run the preflight with --all-dcs again"
                + " before patching.");
    }

    /**
     * For a {@link DcDivergence#HOLDER} of a configured file server's domain: the one enabled user or managed service
     * account that registers, on that DC only, {@code cifs} SPNs the file server serves through its {@code HOST} SPNs
     * (a NAS being keyed on it with ktpass -mapuser), which the audit reads, once replicated, as the account the file
     * server is keyed on ({@link AuditContext#keyedAccount}), not as a holder breaking it; else null.
     */
    private static AdObject keyedThere(AuditContext ctx, DcDivergence d) {
        ResolvedCluster c = ctx.clusterOfHost(d.host());
        if (!d.attribute().equals(DcDivergence.HOLDER) || d.sources() != null || c == null
                || !c.fileServers().contains(d.host()) || d.there().size() != 1
                || !DcDivergence.servedThroughHost(d.host()).containsAll(d.here())) {
            return null;
        }
        AdObject holder = d.dc().spnHolders().stream().filter(o -> d.there().get(0).equalsIgnoreCase(o.dn()))
                .findFirst().orElse(null);
        return holder == null || holder.disabled() || !EncryptionRules.keyed(ctx, holder) ? null : holder;
    }

    /**
     * A {@link DcDivergence#TARGET_SPN} in words: who holds the SPN on each DC, and what each DC's KDC does with it.
     * Held on the host on the other DC only, it was registered there and has not replicated to the DC the audit read.
     */
    private static String targetSpn(DcDivergence d) {
        String dc = d.dc().name();
        String host = d.host().name();
        String spn = d.spn();
        List<String> others = d.there().stream().filter(dn -> !dn.equalsIgnoreCase(d.host().dn())).toList();
        String here = d.here().isEmpty() ? null : String.join(", ", d.here());
        if (d.onHostThere()) {
            String lead = dc + " holds " + spn + " on " + host + (others.isEmpty() ? "" : " and also on "
                    + String.join(", ", others)) + ", which " + d.audited() + " (the DC the audit read) does not have"
                    + " yet" + (here == null ? "" : " (it holds it on " + here + ")") + ": it was registered on or"
                    + " through " + dc + " and has not replicated to " + d.audited() + ".";
            if (!others.isEmpty()) {
                return lead + " " + dc + "'s KDC refuses tickets for an SPN two objects hold (KDC event 11), and "
                        + d.audited() + "'s will too once it replicates; take it off the other object on " + dc
                        + " (see the remediation) before replication spreads it.";
            }
            return lead + " Until it does, " + d.audited() + "'s KDC " + (here == null ? "finds no account for it and"
                    + " refuses the S4U2proxy ticket the pairs into " + host + " ask for (KDC_ERR_S_PRINCIPAL_UNKNOWN)"
                    : "finds it on " + here + " and issues the ticket in that account's keys, which " + host
                    + " cannot read") + ", so hosts that authenticate against " + d.audited() + " cannot migrate to "
                    + host + ": TARGET_SPN_NOT_REGISTERED tells " + d.audited() + "'s copy, and the SPN need not be"
                    + " registered again.";
        }
        String lead = spn + ", which the pairs into " + host + " ask for, is registered on " + host + " on neither DC: "
                + "on " + d.audited() + " (the DC the audit read) " + (here == null ? "no account registers it"
                : "it is registered on " + here) + ", ";
        if (others.isEmpty()) {
            String served = d.servedThereThroughHost();
            return lead + "on " + dc + " no account registers it: " + (served != null ? "its KDC serves it through "
                    + served + " of " + host + " (sPNMappings), as " + d.audited() + "'s will once it is off " + here
                    + " there too (taken off it on " + dc + " and not replicated yet, or registered on " + d.audited()
                    + " and not replicated to " + dc + ")" : "its KDC finds no account for it"
                    + " (KDC_ERR_S_PRINCIPAL_UNKNOWN): it was taken off " + here + " there and that has not replicated"
                    + " yet, or its registration on " + d.audited() + " has not reached " + dc) + ".";
        }
        return lead + "on " + dc + " it is registered on " + String.join(", ", others) + ", which " + d.audited()
                + " does not have yet: " + dc + "'s KDC " + (others.size() == 1 ? "issues the ticket in that account's"
                + " keys, which " + host + " cannot read" : "refuses it (two holders, KDC event 11)") + ", as "
                + d.audited() + "'s will once it replicates.";
    }

    /**
     * The fix of a {@link DcDivergence#TARGET_SPN}: on the host on the other DC, bring it to the DC the audit read
     * (repadmin /syncall from there, then purge the tickets); held by another object there, take it off that object
     * there first (replicating would spread it), then register it on the host; held nowhere there, register it on the
     * host once the removal has replicated.
     */
    private static Action.Manual targetSpnFix(DcDivergence d) {
        String dc = d.dc().name();
        String host = d.host().name();
        List<String> others = d.there().stream().filter(dn -> !dn.equalsIgnoreCase(d.host().dn())).toList();
        Action.Replicate replicate = fromThere(d);
        if (d.onHostThere() && others.isEmpty()) {
            return new Action.Manual(capitalised(bring(d, "it")) + " (or wait for replication), purge the hosts'"
                    + " tickets (" + Commands.PURGE_TICKETS + ") and run the preflight with --all-dcs again: "
                    + d.audited() + " then holds " + d.spn() + " on " + host + " as " + dc + " does; do not register it"
                    + " again.", List.of(replicate));
        }
        if (others.isEmpty() && d.servedThereThroughHost() != null) {
            return new Action.Manual("If " + d.spn() + " was taken off " + String.join(", ", d.here()) + " on " + dc
                    + ", " + bring(d, "the removal") + "; else take it off " + String.join(", ", d.here()) + " (setspn"
                    + " -D). " + host + "'s own " + d.servedThereThroughHost() + " then serves it (sPNMappings),"
                    + " nothing needs registering. Then purge the hosts' tickets (" + Commands.PURGE_TICKETS + ") and"
                    + " run the preflight with --all-dcs again.", List.of(replicate));
        }
        if (others.isEmpty()) {
            return new Action.Manual("If " + d.spn() + " was taken off " + String.join(", ", d.here()) + " on " + dc
                    + ", " + bring(d, "the removal") + " and register it on " + host + " once it is off every DC (a"
                    + " DC refuses it while another account holds it); else take it off there and register it on "
                    + host + ". Then purge the hosts' tickets (" + Commands.PURGE_TICKETS + ") and run the preflight"
                    + " with --all-dcs again.", List.of(replicate, new Action.RegisterSpn(host, d.spn())));
        }
        boolean readOnly = d.dc().readOnly();
        String command = "Set-ADObject" + Commands.forServer(readOnly ? null : dc).serverArgument()
                + " -Identity '<its DN>' -Remove @{servicePrincipalName='<the SPN as it stores it>'}";
        return new Action.Manual("Decide which account runs the service (" + host + " if it is the host named in the"
                + " SPN). If it is " + String.join(", ", others) + " (a NAS keyed on a service account), " + bring(d,
                "it") + ". If not, take " + d.spn() + " off " + String.join(", ", others) + (readOnly
                ? " on the writable DC " + dc + " replicated it from (" + dc + " is read-only and takes no write)"
                : " on " + dc + ", where it was registered") + " (" + command + "); do not push replication first,"
                + " which spreads it." + (d.onHostThere() ? "" : " Then register it on " + host + " (setspn -S).")
                + " Then run the preflight with --all-dcs again before patching.");
    }

    private static String capitalised(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** A {@link #keyedThere} holder in words: the KDC issues the tickets in its keys, right only for a keyed NAS. */
    private static String keying(DcDivergence d) {
        String dc = d.dc().name();
        String host = d.host().name();
        return dc + " holds " + String.join(", ", d.here()) + ", which " + host + " serves through " + String.join(", ",
                d.here().stream().map(spn -> "HOST/" + spn.substring(5)).toList()) + ", on " + d.there().get(0)
                + ", which " + d.audited() + " (the DC the audit read) does not have yet: " + dc + "'s KDC issues their"
                + " tickets in the keys of " + d.there().get(0) + ", as " + d.audited() + "'s will once it replicates,"
                + " and the audit then reads " + host + " as keyed on that account (a file server keyed on a service"
                + " account). That is right only if " + host + "'s SMB service is being keyed on it (ktpass -mapuser);"
                + " else " + host + " cannot read those tickets.";
    }

    /**
     * The DNS domain of the DC of a {@link DcDivergence#HOLDER} in another domain than its host's (that of the sources
     * whose KDC finds it), or null.
     */
    private static String sourcesDomain(AuditContext ctx, DcDivergence d) {
        DirectoryPart part = d.sources() == null ? null : ctx.directory(d.sources());
        return part == null ? null : AuditContext.dnsDomain(part.baseDn());
    }

    /**
     * Another object registering the host's SPNs on that DC only, in words: a duplicate of an SPN the host registers, or
     * a {@code cifs/X} it serves through its {@code HOST/X}, which that DC's KDC resolves to the other object;
     * {@code across}: the DC's domain where it is not the host's (that of sources across domains), else null.
     */
    private static String holders(DcDivergence d, String across) {
        String dc = d.dc().name();
        List<String> served = DcDivergence.servedThroughHost(d.host());
        List<String> own = d.here().stream().filter(spn -> !served.contains(spn)).toList();
        List<String> aliased = d.here().stream().filter(served::contains).toList();
        String on = String.join(", ", d.there()) + (across == null ? "" : ", in " + across) + ", which " + d.audited()
                + " (the DC the audit read) does not have yet: " + dc + "'s KDC" + (across == null ? ""
                : ", which the sources in " + across + " ask,");
        List<String> parts = new ArrayList<>();
        if (!own.isEmpty()) {
            // across domains the DC holds no host of the other domain: the SPN is on the other account only
            parts.add(dc + " holds " + String.join(", ", own) + (across == null ? " of " + d.host().name()
                    + " also on " : (own.size() == 1 ? ", an SPN " : ", SPNs ") + d.host().name()
                    + " registers in its own domain, on ") + on
                    + (across == null ? " refuses tickets for an SPN two objects hold (KDC event 11), and "
                    + d.audited() + " will too once it replicates"
                    : " finds that account in its own domain and refers them nowhere (MS-KILE 3.3.5.1.1): it refuses the"
                    + " ticket (KDC_ERR_BADOPTION) or issues it in that account's key, which " + d.host().name()
                    + " cannot decrypt (KRB_AP_ERR_MODIFIED), as " + d.audited() + " will once it replicates"
                    + " (DUPLICATE_SPN)"));
        }
        if (!aliased.isEmpty()) {
            parts.add(dc + " holds " + String.join(", ", aliased) + ", which " + d.host().name() + " serves through "
                    + String.join(", ", aliased.stream().map(spn -> "HOST/" + spn.substring(5)).toList()) + ", on " + on
                    + " looks the exact SPN up" + (across == null ? "" : " in its own domain") + " before it applies"
                    + " sPNMappings and issues the ticket in that account's key, which " + d.host().name()
                    + " cannot read, as " + d.audited() + " will once it replicates (TARGET_SPN_NOT_REGISTERED)");
        }
        return String.join("; ", parts) + "; take the SPN off the other object on " + dc + " (see the remediation),"
                + " then check with " + check(own, aliased, across) + ".";
    }

    /**
     * How to see that the other holders are gone: setspn -X lists duplicates, setspn -Q who holds a cifs/X, and
     * setspn -F -Q who holds an SPN anywhere in the forest, for a holder in another domain than the host's, which
     * setspn -X, looking in one domain, does not list ({@code across}: that domain) (no value read from the directory
     * is put into the command).
     */
    private static String check(List<String> own, List<String> aliased, String across) {
        return across != null ? "setspn -F -Q on " + (own.size() + aliased.size() == 1 ? "the SPN" : "each SPN")
                + ", which must name no account in " + across
                : !aliased.isEmpty() && !own.isEmpty() ? "setspn -X and setspn -Q on each SPN"
                : aliased.isEmpty() ? "setspn -X" : "setspn -Q on the SPN, which must name no other account";
    }

    /**
     * A password set after the domain's AES keys on one DC and before them on the other, in words: the DC holding the
     * older one has no AES keys for the account yet.
     */
    private static String passwords(DcDivergence d, java.time.Instant aesKeysSince) {
        String dc = d.dc().name();
        java.util.function.Function<List<String>, String> when = v -> {
            if (v.isEmpty()) {
                return "no value";
            }
            boolean old = aesKeysSince != null && java.time.Instant.parse(v.get(0)).isBefore(aesKeysSince);
            return v.get(0) + (old ? ", before the domain had AES keys (" + aesKeysSince.toString().substring(0, 10)
                    + ")" : "");
        };
        boolean lacking = !d.there().isEmpty() && aesKeysSince != null
                && java.time.Instant.parse(d.there().get(0)).isBefore(aesKeysSince);
        String without = lacking ? dc : d.audited();
        return dc + " and " + d.audited() + " (the DC the audit read) disagree on " + d.host().name() + "'s pwdLastSet: "
                + d.audited() + " holds " + when.apply(d.here()) + ", " + dc + " " + when.apply(d.there()) + ": "
                + without + " holds no AES keys for " + d.host().name() + " yet (AD derives them when the password is"
                + " set, on the DC that takes it), so its KDC cannot issue the AES tickets " + d.host().name()
                + "'s pairs need until the new password has replicated there.";
    }

    /** A group membership behind the target's resource-based delegation that the DC lacks, in words. */
    private static String members(AuditContext ctx, DcDivergence d) {
        java.util.function.Function<String, String> name = sid -> {
            AdObject o = ctx.bySid(sid);
            return o != null ? o.name() : sid;
        };
        Set<String> there = new java.util.HashSet<>(d.there());
        List<String> lacking = d.here().stream().filter(sid -> !there.contains(sid)).map(name).toList();
        List<String> groups = d.host().rbcdSids().stream().filter(ctx.snapshot().rbcdPrincipals()::containsKey)
                .map(sid -> ctx.snapshot().rbcdPrincipals().get(sid).displayName()).toList();
        String dc = d.dc().name();
        if (lacking.isEmpty()) { // the other way round: a membership removed on the audited DC, still there
            Set<String> here = new java.util.HashSet<>(d.here());
            List<String> extra = d.there().stream().filter(sid -> !here.contains(sid)).map(name).toList();
            return dc + " still counts " + String.join(", ", extra) + " among the members of " + String.join(", ",
                    groups) + ", which " + d.host().name() + "'s resource-based delegation allows, unlike "
                    + d.audited() + " (the DC the audit read): the removal has not replicated yet.";
        }
        return dc + " does not yet count " + String.join(", ", lacking) + " among the members of " + String.join(", ",
                groups) + ", which " + d.host().name() + "'s resource-based delegation allows, as " + d.audited()
                + " (the DC the audit read) does: a TGT " + dc + " issues " + (lacking.size() == 1 ? "it" : "them")
                + " lacks the group, so the KDC refuses the delegation there; the membership has not replicated yet.";
    }

    /**
     * The difference in words; {@code shown} names a value of msDS-AllowedToActOnBehalfOfOtherIdentity (a SID).
     *
     * @param newerThere whether {@code dc} holds the newer write: its values are not "still" there but new
     */
    static String describe(String dc, String audited, String host, String attribute, List<String> here,
                           List<String> there, java.util.function.UnaryOperator<String> shown, boolean newerThere) {
        String lead = dc + " and " + audited + " (the DC the audit read) disagree on " + host + "'s " + attribute + ": ";
        if (attribute.equals(DcDivergence.ACCOUNT_EXPIRES)) {
            return lead + audited + " holds " + (here.isEmpty() ? "never" : String.join(", ", here)) + ", " + dc + " "
                    + (there.isEmpty() ? "never" : String.join(", ", there)) + ".";
        }
        if (attribute.equals("userAccountControl")) {
            return lead + audited + " holds " + shown(here) + ", " + dc + " " + shown(there) + ".";
        }
        if (attribute.equals("msDS-SupportedEncryptionTypes")) { // in words, as AES_NOT_ENABLED names them
            return lead + audited + " holds " + encryptionTypes(here) + ", " + dc + " " + encryptionTypes(there) + ".";
        }
        boolean sids = attribute.equals("msDS-AllowedToActOnBehalfOfOtherIdentity");
        java.util.function.UnaryOperator<String> value = v -> !sids ? v : v.startsWith(DcDivergence.DENIED)
                ? "an access-denied entry for " + shown.apply(v.substring(DcDivergence.DENIED.length()))
                : shown.apply(v);
        List<String> lacks = difference(attribute, here, there).stream().map(value).toList();
        List<String> extra = difference(attribute, there, here).stream().map(value).toList();
        List<String> parts = new ArrayList<>();
        if (!lacks.isEmpty()) {
            parts.add(dc + " lacks " + String.join(", ", lacks));
        }
        if (!extra.isEmpty()) {
            parts.add(dc + (newerThere ? " holds " : " still holds ") + String.join(", ", extra));
        }
        return lead + String.join("; ", parts) + ".";
    }

    private static List<String> difference(String attribute, List<String> a, List<String> b) {
        Set<String> other = DcDivergence.keys(attribute, b);
        List<String> out = new ArrayList<>();
        for (String v : a) {
            if (v != null && !other.contains(DcDivergence.keys(attribute, List.of(v)).iterator().next())) {
                out.add(v);
            }
        }
        return out;
    }

    private static String encryptionTypes(List<String> values) {
        return values.isEmpty() ? "no value" : org.kcdauditor.model.EncryptionTypes.describe(Integer.valueOf(values.get(0)));
    }

    private static String shown(List<String> values) {
        return values.isEmpty() ? "no value" : String.join(", ", values);
    }
}
