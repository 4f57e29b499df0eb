package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.PreviousRun;
import org.kcdauditor.baseline.Drift;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.AttributeChange;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.LastFound;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.UtcTime;
import org.kcdauditor.remedy.Action;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CHANGED_SINCE_LAST_RUN: per host, what changed in its delegation (msDS-AllowedToDelegateTo, userAccountControl,
 * the SIDs its resource-based delegation allows; and its registered SPNs and encryption types; its password,
 * pwdLastSet; the other, non-node accounts that register its SPNs too; its live-migration settings in the host-settings
 * export) since the previous successful run; per file server, the SIDs its resource-based delegation allows — the
 * timeline of the reports: what the run after a runbook's changes shows its change owner. The message is the change itself (one line per
 * change), so the timeline shows it as it is; the run compared with is in the evidence.
 */
public final class ChangedSinceLastRunRule implements Rule {
    /** The rule's id, as findings.json names it. */
    public static final String ID = "CHANGED_SINCE_LAST_RUN";
    static final RuleInfo INFO = new RuleInfo(ID, Severity.INFO, Category.DRIFT,
            "A host's delegation changed since the previous run",
            "per host, what changed since the previous successful run (the timeline): its delegation entries,"
                    + " flags, resource-based delegation grants, migration SPNs and encryption types, its computer"
                    + " password changed (`pwdLastSet`), another (non-node) account taking or dropping one of its SPNs,"
                    + " its live-migration authentication, performance option or enablement in the `hostSettings`"
                    + " export",
            "Records every change between two runs so that a failure can be tied to the moment delegation changed"
                    + " (for instance the night a hardening update or a clean-up script ran).",
            "docs/history.md");

