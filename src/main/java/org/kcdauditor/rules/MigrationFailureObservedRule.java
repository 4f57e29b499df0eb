package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.PairStatus;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.EventRecord;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * MIGRATION_FAILURE_OBSERVED: the event logs show live migrations failing between two nodes. The
 * finding lists the delegation findings that explain the failure, or says delegation looks correct.
 */
public final class MigrationFailureObservedRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("MIGRATION_FAILURE_OBSERVED", Severity.HIGH, "events",
            "Live migration failures were logged between two nodes",
            "Events 21502/22038 show the failure users see. Tied to the delegation state of the pair they"
                    + " either confirm a delegation gap or point elsewhere (network, storage, CredSSP).",
            "Microsoft-Windows-Hyper-V-High-Availability events 21502, 22038; HRESULT 0x8009030E, 0x80090303");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        Map<String, List<EventRecord>> byPair = new LinkedHashMap<>();
        Map<String, AdObject[]> pairOf = new LinkedHashMap<>();
        for (EventRecord e : ctx.inputs().events()) {
            AdObject source = e.sourceHost() == null ? null : ctx.computer(e.sourceHost());
            AdObject target = e.destinationHost() == null ? null : ctx.computer(e.destinationHost());
            if (source == null || ctx.clusterOf(source) == null) {
                continue;
            }
            String key = source.name() + "|" + (target == null ? "" : target.name());
            byPair.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
            pairOf.put(key, new AdObject[]{source, target});
        }
        byPair.forEach((key, events) -> {
            AdObject source = pairOf.get(key)[0];
            AdObject target = pairOf.get(key)[1];
            Instant last = events.stream().map(EventRecord::timeCreated).filter(t -> t != null)
                    .max(Instant::compareTo).orElse(null);
            Set<String> kinds = new LinkedHashSet<>();
            events.forEach(e -> kinds.add(e.classification() + (e.hresult() == null ? "" : " " + e.hresult())));
            String observed = events.size() + " failed migration event" + (events.size() == 1 ? "" : "s") + " "
                    + source.name() + " -> " + (target == null ? "(destination not named)" : target.name())
                    + (last == null ? "" : ", last " + last.truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
                    + " [" + String.join(", ", kinds) + "]";
            List<String> explained = explanation(ctx, source, target);
            String message;
            String remediation;
            if (explained.isEmpty()) {
                message = observed + "; delegation looks correct: check network, storage, CredSSP/authentication type.";
                remediation = "Check Get-VMHost " + source.name() + " | fl VirtualMachineMigrationAuthenticationType"
                        + " (Kerberos), the migration networks, and the storage path of the VM.";
            } else {
                message = observed + "; explained by: " + String.join("; ", explained) + ".";
                remediation = "Fix the listed delegation findings, replicate, purge tickets on " + source.name()
                        + " (klist -li 0x3e7 purge), then retry the migration.";
            }
            out.add(INFO, ctx.clusterOf(source).name(), source.name(), target == null ? null : target.name(), null,
                    message, remediation);
        });
    }

    /** The delegation findings (rule, SPN, finding id) that explain failures source → target. */
    private static List<String> explanation(AuditContext ctx, AdObject source, AdObject target) {
        List<String> out = new ArrayList<>();
        List<PairStatus> pairs = new ArrayList<>();
        for (PairStatus p : ctx.pairsFrom(source)) {
            if (target == null || p.target() == target) {
                pairs.add(p);
            }
        }
        for (PairStatus p : pairs) {
            for (String spn : p.missing()) {
                out.add("MISSING_DELEGATION " + spn + " #" + Finding.stableId("MISSING_DELEGATION", source.name(),
                        p.target().name(), spn));
            }
            for (String spn : p.unregistered()) {
                out.add("TARGET_SPN_NOT_REGISTERED " + spn);
            }
        }
        if (target != null && pairs.isEmpty()) {
            out.add(target.name() + " is not a configured peer of " + source.name());
        }
        return out.size() > 12 ? List.of(out.size() + " delegation findings, first: " + out.get(0)) : out;
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
