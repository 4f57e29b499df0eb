package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.Blocker;
import org.kcdauditor.config.ProtocolTransition;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.Uac;
import org.kcdauditor.remedy.Action;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PROTOCOL_TRANSITION_MISMATCH: TRUSTED_TO_AUTH_FOR_DELEGATION differs from the policy; under
 * {@code either}, a Kerberos-only node on Windows Server 2016 or later gets an INFO advisory. Under {@code any} a node
 * without it blocks its pairs ({@link AuditContext#withoutProtocolTransition}).
 */
public final class ProtocolTransitionMismatchRule implements Rule {
    static final RuleInfo INFO = new RuleInfo(Blocker.PROTOCOL_TRANSITION_MISMATCH, Severity.MEDIUM, Category.DELEGATION,
            "Protocol transition differs from the policy",
            "policy `any` and TRUSTED_TO_AUTH_FOR_DELEGATION (`0x1000000`) is off (blocks the node's pairs but those"
                    + " the target's RBCD covers: the KDC refuses S4U2proxy on its non-forwardable S4U2self ticket; not"
                    + " for a node without msDS-AllowedToDelegateTo whose every pair RBCD covers), or"
                    + " `kerberos-only` and it is on; under `either`, a Kerberos-only node on Windows Server 2016+ gets"
                    + " an INFO advisory",
            "From Windows Server 2016 Hyper-V remote management runs over WinRM as NETWORK SERVICE, so"
                    + " Microsoft's guidance is 'Use any authentication protocol' (protocol transition); older"
                    + " guidance says 'Use Kerberos only'. Hosts of one cluster should follow one documented choice."
                    + " Without protocol transition the KDC's S4U2self ticket is not forwardable and S4U2proxy for"
                    + " constrained delegation is refused: a move started over WinRM or Windows Admin Center, which"
                    + " policy 'any' stands for, fails.",
            "ADS_USER_FLAG_ENUM TRUSTED_TO_AUTH_FOR_DELEGATION 0x1000000; MS-SFU 3.2.5.1.2, 3.2.5.2.1; Microsoft"
                    + " Learn: Set up hosts for live migration without Failover Clustering; Virtualization blog, Feb"
                    + " 2017");

    /** Windows Server 2016 is NT 10.0 build 14393. */
    static final int WS2016_BUILD = 14393;
    private static final Pattern BUILD = Pattern.compile("\\((\\d+)\\)");
    private static final String ANY = "'Use any authentication protocol'";
    private static final String KERBEROS = "'Use Kerberos only'";

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        ProtocolTransition policy = ctx.policy().protocolTransition();
        // the flags' names by userAccountControl: the nodes share a few values, each finding its value's one list
        Map<Integer, List<String>> flagNames = new HashMap<>();
        for (AdObject node : ctx.nodes()) {
            int uac = node.userAccountControl();
            // an unconstrained node is UNCONSTRAINED_DELEGATION's, unless policy any blocks its pairs (it has entries
            // and no protocol transition: its S4U2self ticket is not forwardable either): then its blocker is this
            if (ctx.peersOf(node).isEmpty()
                    || Uac.has(uac, Uac.TRUSTED_FOR_DELEGATION) && !ctx.withoutProtocolTransition(node)) {
                continue;
            }
            boolean transition = Uac.has(uac, Uac.TRUSTED_TO_AUTH_FOR_DELEGATION);
            String name = node.name();
            // the draft and its evidence only for a node the policy reports: nearly every node passes
            if (policy == ProtocolTransition.ANY && !transition) {
                List<Evidence.PairRef> pairs = blockedPairs(ctx, node);
                // a node with no list of its own that delegates only through its peers' RBCD: the KDC takes the
                // non-forwardable ticket there, nothing is refused, and the flag would serve no pair
                if (pairs.isEmpty() && node.delegateTo().isEmpty()) {
                    continue;
                }
                draft(ctx, out, node).evidence(evidence(flagNames, uac, transition).expected(List.of("any")).pairs(pairs)
                                .build())
                        .message(name + (Uac.has(uac, Uac.TRUSTED_FOR_DELEGATION) ? " is trusted for unconstrained delegation and"
                                + " has delegation entries, without protocol transition,"
                                : node.delegateTo().isEmpty() ? " is not trusted for delegation ('Do not trust this"
                                + " computer for delegation')" : " uses " + KERBEROS)
                                + " but the policy demands " + ANY + ": for a move"
                                + " started the way the policy assumes (WinRM, Windows Admin Center) the KDC's S4U2self"
                                + " ticket is not forwardable and S4U2proxy is refused" + EncryptionRules.breaks(pairs)
                                + ".")
                        // a writable DC's delegation is not changed: the Hyper-V role leaves it (UNCONSTRAINED_DELEGATION)
                        .action(Uac.has(uac, Uac.SERVER_TRUST_ACCOUNT) ? new Action.Manual("Move the virtual machines"
                                + " and the Hyper-V role of " + name + " to a member server (or demote " + name + ") and"
                                + " take it out of clusters[]; leave a domain controller's delegation as it is.")
                                : new Action.SetProtocolTransition(name, true)).emit();
            } else if (policy == ProtocolTransition.KERBEROS_ONLY && transition) {
                draft(ctx, out, node).evidence(evidence(flagNames, uac, transition).expected(List.of("kerberos-only"))
                                .build())
                        .message(name + " uses " + ANY + " but the policy demands " + KERBEROS + ".")
                        .action(new Action.SetProtocolTransition(name, false)).emit();
            } else if (policy == ProtocolTransition.EITHER && !transition && !node.delegateTo().isEmpty()
                    && isServer2016OrLater(node)) {
                draft(ctx, out, node).severity(Severity.INFO)
                        .evidence(evidence(flagNames, uac, transition).expected(List.of("any", "kerberos-only"))
                                .operatingSystem(node.operatingSystem()).build())
                        .message(name + " (" + node.operatingSystem() + ") delegates with " + KERBEROS + "; on"
                                + " Windows Server 2016 and later Microsoft recommends " + ANY + ".")
                        .action(new Action.Manual("Consider protocol transition if migrations are started remotely"
                                + " (Hyper-V Manager, WinRM):", List.of(new Action.SetProtocolTransition(name, true))))
                        .emit();
            }
        }
    }

    private static FindingSink.Draft draft(AuditContext ctx, FindingSink out, AdObject node) {
        return out.add(INFO).cluster(ctx.clusterOf(node).name()).host(node.name());
    }

    /** What every finding of the rule shows: the node's userAccountControl and its protocol transition. */
    private static Evidence.Builder evidence(Map<Integer, List<String>> flagNames, int uac, boolean transition) {
        return Evidence.builder().attribute("userAccountControl").userAccountControl(uac)
                .uacBits(flagNames.computeIfAbsent(uac, u -> List.copyOf(Uac.flagNames(u))))
                .actual(List.of(transition ? "any" : "kerberos-only"));
    }

    /** The pairs from {@code node} its missing protocol transition blocks (those RBCD covers are served). */
    private static List<Evidence.PairRef> blockedPairs(AuditContext ctx, AdObject node) {
        List<Evidence.PairRef> out = new java.util.ArrayList<>();
        for (var p : ctx.pairsFrom(node)) {
            if (p.blockers().stream().anyMatch(b -> b.rule().equals(Blocker.PROTOCOL_TRANSITION_MISMATCH))) {
                out.add(new Evidence.PairRef(p.source().name(), p.target().name()));
            }
        }
        return out;
    }

    static boolean isServer2016OrLater(AdObject node) {
        String v = node.operatingSystemVersion();
        if (v != null) {
            Matcher m = BUILD.matcher(v);
            if (m.find()) {
                return Integer.parseInt(m.group(1)) >= WS2016_BUILD;
            }
        }
        String os = node.operatingSystem();
        return os != null && os.contains("Server") && os.matches(".*\\b20(1[6-9]|[2-9]\\d)\\b.*");
    }
}
