package org.kcdauditor.report;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.AuditInputs;
import org.kcdauditor.audit.AuditResult;
import org.kcdauditor.baseline.Baseline;
import org.kcdauditor.baseline.Waiver;
import org.kcdauditor.inventory.HardeningCatalogue;
import org.kcdauditor.inventory.HardeningUpdate;
import org.kcdauditor.inventory.ImportResult;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.EventRecord;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.PatchRecord;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.TrendPoint;
import org.kcdauditor.audit.PatchIndex;
import org.kcdauditor.audit.WaiverHosts;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The history sections of {@code findings.json} (additions to schema version 1): the previous run,
 * the baseline with its waivers, patches per node with the hardening they carry, migration-failure
 * events and the import report. Drift itself is in {@code findings} (category drift: BASELINE_*,
 * WAIVER_EXPIRED, WAIVER_TOO_LONG, WAIVER_UNUSED, CHANGED_SINCE_LAST_RUN).
 */
public final class HistorySections {
    private HistorySections() {
    }

    /**
     * {@code history}: the run this one compares with (the previous successful run that filed reports: trigger run or
     * schedule, not a preflight or a baseline capture, {@code RunStore#previousRun}), which finding ids are new or
     * resolved since, and the timeline: the CHANGED_SINCE_LAST_RUN records of this and earlier such runs of the same
     * config, newest first.
     *
     * @param previousTrigger  what started the run compared with (run, schedule, demo-seed…); null in a findings.json
     *                         written before it was recorded
     * @param unwaivedFindings the ids of the findings open in this run that the run compared with found waived (their
     *                         waiver expired or was taken out of the baseline since): neither new nor resolved, they
     *                         count again; null in a findings.json written before it was recorded
     * @param clustersAdded    the clusters of this run's configuration that the run compared with did not have: a
     *                         change of the configuration, not of the directory (their nodes are no "new node"); null
     *                         when there is none
     * @param clustersRemoved  the clusters the run compared with had that this configuration no longer names, each
     *                         with the open findings it had there that this run does not have, which are not counted
     *                         resolved; null when none
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HistoryDoc(String previousRunId, Instant previousFinishedAt, List<String> newFindings,
                             List<String> resolvedFindings, List<ChangeDoc> timeline, List<TrendPoint> trend,
                             List<ResolvedDoc> resolved, String previousTrigger, List<String> unwaivedFindings,
                             List<String> clustersAdded, List<ClusterRemovedDoc> clustersRemoved) {
        public HistoryDoc(String previousRunId, Instant previousFinishedAt, List<String> newFindings,
                          List<String> resolvedFindings, List<ChangeDoc> timeline, List<TrendPoint> trend,
                          List<ResolvedDoc> resolved, String previousTrigger, List<String> unwaivedFindings) {
            this(previousRunId, previousFinishedAt, newFindings, resolvedFindings, timeline, trend, resolved,
                    previousTrigger, unwaivedFindings, null, null);
        }

        public HistoryDoc(String previousRunId, Instant previousFinishedAt, List<String> newFindings,
                          List<String> resolvedFindings, List<ChangeDoc> timeline) {
            this(previousRunId, previousFinishedAt, newFindings, resolvedFindings, timeline, null, null);
        }

        public HistoryDoc(String previousRunId, Instant previousFinishedAt, List<String> newFindings,
                          List<String> resolvedFindings, List<ChangeDoc> timeline, List<TrendPoint> trend) {
            this(previousRunId, previousFinishedAt, newFindings, resolvedFindings, timeline, trend, null);
        }

        public HistoryDoc(String previousRunId, Instant previousFinishedAt, List<String> newFindings,
                          List<String> resolvedFindings, List<ChangeDoc> timeline, List<TrendPoint> trend,
                          List<ResolvedDoc> resolved) {
            this(previousRunId, previousFinishedAt, newFindings, resolvedFindings, timeline, trend, resolved, null,
                    null);
        }

        public HistoryDoc withTimeline(List<ChangeDoc> t) {
            return new HistoryDoc(previousRunId, previousFinishedAt, newFindings, resolvedFindings, t, trend, resolved,
                    previousTrigger, unwaivedFindings, clustersAdded, clustersRemoved);
        }

        public HistoryDoc withTrend(List<TrendPoint> t) {
            return new HistoryDoc(previousRunId, previousFinishedAt, newFindings, resolvedFindings, timeline, t,
                    resolved, previousTrigger, unwaivedFindings, clustersAdded, clustersRemoved);
        }

        /**
         * The changes of the configuration's clusters since the run compared with, one sentence each, as every output
         * says them where it counts new and resolved findings: "HVC2 was added to the configuration (a change of the
         * configuration, not of the directory: its nodes are not told as new)." and "HVC3 is no longer in the
         * configuration: its 4 open findings are not counted resolved." Empty when there is none.
         */
        public List<String> configurationChanges() {
            return configurationChanges(null);
        }

