package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.PairStatus;
import org.kcdauditor.audit.PreviousRun;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.AttributeChange;
import org.kcdauditor.model.EventRecord;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.UtcTime;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.remedy.Commands;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * MIGRATION_FAILURE_OBSERVED: the event logs show live migrations failing between two nodes. The
 * finding names the delegation findings that explain the failure, by id, or says delegation looks correct. Where a
 * waiver accepts some of those findings, its action names them apart: they keep the pair failing, so the failure is
 * waived as well or that waiver ended ({@link WaivedCauses}).
 */
public final class MigrationFailureObservedRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("MIGRATION_FAILURE_OBSERVED", Severity.HIGH, Category.EVENTS,
            "Live migration failures were logged between two nodes",
            "migration events (21502/22038 and others) show failing migrations between two nodes; names the"
                    + " findings that explain them by id, or, by HRESULT, what else to check",
            "Events 21502/22038 (and 20413, 21125, 21501, 20306, 21024) show the failure users see. Their HRESULT"
                    + " says whether Kerberos failed (0x8009030E, 0x8009030D, 0x80090322, 0x80090303), which delegation"
                    + " can explain, or something else: network and ports 6600/3343, memory, a logon right, an attached"
                    + " ISO, the cluster.",
            "Microsoft Learn: Troubleshoot live migration issues; Microsoft-Windows-Hyper-V-High-Availability events"
                    + " 21502, 22038 (also in Microsoft-Windows-Hyper-V-VMMS-Admin)");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    /** It tells whether the findings a failure follows from are waived: it reads them from the sink. */
    @Override
    public boolean readsFindings() {
        return true;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        WaivedCauses waivedCauses = new WaivedCauses(ctx, out);
        Map<String, List<EventRecord>> byPair = new LinkedHashMap<>();
        Map<String, AdObject[]> pairOf = new LinkedHashMap<>();
        // a destination the event names that is no computer of the directory (removed or renamed since, or outside
        // it), as the first event names it
        Map<String, String> absentOf = new LinkedHashMap<>();
        for (EventRecord e : ctx.inputs().events()) {
            AdObject source = e.sourceHost() == null ? null : ctx.computer(e.sourceHost());
            AdObject target = e.destinationHost() == null ? null : ctx.computer(e.destinationHost());
            if (source == null || ctx.clusterOf(source) == null) {
                continue;
            }
            String absent = target == null ? e.destinationHost() : null;
            String key = source.name() + "|" + (target != null ? target.name()
                    : absent == null ? "" : "?" + absent.toLowerCase(java.util.Locale.ROOT));
            byPair.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
            pairOf.put(key, new AdObject[]{source, target});
            absentOf.putIfAbsent(key, absent);
        }
        byPair.forEach((key, events) -> {
            AdObject source = pairOf.get(key)[0];
            AdObject target = pairOf.get(key)[1];
            String absent = absentOf.get(key);
            Instant last = events.stream().map(EventRecord::timeCreated).filter(Objects::nonNull)
                    .max(Instant::compareTo).map(t -> t.truncatedTo(ChronoUnit.SECONDS)).orElse(null);
            Set<String> kinds = new LinkedHashSet<>();
            Set<Integer> ids = new LinkedHashSet<>();
            events.forEach(e -> {
                kinds.add(e.classification().name() + (e.hresult() == null ? "" : " " + e.hresult()));
                ids.add(e.eventId());
            });
            List<PairStatus> pairs = new ArrayList<>();
            for (PairStatus p : absent != null ? List.<PairStatus>of() : ctx.pairsFrom(source)) {
                if ((target == null || p.target() == target) && !p.ok()) {
                    pairs.add(p);
                }
            }
            boolean peer = target == null || ctx.pairsFrom(source).stream().anyMatch(p -> p.target() == target);
            Related causes = Related.of(pairs);
            if (peer && target != null && causes.isEmpty() && superseded(ctx, events, source, target)) {
                return;
            }
            String observed = events.size() + " failed migration event" + (events.size() == 1 ? "" : "s") + " "
                    + source.name() + " -> " + (target != null ? target.name() : absent != null ? absent
                    : "(destination not named)")
                    + (last == null ? "" : ", last " + UtcTime.of(last)) + " [" + String.join(", ", kinds) + "]";
            String message;
            Action action;
            boolean kerberos = events.stream().anyMatch(e -> e.classification().delegationCanExplain());
            Set<String> checks = new LinkedHashSet<>();
            events.stream().filter(e -> !e.classification().delegationCanExplain())
                    .forEach(e -> checks.add(e.classification().check()));
            if (absent != null) {
                message = observed + "; " + absent + " is not in the directory (no computer of that name under"
                        + " directory.baseDn): removed or renamed since, or outside the audited directory, so no"
                        + " delegation finding of this audit can explain it.";
                action = new Action.Manual("Find out which host '" + absent + "' is: if VMs migrate to it, add it (or"
                        + " its directory) to the configuration and re-run the audit; if it is gone, remove the"
                        + " export that predates its removal from events.sources.");
            } else if (!peer) {
                message = observed + "; " + target.name() + " is not a configured peer of " + source.name() + ".";
                action = new Action.Manual("Add " + target.name() + " to the cluster's configuration (or"
                        + " policy.migrationGroups) if VMs migrate between them, then re-run the audit.");
            } else if (!causes.isEmpty() && kerberos) {
                message = observed + PreviousRun.EXPLAINED_BY + causes.describe() + ".";
                // causes a waiver accepts keep the pair failing: waive this finding as well or end that waiver, as
                // the reports advise, not "fix them" beside it
                Set<String> waived = waivedCauses.of(causes);
                action = new Action.Manual(waived.isEmpty() ? "Fix the " + causes.describe() + ", replicate, purge"
                        + " tickets on " + source.name() + " (" + Commands.PURGE_TICKETS + "), then retry the migration."
                        : WaivedCauses.advice("Fix the", causes, waived, 1, WaivedCauses.WAIVE_THIS, "replicate, purge"
                        + " tickets on " + source.name() + " (" + Commands.PURGE_TICKETS + ") and retry the migration"));
            } else if (!kerberos) {
                message = observed + "; delegation " + (causes.isEmpty() ? "looks correct and " : "") + "cannot explain "
                        + (events.size() == 1 ? "this failure" : "these failures") + " (not a Kerberos error)"
                        + (causes.isEmpty() ? "" : ", although " + causes.describe() + " will fail this pair too") + ".";
                action = new Action.Manual("Check " + String.join("; ", checks) + (causes.isEmpty() ? "." : "; and fix"
                        + " the " + causes.describe() + "."));
            } else {
                message = observed + "; a Kerberos error, but delegation looks correct: check network, storage,"
                        + " CredSSP/authentication type.";
                action = new Action.Manual("Check the hosts' migration authentication type (Get-VMHost | fl"
                        + " VirtualMachineMigrationAuthenticationType: Kerberos), that the migration was started on a"
                        + " node (not remotely by a protected account), and the duplicate or missing SPNs of the"
                        + " destination (setspn -X, setspn -L); then the migration networks and the destination's"
                        + " storage.");
            }
            out.add(INFO).cluster(ctx.clusterName(source)).host(source.name())
                    .peer(target != null ? target.name() : absent)
                    .evidence(Evidence.builder().eventIds(List.copyOf(ids)).eventCount(events.size()).lastEvent(last)
                            .classifications(List.copyOf(kinds)).delegationExplains(kerberos && !causes.isEmpty())
                            .relatedFindings(causes.ids())
                            .pairs(target == null ? null : List.of(new Evidence.PairRef(source.name(), target.name())))
                            .build())
                    .message(message)
                    .action(action)
                    .emit();
        });
    }

    /**
     * Whether the pair's failures are Kerberos errors all logged before the last change of a delegation attribute of
     * its source or target (replication metadata), and an earlier run of the config reported the pair's failures
     * explained by its delegation findings (the store keeps that, so each run after the change agrees): they speak of a configuration that is gone, and nothing blocks the pair now, as after a
     * remediation that fixed their causes (the validation's test move shows it works). Failures of another kind,
     * delegation cannot explain, a pair without change times, and a failure no earlier run explained (a first audit:
     * "delegation looks correct") keep their finding.
     */
    private static boolean superseded(AuditContext ctx, List<EventRecord> events, AdObject source, AdObject target) {
        PreviousRun previous = ctx.inputs().previous();
        if (previous == null || !previous.explainedFailures().containsKey(PreviousRun.pairKey(source.name(),
                target.name()))) {
            return false;
        }
        Instant changed = null;
        for (AdObject o : List.of(source, target)) {
            for (String attribute : AttributeChange.DELEGATION_ATTRIBUTES) {
                AttributeChange c = ctx.lastChange(o, attribute);
                if (c != null && c.time() != null && (changed == null || c.time().isAfter(changed))) {
                    changed = c.time();
                }
            }
        }
        Instant since = changed;
        return since != null && events.stream().allMatch(e -> e.classification().delegationCanExplain()
                && e.timeCreated() != null && e.timeCreated().isBefore(since));
    }
}