    /**
     * Whether {@code f} tells nothing but its host's computer password changed (a later pwdLastSet): Windows computers
     * change their own every 30 days by default, so on its own that is no change to mail ({@code notify: on-change}).
     * Read from the kinds of its changes ({@code evidence.changeKinds}, also on a finding read back from the history
     * store), never from its words: a password set back (the object restored), any other kind beside it, or a record
     * without kinds (none recorded) is a change.
     */
    public static boolean onlyPasswordChanged(Finding f) {
        List<String> kinds = ID.equals(f.rule()) && f.hasEvidence() ? f.evidence().changeKinds() : null;
        return kinds != null && !kinds.isEmpty()
                && kinds.stream().allMatch(k -> Drift.Kind.PASSWORD_CHANGED.name().equals(k));
    }

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        PreviousRun prev = ctx.inputs().previous();
        if (prev == null) {
            return;
        }
        Map<String, List<Drift.Change>> byHost = new LinkedHashMap<>();
        List<Drift.Change> all = new ArrayList<>(Drift.compare(prev.hosts(), prev.lastFound(), ctx));
        // the file servers (the cifs targets): their grants only, as no node they neither join nor leave
        List<AdObject> servers = ctx.nodesAndFileServers().subList(ctx.nodes().size(), ctx.nodesAndFileServers().size());
        all.addAll(Drift.grantChanges(prev.fileServerGrants(), servers, s -> ctx.clusterOfHost(s).name(), ctx));
        for (Drift.Change c : all) {
            // a node of a cluster that run did not read (its directory was down), or of a cluster added to the
            // configuration since (the reports tell that apart, findings.json history.clustersAdded), did not join since
            if (c.kind() == Drift.Kind.HOST_NEW && (!prev.audited(c.cluster()) || !prev.configured(c.cluster()))) {
                continue;
            }
            // nor did a node of a cluster taken out of the configuration since (history.clustersRemoved), its computer
            // still in the directory, leave it
            if (c.kind() == Drift.Kind.HOST_MISSING && c.value() != null
                    && takenOut(prev.hostClusters().get(c.host()), ctx)) {
                continue;
            }
            byHost.computeIfAbsent(c.host(), k -> new ArrayList<>()).add(c);
        }
        byHost.forEach((host, changes) -> {
            List<String> lines = changes.stream().map(c -> describe(ctx, c)).toList();
            AttributeChange unwritten = notWritten(changes, prev);
            String notWritten = unwritten == null ? "" : notWrittenNote(host, unwritten.attribute(), prev.startedAt());
            LastFound since = lastFound(changes, prev);
            // the id names the changes, so a host that changes again in the next run has a new finding, not a
            // recurring one (its fourth part is read as an SPN, up to a second '/': none is left in)
            out.add(INFO).cluster(changes.get(0).cluster()).host(host).idSpn(String.join("\n", lines).replace('/', '|'))
                    .evidence(Evidence.builder().previousRunId(prev.runId()).previousRunAt(prev.finishedAt())
                            .changes(lines).changeKinds(changes.stream().map(c -> c.kind().name()).toList())
                            .rbcdAdded(values(changes, Drift.Kind.RBCD_ADDED))
                            .rbcdRemoved(values(changes, Drift.Kind.RBCD_REMOVED))
                            .entriesAdded(values(changes, Drift.Kind.ENTRY_ADDED))
                            .entriesRemoved(values(changes, Drift.Kind.ENTRY_REMOVED))
                            .lastFoundRunId(since == null ? null : since.runId())
                            .lastFoundRunAt(since == null ? null : since.finishedAt())
                            // the note the message ends with, as data: what the runbook words it from
                            .attribute(unwritten == null ? null : unwritten.attribute()).lastChange(unwritten)
                            .mayBeUnreadable(unwritten == null ? null : Boolean.TRUE).build())
                    .message(String.join("; ", lines) + "." + notWritten)
                    // the entries may still be there: the findings of their pairs may be the bind account's blindness
                    .action(new Action.Manual(notWritten.isEmpty()
                            ? "No action unless the change was not planned; compare with the change records."
                            : "Before acting on a MISSING_DELEGATION finding of " + host + ", look at " + host + "'s"
                            + " msDS-AllowedToDelegateTo as a Domain Admin on a writable domain controller: if the"
                            + " entries are there, give the bind account read access to it again (docs/install.md,"
                            + " \"The service account\") or run kcd-audit preflight --all-dcs; if they are gone, compare"
                            + " with the change records."))
                    .emit();
        });
    }

    /** Whether {@code cluster}, the previous run's (null: none known), is no cluster this configuration names. */
    private static boolean takenOut(String cluster, AuditContext ctx) {
        return cluster != null && ctx.clusters().stream().noneMatch(k -> cluster.equalsIgnoreCase(k.name()));
    }

    /**
     * A change in words; a host the previous run found and this one does not, whose objectSid a computer holds under
     * another name (the node renamed before the configuration followed), is that computer renamed, as HOST_NOT_FOUND
     * says, not a host gone.
     */
    private static String describe(AuditContext ctx, Drift.Change c) {
        if (c.kind() == Drift.Kind.HOST_MISSING && c.value() == null) {
            AdObject now = ctx.renamedNode(c.host());
            if (now != null) {
                return Drift.describeRenamedTo(c, now.name(), now.objectSid());
            }
        }
        return Drift.describe(c);
    }

    /** The run a node renamed since a run before the previous one is compared with; null for any other host. */
    private static LastFound lastFound(List<Drift.Change> changes, PreviousRun prev) {
        Drift.Change first = changes.get(0);
        return first.kind() == Drift.Kind.RENAMED && first.before() != null
                ? prev.lastFound().get(first.after().get(0).toUpperCase(java.util.Locale.ROOT)) : null;
    }

    /**
     * The values of the changes of {@code kind} (for RBCD_*, the SIDs; for ENTRY_*, the delegation entries); null where
     * there are none.
     */
    private static List<String> values(List<Drift.Change> changes, Drift.Kind kind) {
        List<String> out = changes.stream().filter(c -> c.kind() == kind).map(Drift.Change::value).toList();
        return out.isEmpty() ? null : out;
    }

    /**
     * Delegation entries gone although the DC's replication metadata records no write of the attribute since the
     * previous run started (before it read them): as far as this DC records, nothing removed them since. What reads
     * as removal is an account that may no longer read them (a deny ACE: AD leaves an attribute out of the answer as
     * if it were not set), or a DC read that replication had not yet reached (this run's lacking what the previous run
     * read elsewhere, or the previous run's still holding what a write made elsewhere before it started had removed).
     * The attribute's last write, before that run started; null otherwise.
     */
    private static AttributeChange notWritten(List<Drift.Change> changes, PreviousRun prev) {
        // the DC records a write's time in whole seconds: one in the second the previous run started may follow it
        Instant started = prev.startedAt().truncatedTo(ChronoUnit.SECONDS);
        for (Drift.Change c : changes) {
            AttributeChange last = c.lastChange();
            if (c.kind() == Drift.Kind.ENTRY_REMOVED && last != null && last.time() != null
                    && last.time().isBefore(started)) {
                return last;
            }
        }
        return null;
    }

    /**
     * What the message of a host's changes adds where its entries are gone and {@code attribute} was not written since
     * the previous run ({@code mayBeUnreadable} in its evidence): " The directory records no write of … since the
     * previous run (started …): the entries may still be there …". {@code started} null leaves the start out (the
     * runbook, which reads the evidence, has the previous run's end beside it).
     */
    public static String notWrittenNote(String host, String attribute, Instant started) {
        return " The directory records no write of " + attribute + " on " + host + " since the previous run"
                + (started == null ? "" : " (started " + UtcTime.of(started) + ")") + ": the entries may still be"
                + " there and the bind account no longer allowed to read them (docs/install.md, \"The service"
                + " account\"), or one of the two runs read a domain controller that replication had not yet"
                + " reached.";
    }
}