        /** {@link #configurationChanges()} of {@code cluster} alone (a name in any case); null: of every cluster. */
        public List<String> configurationChanges(String cluster) {
            List<String> out = new ArrayList<>();
            if (clustersAdded != null) {
                for (String c : clustersAdded) {
                    if (cluster != null && !cluster.equalsIgnoreCase(c)) {
                        continue;
                    }
                    out.add(c + " was added to the configuration (a change of the configuration, not of the"
                            + " directory: its nodes are not told as new).");
                }
            }
            if (clustersRemoved != null) {
                for (ClusterRemovedDoc c : clustersRemoved) {
                    if (cluster != null && !cluster.equalsIgnoreCase(c.name())) {
                        continue;
                    }
                    out.add(c.name() + " is no longer in the configuration" + (c.openFindings() == 0 ? "."
                            : ": its " + (c.openFindings() == 1 ? "open finding is" : c.openFindings()
                            + " open findings are") + " not counted resolved."));
                }
            }
            return out;
        }

        /** {@link #unwaivedFindings}, empty where findings.json does not carry it. */
        @JsonIgnore
        public List<String> unwaived() {
            return unwaivedFindings == null ? List.of() : unwaivedFindings;
        }

        /**
         * The run compared with as the console, the PDF and the workbook name it: {@code id} (the id, or as much of it as
         * the output shows), then what started it where known, in an administrator's words rather than the trigger
         * {@code history} lists: "706a2a8a (kcd-audit run)", "(scheduled run)", "(the demo's earlier run)"; a trigger
         * without such words as "(trigger NAME)".
         */
        public String previousRunNamed(String id) {
            if (previousTrigger == null) {
                return id;
            }
            return id + " (" + switch (previousTrigger) {
                case "run" -> "kcd-audit run";
                case "schedule" -> "scheduled run";
                case "retry" -> "scheduled run, a retry";
                case "demo-seed" -> "the demo's earlier run";
                default -> "trigger " + previousTrigger;
            } + ")";
        }

        /**
         * The comparison as the console says it, the change records apart from the new problems: "15 findings
         * resolved, 0 new problems; 4 changes recorded (INFO, see the timeline in the reports)". {@code changeRecords}
         * are the ids of this run's CHANGED_SINCE_LAST_RUN findings: new in {@link #newFindings} each time, they record
         * a change (the approved one of a fix among them), not a problem, and "4 new" after a fix read as a regression.
         */
        public String countedApart(java.util.Collection<String> changeRecords) {
            long changes = newFindings.stream().filter(changeRecords::contains).count();
            long problems = newFindings.size() - changes;
            return resolvedFindings.size() + (resolvedFindings.size() == 1 ? " finding" : " findings") + " resolved, "
                    + problems + " new problem" + (problems == 1 ? "" : "s")
                    + (unwaived().isEmpty() ? "" : ", " + unwaived().size() + " no longer waived")
                    + (changes == 0 ? "" : "; " + changes + (changes == 1 ? " change" : " changes")
                    + " recorded (INFO, see the timeline in the reports)");
        }

