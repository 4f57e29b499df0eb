package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.baseline.Waiver;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Spn;

/** What the waiver rules (WAIVER_EXPIRED, WAIVER_TOO_LONG, WAIVER_UNUSED) say of a waiver: where it applies and what it waives. */
final class WaiverFindings {
    /** The rules' metadata (a waiver's rule id is the catalogue's spelling, BaselineFile sees to it). */
    private static final RuleCatalogue RULES = RuleCatalogue.standard();

    private WaiverFindings() {
    }

    /**
     * A finding of {@code info} on waiver {@code w}: its cluster (its host's, a node's or a file server's), host, peer,
     * SPN and the waiver as evidence.
     */
    static FindingSink.Draft on(AuditContext ctx, FindingSink out, RuleInfo info, Waiver w) {
        AdObject host = ctx.computer(w.host());
        // a file server's cluster too, as the findings it waives have it (AES_NOT_ENABLED on a filer)
        var cluster = host == null ? null : ctx.clusterOfHost(host);
        // the id covers the waived rule too (two waivers of one host differ by rule); the SPN column stays an SPN
        return out.add(info).cluster(cluster == null ? null : cluster.name()).host(w.host()).peer(w.peer())
                .spn(w.spn()).idSpn(w.rule() + "|" + (w.spn() == null ? "" : w.spn()))
                .evidence(Evidence.builder().waivedRule(w.rule()).spn(w.spn()).expires(w.expires())
                        .justification(w.justification()).build());
    }

    /**
     * What tells waivers apart for their findings: the waived rule, host, peer and SPN, in any case (the parts of a
     * waiver finding's id). Waivers with the same key are one waiver written again, renewed or copied.
     */
    static String key(Waiver w) {
        // the SPN in its normal form, as a waiver finding's id and Waiver.matches take it (cifs/HV03 = cifs/hv03.)
        // the host and peer as Waiver.matches compares them (HV04$ = hv04)
        return (w.rule() + "|" + Waiver.nameKey(w.host()) + "|" + (w.peer() == null ? null : Waiver.nameKey(w.peer()))
                + "|" + (w.spn() == null ? "" : Spn.keyOf(w.spn()))).toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Whether the run looked for every finding of the waived rule, so that their absence says something: not so for a
     * rule of the event, patch or host-settings exports when no such export is configured or a file of that kind could
     * not be used (the finding may be in it), nor for the domain controllers' rules (DC_NOT_CONVERGED, DC_UNREACHABLE)
     * when no other DC was read (they come from {@code preflight --all-dcs}).
     */
    static boolean inputsRead(AuditContext ctx, Waiver w) {
        Category c = RULES.find(w.rule()).map(RuleInfo::category).orElse(null);
        org.kcdauditor.audit.AuditInputs in = ctx.inputs();
        java.util.Set<String> unusable = in.unusableInputs();
        return c == null ? true : switch (c) {
            case EVENTS -> in.eventsConfigured() && !unusable.contains("events");
            case PATCHES -> in.patchesConfigured() && !unusable.contains("patches");
            case HOSTS -> in.hostSettingsConfigured() && !unusable.contains("hostSettings");
            case REPLICATION -> ctx.snapshot().directories().stream().anyMatch(part -> part.domainControllers()
                    .stream().anyMatch(dc -> !dc.audited()));
            default -> true;
        };
    }

    /** "The waiver for RULE on HOST -> PEER", the start of each waiver finding's message. */
    static String subject(Waiver w) {
        return "The waiver for " + w.rule() + " on " + w.host() + (w.peer() == null ? "" : " -> " + w.peer());
    }
}
