package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.config.ProtocolTransition;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.HostState;
import org.kcdauditor.model.Uac;

import java.util.ArrayList;
import java.util.List;

/**
 * The protocol a node is to delegate with once it leaves unconstrained delegation ({@code protocolTransition}: 'Use any
 * authentication protocol'), and why ({@code basis}, said in the remedy). A policy of {@code any} or
 * {@code kerberos-only} decides, as PROTOCOL_TRANSITION_MISMATCH demands it; under {@code either}, what the baseline
 * documents for the node (so the change also sets back its BASELINE_FLAGS_CHANGED), else what all its peers that
 * delegate constrained use (so the cluster follows one choice), else Microsoft's recommendation.
 */
public record ProtocolChoice(boolean protocolTransition, String basis) {
    /** Peers named in the basis; more are counted. */
    private static final int NAMED = 3;

    /** The choice for {@code node} in this audit. */
    static ProtocolChoice of(AuditContext ctx, AdObject node) {
        ProtocolTransition policy = ctx.policy().protocolTransition();
        if (policy != ProtocolTransition.EITHER) {
            return byPolicy(policy, node.name());
        }
        HostState documented = ctx.inputs().baseline() == null ? null : ctx.inputs().baseline().host(node.name());
        if (documented != null && documented.userAccountControl() != null) {
            int uac = Uac.fromNames(documented.userAccountControl());
            // a baseline documenting unconstrained delegation says nothing of the protocol after it
            if (!Uac.has(uac, Uac.TRUSTED_FOR_DELEGATION)) {
                return new ProtocolChoice(Uac.has(uac, Uac.TRUSTED_TO_AUTH_FOR_DELEGATION), "as the baseline documents"
                        + " for " + node.name());
            }
        }
        // the peers that delegate constrained: one that does not delegate, or unconstrained, made no choice
        List<String> names = new ArrayList<>();
        Boolean shared = null;
        for (AdObject peer : ctx.peersOf(node)) {
            int uac = peer.userAccountControl();
            if (peer.delegateTo().isEmpty() || Uac.has(uac, Uac.TRUSTED_FOR_DELEGATION)) {
                continue;
            }
            boolean transition = Uac.has(uac, Uac.TRUSTED_TO_AUTH_FOR_DELEGATION);
            if (shared != null && shared != transition) {
                return byPolicy(policy, node.name());
            }
            shared = transition;
            names.add(peer.name());
        }
        if (shared == null) {
            return byPolicy(policy, node.name());
        }
        String cluster = ctx.clusterOf(node).name();
        return new ProtocolChoice(shared, names.size() == 1 ? "as its peer " + names.get(0) + " in " + cluster
                + " uses it" : names.size() <= NAMED ? "as its peers " + String.join(", ", names.subList(0,
                names.size() - 1)) + " and " + names.get(names.size() - 1) + " in " + cluster + " all use it"
                : "as all " + names.size() + " of its peers in " + cluster + " that delegate use it");
    }

    /**
     * The policy's choice: {@code any} and {@code kerberos-only} their own, {@code either} Microsoft's recommendation
     * (also for a findings.json written before actions said why, which tells neither baseline nor peers).
     */
    public static ProtocolChoice byPolicy(ProtocolTransition policy, String host) {
        return switch (policy == null ? ProtocolTransition.EITHER : policy) {
            case ANY -> new ProtocolChoice(true, "policy \"any\"");
            case KERBEROS_ONLY -> new ProtocolChoice(false, "policy \"kerberos-only\"");
            case EITHER -> new ProtocolChoice(true, "policy \"either\": neither a baseline nor " + host + "'s peers"
                    + " settle it; Microsoft's recommendation since Windows Server 2016");
        };
    }
}