        /**
         * The comparison as every output says it: "1 new, 0 resolved findings", then ", 4 no longer waived" where
         * findings that run found waived are open now (a waiver expired or was taken out of the baseline): recurring,
         * but counted again.
         */
        public String counted() {
            return newFindings.size() + " new, " + resolvedFindings.size() + " resolved findings"
                    + (unwaived().isEmpty() ? "" : ", " + unwaived().size() + " no longer waived");
        }
    }

    /**
     * {@code history.resolved[]}: a finding of the previous run that this run no longer finds, as the store recorded
     * it there (the SPN column's SPN and the KB apart, as the reports show them).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ResolvedDoc(String id, String rule, Severity severity, String cluster, String host, String peer,
                              String spn, String kb, String message) {
    }

    /**
     * {@code history.clustersRemoved[]}: a cluster of the run compared with that this configuration no longer names, and
     * how many open (not waived) findings that run had in it: not fixed, no longer looked at.
     */
    public record ClusterRemovedDoc(String name, int openFindings) {
    }

    /**
     * One change record of one host as a run recorded it: {@code change} its changes in words, {@code kinds} the kind of
     * each ({@code evidence.changeKinds}: ENTRY_ADDED, PASSWORD_CHANGED …), absent for a record stored before they were
     * recorded.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ChangeDoc(String runId, Instant at, String host, String change, List<String> kinds) {
        /** Without kinds (not recorded). */
        public ChangeDoc(String runId, Instant at, String host, String change) {
            this(runId, at, host, change, null);
        }
    }

    /**
     * @param warning set when the waiver can never apply ({@link WaiverHosts#NO_NODE}, {@link WaiverHosts#NO_PEER},
     *                {@link WaiverHosts#NO_SPN})
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record WaiverDoc(String rule, String host, String peer, String spn, String justification,
                            LocalDate expires, boolean active, int findings, String warning, String approvedBy,
                            LocalDate approvedOn, String ticket, String firstWaivedRun) {
        public WaiverDoc(String rule, String host, String peer, String spn, String justification, LocalDate expires,
                         boolean active, int findings) {
            this(rule, host, peer, spn, justification, expires, active, findings, null);
        }

        public WaiverDoc(String rule, String host, String peer, String spn, String justification, LocalDate expires,
                         boolean active, int findings, String warning) {
            this(rule, host, peer, spn, justification, expires, active, findings, warning, null, null, null, null);
        }

        /** The note for a waiver whose file names neither who granted it ({@code approvedBy}) nor a {@code ticket}. */
        public static final String NO_APPROVER = "no approver recorded";

        /** {@link #NO_APPROVER} when neither who granted the waiver nor its ticket is recorded, else null. */
        @JsonIgnore
        public String trailMissing() {
            return approvedBy == null && ticket == null ? NO_APPROVER : null;
        }

        /** With the first run that waived a finding under it ({@code firstWaivedRun}; null: none known). */
        public WaiverDoc withFirstWaivedRun(String runId) {
            return new WaiverDoc(rule, host, peer, spn, justification, expires, active, findings, warning, approvedBy,
                    approvedOn, ticket, runId);
        }
    }

    /**
     * {@code baseline}: which baseline the run compared against (absent = none found).
     *
     * @param rbcdHosts how many of its hosts it documents the resource-based delegation grants of ({@code rbcdAllowed},
     *                  which captures write since they record grants); null for none, as a baseline captured before
     * @param ticket              the change ticket of the capture ({@code baseline capture --ticket}), null for none
     * @param sha256              the SHA-256 (hex) of the baseline file this run read
     * @param changedSinceCapture whether the file's content differs from what its capture wrote (edited since: the
     *                            approval does not cover the edit); null for a file without {@code contentSha256}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record BaselineDoc(String path, Instant capturedAt, String capturedFrom, String approvedBy, int hosts,
                              List<WaiverDoc> waivers, Integer rbcdHosts, String ticket, String sha256,
                              Boolean changedSinceCapture) {
        public BaselineDoc(String path, Instant capturedAt, String capturedFrom, String approvedBy, int hosts,
                           List<WaiverDoc> waivers, Integer rbcdHosts) {
            this(path, capturedAt, capturedFrom, approvedBy, hosts, waivers, rbcdHosts, null, null, null);
        }

        /** What the Summary sheet and the PDF add to the baseline's line when its file was edited since the capture. */
        public static final String CHANGED = "file changed since capture";

        /** True when the file was edited since the capture ({@link #changedSinceCapture}). */
        @JsonIgnore
        public boolean changed() {
            return Boolean.TRUE.equals(changedSinceCapture);
        }

        /** With the file's hash and whether it changed since the capture ({@link org.kcdauditor.baseline.BaselineFile.Read}). */
        public BaselineDoc withFile(String sha, Boolean changed) {
            return new BaselineDoc(path, capturedAt, capturedFrom, approvedBy, hosts, waivers, rbcdHosts, ticket, sha,
                    changed);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HardeningDoc(String kb, String cve, String title, LocalDate released, String enforced,
                               String changes, List<String> carriedBy,
                               @JsonInclude(JsonInclude.Include.NON_EMPTY) List<HardeningUpdate.Phase> phases) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record InstalledDoc(String kb, String via, LocalDate installedOn, String origin) {
    }

    /**
     * One node's patches. {@code unrecognised}: its KBs the catalogue does not name (neither a {@code kb} nor a
     * {@code carriedBy} id) that could carry a catalogued hardening update it is not credited with (installed on or
     * after that update's release, or without a date), newest first; null for none.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HostPatchesDoc(String host, String cluster, int records, LocalDate lastInstalled,
                                 List<InstalledDoc> hardening, List<String> kbs, List<String> unrecognised) {

        public HostPatchesDoc(String host, String cluster, int records, LocalDate lastInstalled,
                              List<InstalledDoc> hardening, List<String> kbs) {
            this(host, cluster, records, lastInstalled, hardening, kbs, null);
        }

        /**
         * "Hardening installed" as the PDF and the workbook say it: the hardening found, each with the KB that carried
         * it, then the KBs not recognised; "none" where the node's updates could carry no catalogued hardening; null
         * without patch records (not known).
         */
        @JsonIgnore
        public String hardeningText() {
            if (records == 0) {
                return null;
            }
            List<String> parts = new ArrayList<>();
            for (InstalledDoc i : hardening == null ? List.<InstalledDoc>of() : hardening) {
                parts.add(i.kb() + (i.kb().equals(i.via()) ? "" : " via " + i.via())
                        + (i.installedOn() == null ? "" : " (" + i.installedOn() + ")"));
            }
            String found = String.join(", ", parts);
            if (unrecognised == null || unrecognised.isEmpty()) {
                return found.isEmpty() ? "none" : found;
            }
            List<String> named = unrecognised.subList(0, Math.min(unrecognised.size(), UNRECOGNISED_SHOWN));
            int more = unrecognised.size() - named.size();
            String kbs = named.size() == 1 ? named.get(0) + " is"
                    : more > 0 ? String.join(", ", named) + " and " + more + " more are"
                    : String.join(", ", named.subList(0, named.size() - 1)) + " and " + named.get(named.size() - 1)
                    + " are";
            return (found.isEmpty() ? "" : found + "; ") + "not recognised: " + kbs
                    + " not in the catalogue (config/hardening-kbs.yaml carriedBy)";
        }
    }

    /**
     * A node's KBs the catalogue does not name that could carry a catalogued update the node is not credited with:
     * installed on or after its release, or without a date (a cumulative update carries every earlier change, and the
     * catalogue's {@code carriedBy} lists are left for the site to fill). Newest first; null for none.
     */
    static List<String> unrecognised(List<PatchRecord> recs, Set<String> credited, HardeningCatalogue catalogue) {
        List<HardeningUpdate> missing = catalogue.updates().stream().filter(u -> !credited.contains(u.kb())).toList();
        Map<String, LocalDate> latest = new java.util.HashMap<>();
        for (PatchRecord p : recs) {
            LocalDate on = p.installedOn() == null ? LocalDate.MIN : p.installedOn();
            if (catalogue.carriedBy(p.kb()).isEmpty() && missing.stream().anyMatch(u -> p.installedOn() == null
                    || u.released() == null || !p.installedOn().isBefore(u.released()))) {
                latest.merge(p.kb(), on, (a, b) -> a.isAfter(b) ? a : b);
            }
        }
        List<String> out = latest.keySet().stream().sorted(java.util.Comparator.<String, LocalDate>comparing(
                latest::get, java.util.Comparator.reverseOrder()).thenComparing(k -> k)).toList();
        return out.isEmpty() ? null : out;
    }

    /** How many unrecognised KBs a node's "Hardening installed" names (findings.json's {@code unrecognised}: all). */
    static final int UNRECOGNISED_SHOWN = 3;

    /** {@code patches}: the catalogue and, per node, its updates and the hardening they carry. */
    public record PatchesDoc(List<HardeningDoc> catalogue, List<HostPatchesDoc> hosts) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    /** {@code account} and {@code service}: what a KDCSVC event (201–209) of a domain controller names. */
    public record EventDoc(String host, int eventId, Instant timeCreated, String source, String destination,
                           String classification, String hresult, String message, String origin,
                           @JsonInclude(JsonInclude.Include.NON_NULL) String account,
                           @JsonInclude(JsonInclude.Include.NON_NULL) String service) {
        public EventDoc(String host, int eventId, Instant timeCreated, String source, String destination,
                        String classification, String hresult, String message, String origin) {
            this(host, eventId, timeCreated, source, destination, classification, hresult, message, origin, null, null);
        }
    }

    /** All sections for one run. */
    public record Sections(HistoryDoc history, BaselineDoc baseline, PatchesDoc patches, List<EventDoc> events,
                           List<ImportResult> imports) {
        /**
         * With the timeline: this run's CHANGED_SINCE_LAST_RUN findings (at {@code now}) followed by
         * the stored ones of earlier runs.
         */
        public Sections withTimeline(String runId, Instant now, List<Finding> current, List<ChangeDoc> earlier) {
            if (history == null) {
                return this;
            }
            List<ChangeDoc> t = new ArrayList<>();
            current.stream().filter(f -> "CHANGED_SINCE_LAST_RUN".equals(f.rule()))
                    .forEach(f -> t.add(new ChangeDoc(runId, now, f.host(), f.hasEvidence()
                            && f.evidence().changes() != null ? String.join("; ", f.evidence().changes())
                            : f.message(), f.hasEvidence() ? f.evidence().changeKinds() : null)));
            // the store keeps the finding's message, the changes and a full stop: read as this run shows its own
            earlier.forEach(c -> t.add(c.change() != null && c.change().endsWith(".") ? new ChangeDoc(c.runId(), c.at(),
                    c.host(), c.change().substring(0, c.change().length() - 1), c.kinds()) : c));
            return new Sections(history.withTimeline(t), baseline, patches, events, imports);
        }

        /** With the baseline file's hash and whether it changed since its capture (no baseline: as it is). */
        public Sections withBaselineFile(org.kcdauditor.baseline.BaselineFile.Read read) {
            return baseline == null || read == null ? this : new Sections(history, baseline.withFile(read.sha256(),
                    read.changedSinceCapture()), patches, events, imports);
        }

        /**
         * With each waiver's first run that waived a finding under it, as {@code firstRun} finds it for the waiver at
         * its index in the baseline (empty: none known).
         */
        public Sections withFirstWaivedRuns(java.util.function.IntFunction<java.util.Optional<String>> firstRun) {
            if (baseline == null || baseline.waivers() == null || baseline.waivers().isEmpty()) {
                return this;
            }
            List<WaiverDoc> w = new ArrayList<>();
            for (int i = 0; i < baseline.waivers().size(); i++) {
                w.add(baseline.waivers().get(i).withFirstWaivedRun(firstRun.apply(i).orElse(null)));
            }
            BaselineDoc b = baseline;
            return new Sections(history, new BaselineDoc(b.path(), b.capturedAt(), b.capturedFrom(), b.approvedBy(),
                    b.hosts(), w, b.rbcdHosts(), b.ticket(), b.sha256(), b.changedSinceCapture()), patches, events,
                    imports);
        }

        /**
         * With the trend: the stored runs of this configuration ({@code earlier}, newest first) and this run last,
         * oldest first. A run without history (the first of its configuration) gets none.
         */
        public Sections withTrend(TrendPoint current, List<TrendPoint> earlier) {
            if (history == null) {
                return this;
            }
            List<TrendPoint> t = new ArrayList<>(earlier);
            java.util.Collections.reverse(t);
            t.add(current);
            return new Sections(history.withTrend(List.copyOf(t)), baseline, patches, events, imports);
        }
    }

    /**
     * This run as a point of its configuration's trend: pairs, pairs OK, open HIGH findings, the finding ids new and
     * resolved against the previous run ({@code history}; null when there is none), and the change records among the
     * new ones (its CHANGED_SINCE_LAST_RUN findings, as {@link HistoryDoc#countedApart} counts them).
     */
    public static TrendPoint trendPoint(String runId, Instant at, AuditResult result, HistoryDoc history) {
        int pairsOk = result.clusters().stream().mapToInt(c -> c.pairsOk()).sum();
        Integer high = result.bySeverity().get("HIGH");
        Set<String> changes = new java.util.HashSet<>();
        result.findings().stream().filter(f -> f.rule().equals(org.kcdauditor.rules.ChangedSinceLastRunRule.ID))
                .forEach(f -> changes.add(f.id()));
        return new TrendPoint(runId, at, result.pairs(), pairsOk, high == null ? 0 : high,
                history == null ? null : history.newFindings().size(),
                history == null ? null : history.resolvedFindings().size(),
                history == null ? null : (int) history.newFindings().stream().filter(changes::contains).count());
    }

    public static Sections build(AuditResult result, AuditInputs inputs, Path baselinePath,
                                 List<ImportResult> imports, boolean patchesConfigured) {
        AuditContext ctx = result.context();
        HistoryDoc history = null;
        if (inputs.previous() != null) {
            Set<String> now = new LinkedHashSet<>();
            result.findings().forEach(f -> now.add(f.id()));
            // a cluster one of the two runs did not read (its directory was down): its findings are neither new nor
            // resolved, they were not compared; one this run did not look at (no longer configured, its OU empty):
            // what the run compared with found there is not resolved
            ClustersNotCompared notCompared = ClustersNotCompared.of(inputs.previous().unaudited(), ctx.clusters()
                    .stream().filter(c -> !ctx.audited(c)).map(c -> c.name()).toList())
                    .lookedAt(ctx.clusters().stream().map(c -> c.name()).toList(), result.findings());
            List<String> added = result.findings().stream().filter(f -> !inputs.previous().findingIds()
                    .contains(f.id()) && notCompared.compared(f)).map(Finding::id).distinct().toList();
            List<String> resolved = inputs.previous().findingIds().stream().filter(id -> !now.contains(id)
                    && notCompared.resolvable(inputs.previous().findings().get(id))).sorted().toList();
            List<ResolvedDoc> was = new ArrayList<>();
            for (String id : resolved) {
                Finding f = inputs.previous().findings().get(id);
                if (f != null) {
                    was.add(new ResolvedDoc(f.id(), f.rule(), f.severity(), f.cluster(), f.host(), f.peer(),
                            ReportView.spnOf(f), ReportView.kbOf(f), f.message()));
                }
            }
            // open now, waived there (its waiver expired or was taken out since): neither new nor resolved, but it
            // counts again, which the counts of the two runs say only together
            List<String> unwaived = result.findings().stream().filter(f -> !f.isWaived() && notCompared.compared(f))
                    .map(Finding::id).distinct().filter(id -> {
                        Finding before = inputs.previous().findings().get(id);
                        return before != null && before.isWaived();
                    }).toList();
            // the clusters the configuration gained or lost since that run (where the store recorded its clusters)
            List<String> configured = ctx.clusters().stream().map(c -> c.name()).toList();
            List<String> clustersAdded = configured.stream().filter(c -> !inputs.previous().configured(c)).toList();
            List<ClusterRemovedDoc> clustersRemoved = inputs.previous().clusters().stream()
                    .filter(c -> configured.stream().noneMatch(c::equalsIgnoreCase))
                    .sorted(String.CASE_INSENSITIVE_ORDER)
                    .map(c -> new ClusterRemovedDoc(c, (int) inputs.previous().findings().values().stream()
                            .filter(f -> c.equalsIgnoreCase(f.cluster()) && !f.isWaived() && !now.contains(f.id()))
                            .count())).toList();
            history = new HistoryDoc(inputs.previous().runId(), inputs.previous().finishedAt(), added, resolved, null,
                    null, was.isEmpty() ? null : List.copyOf(was), inputs.previous().trigger(), unwaived,
                    clustersAdded.isEmpty() ? null : clustersAdded, clustersRemoved.isEmpty() ? null : clustersRemoved);
        }
        BaselineDoc baseline = null;
        Baseline b = inputs.baseline();
        if (b != null) {
            List<WaiverDoc> waivers = new ArrayList<>();
            List<String> warnings = WaiverHosts.warnings(b, ctx, result.findings());
            // each waived finding counts for the one waiver that waived it, so the counts add up to the waived findings
            // (a drift finding waived with its twin counts for the twin's waiver)
            Map<Waiver, Integer> waiving = new IdentityHashMap<>();
            List<Waiver> applying = Waiver.applying(b.waivers(), result.findings(), inputs.now());
            for (int i = 0; i < applying.size(); i++) {
                Waiver w = result.findings().get(i).isWaived() ? applying.get(i) : null;
                if (w != null) {
                    waiving.merge(w, 1, Integer::sum);
                }
            }
            for (int i = 0; i < b.waivers().size(); i++) {
                Waiver w = b.waivers().get(i);
                int n = waiving.getOrDefault(w, 0);
                waivers.add(new WaiverDoc(w.rule(), w.host(), w.peer(), w.spn(), w.justification(), w.expires(),
                        w.activeAt(inputs.now()), n, warnings.get(i), w.approvedBy(), w.approvedOn(), w.ticket(), null));
            }
            long rbcdHosts = b.hosts().values().stream().filter(h -> h.rbcdSids() != null).count();
            baseline = new BaselineDoc(baselinePath == null ? null : baselinePath.toString(), b.capturedAt(),
                    b.capturedFrom(), b.approvedBy(), b.hosts().size(), waivers,
                    rbcdHosts == 0 ? null : (int) rbcdHosts, b.ticket(), null, null);
        }
        PatchesDoc patches = null;
        if (patchesConfigured || !inputs.patches().isEmpty()) {
            List<HardeningDoc> catalogue = inputs.hardening().updates().stream().map(u -> new HardeningDoc(u.kb(),
                    u.cve(), u.title(), u.released(), u.enforced(), u.changes(), u.carriedBy(), u.phases())).toList();
            PatchIndex index = ctx.patches();
            List<HostPatchesDoc> hosts = new ArrayList<>();
            for (AdObject n : ctx.nodes()) {
                List<PatchRecord> recs = index.records(n);
                LocalDate last = recs.stream().map(PatchRecord::installedOn).filter(Objects::nonNull)
                        .max(LocalDate::compareTo).orElse(null);
                List<InstalledDoc> hardening = new ArrayList<>();
                index.hardening(n).forEach((kb, i) -> hardening.add(new InstalledDoc(kb, i.record().kb(),
                        i.record().installedOn(), i.record().origin())));
                hosts.add(new HostPatchesDoc(n.name(), ctx.clusterName(n), recs.size(), last, hardening,
                        recs.stream().map(PatchRecord::kb).distinct().sorted().toList(),
                        unrecognised(recs, index.hardening(n).keySet(), inputs.hardening())));
            }
            patches = new PatchesDoc(catalogue, hosts);
        }
        List<EventDoc> events = null;
        if (!inputs.events().isEmpty()) {
            events = new ArrayList<>();
            for (EventRecord e : inputs.events()) {
                events.add(new EventDoc(e.host(), e.eventId(), e.timeCreated(), e.sourceHost(), e.destinationHost(),
                        e.classification().name(), e.hresult(), e.message() != null && e.message().length() > 500
                        ? e.message().substring(0, 499) + "…" : e.message(), e.origin(), e.accountName(),
                        e.serviceName()));
            }
        }
        return new Sections(history, baseline, patches, events, imports.isEmpty() ? null : imports);
    }
}
