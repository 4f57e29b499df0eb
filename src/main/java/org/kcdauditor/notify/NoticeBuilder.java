package org.kcdauditor.notify;

import org.kcdauditor.config.MailConfig;
import org.kcdauditor.config.ScheduleConfig.Notify;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.Counts;
import org.kcdauditor.report.ClustersNotCompared;
import org.kcdauditor.report.FindingsDocument;
import org.kcdauditor.remedy.Values;
import org.kcdauditor.rules.ChangedSinceLastRunRule;
import org.kcdauditor.report.ReportView;
import org.kcdauditor.report.Words;
import org.kcdauditor.report.runbook.RunbookModel;
import org.kcdauditor.report.runbook.TemplateRenderer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds the notices of one finished run: one to {@code mail.to} about every cluster, and one per
 * cluster named in {@code mail.clusterRecipients} about that cluster only. What is new, resolved and
 * still open is decided by finding id against the previous successful run. Waived findings and
 * {@code CHANGED_SINCE_LAST_RUN} (itself a comparison with the previous run) take no part in that comparison: they
 * would make every other run look like a change. A change in the directory is drift all the same, told once: the run's
 * own CHANGED_SINCE_LAST_RUN findings, and those of the audits between the run compared with and this one
 * ({@link Earlier}: a manual run that saw the change first), are a change for {@code notify: on-change} (but for
 * a node's computer password changed alone, which Windows does every 30 days by itself) and listed apart. A finding
 * open in the compared run and waived now is not resolved (its pair still fails): it is listed apart as waived since
 * ({@link Change#waivedSince()}); one waived in the compared run
 * and open now (its waiver expired or was taken out of the baseline) is not new: it is listed apart as open again
 * ({@link Change#unwaived()}), as the reports count it recurring.
 */
public final class NoticeBuilder {
    /** While a job keeps failing, how long after its last failure notice the next one is queued. */
    public static final java.time.Duration REPEAT_FAILURE = java.time.Duration.ofHours(12);
    static final String TEXT_TEMPLATE = "mail-notice.txt.ftl";
    static final String HTML_TEMPLATE = "mail-notice.html.ftl";
    static final String FAILURE_TEXT_TEMPLATE = "mail-failure.txt.ftl";
    static final String FAILURE_HTML_TEMPLATE = "mail-failure.html.ftl";
    /** How the outbox id of a failure notice begins: {@code failed:<job>:<fire time, epoch ms>}. */
    public static final String FAILURE_KEY = "failed:";
    private static final Set<String> NOT_COMPARED = Set.of("CHANGED_SINCE_LAST_RUN");

    private final MailConfig mail;
    private final TemplateRenderer templates;

    public NoticeBuilder(MailConfig mail, TemplateRenderer templates) {
        this.mail = mail;
        this.templates = templates;
    }

    /**
     * The notice that a scheduled audit could not run (directory unreachable, bind refused, store
     * down): to {@code mail.to}, keyed by job and fire time so a retry of the same fire is stored once.
     * {@code stopped}: the audit started and the daemon's stop cut it off (INTERRUPTED): it did run, and no cron fire
     * runs it again while the daemon is down; it runs again when a daemon of this store starts.
     * {@code runId}: the run the fire stored (FAILED or INTERRUPTED), named in the body and the X-Kcd-Audit-Run
     * header; null when none was (skipped for the run lock, the history store down before the run began).
     */
    public Notice failure(String jobName, java.time.Instant fireTime, String runId, String reason, String directoryUrl,
                          String configPath, boolean stopped) {
        String subject = "[kcd-audit] job " + jobName + (stopped ? ": the audit was stopped before it finished"
                : ": the audit could not run");
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("subject", subject);
        model.put("stopped", stopped);
        model.put("job", jobName);
        model.put("fireTime", Words.time(fireTime));
        model.put("runId", runId == null ? "" : runId);
        model.put("reason", reason == null ? "unknown" : reason);
        model.put("directoryUrl", directoryUrl == null ? "" : directoryUrl);
        model.put("config", configPath == null ? "" : configPath);
        model.put("repeatHours", REPEAT_FAILURE.toHours());
        String key = FAILURE_KEY + jobName + ":" + fireTime.toEpochMilli();
        return new Notice(key, messageId(key, mail.from()), runId, jobName, mail.to(), subject,
                templates.render(FAILURE_TEXT_TEMPLATE, model), templates.render(FAILURE_HTML_TEMPLATE, model), null);
    }

    /**
     * The fire time a failure notice's outbox id carries ({@code failed:daily-drift:1796618340000}, epoch ms), for the
     * outbox listing; empty for any other notice.
     */
    public static java.util.Optional<java.time.Instant> failureFireTime(String key) {
        int colon = key.lastIndexOf(':');
        if (!key.startsWith(FAILURE_KEY) || colon < FAILURE_KEY.length()) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(java.time.Instant.ofEpochMilli(Long.parseLong(key.substring(colon + 1))));
        } catch (NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }

    /** Several directories as the notices name them: {@code contoso ldaps://…, fabrikam ldaps://…}. */
    static String directories(List<Map.Entry<String, String>> urlsByName) {
        return String.join(", ", urlsByName.stream().map(e -> e.getKey() + " " + e.getValue()).toList());
    }

    /**
     * What changed in one scope (all clusters, or one). {@code changes}: the scope's open CHANGED_SINCE_LAST_RUN
     * findings, which take no part in the comparison but are open findings of the run like any other: listed apart,
     * and counted where the notice counts open findings, so its figures are those of the body and the reports.
     * {@code unwaived}: waived in the compared run and open now, counted open and neither new nor still open.
     * {@code endingSoon}: the waivers that keep a cluster in scope GO and end within {@link
     * ReportView#WAIVER_ENDS_SOON_DAYS} days of this run, but did not yet at the finish of the run compared with.
     */
    public record Change(String scope, List<Finding> added, List<Finding> resolved, List<Finding> open,
                         List<Finding> changes, List<Finding> waivedSince, List<Finding> unwaived,
                         List<ReportView.WaiverEndingSoon> endingSoon, List<Earlier> earlier) {
        /** Without directory changes of earlier audits. */
        public Change(String scope, List<Finding> added, List<Finding> resolved, List<Finding> open,
                      List<Finding> changes, List<Finding> waivedSince, List<Finding> unwaived,
                      List<ReportView.WaiverEndingSoon> endingSoon) {
            this(scope, added, resolved, open, changes, waivedSince, unwaived, endingSoon, List.of());
        }

        /**
         * Whether there is anything to tell. A CHANGED_SINCE_LAST_RUN finding counts: the rule records only what
         * bears on delegation (entries, userAccountControl flags, resource-based delegation grants, the SPNs of the
         * services a migration needs, encryption types, a node joining, leaving, renamed or its computer object
         * replaced, another account taking or dropping one of its SPNs, its live-migration settings in the
         * host-settings export), and a change is in one run's findings only, so it is told once; but not one telling
         * only that the node's computer password changed, which Windows does every 30 days by itself ({@link
         * ChangedSinceLastRunRule#onlyPasswordChanged}; listed when the notice goes out for something else).
         */
        public boolean changed() {
            return !added.isEmpty() || !resolved.isEmpty() || !waivedSince.isEmpty() || !unwaived.isEmpty()
                    || !endingSoon.isEmpty() || changes.stream().anyMatch(NoticeBuilder::news)
                    || earlier.stream().map(Earlier::finding).anyMatch(NoticeBuilder::news);
        }

        /**
         * The same change with those of the waivers that entered the ending-soon window since the run compared with
         * that keep {@code cluster} GO (null: every cluster), whatever cluster their finding belongs to.
         */
        Change withEndingSoon(List<ReportView.WaiverEndingSoon> entered, String cluster) {
            return new Change(scope, added, resolved, open, changes, waivedSince, unwaived, entered.stream()
                    .filter(e -> cluster == null || e.cluster().equalsIgnoreCase(cluster)).toList(), earlier);
        }

        /** The same with those of the directory changes of earlier audits that are in {@code cluster} (null: all). */
        Change withEarlier(List<Earlier> seen, String cluster) {
            return new Change(scope, added, resolved, open, changes, waivedSince, unwaived, endingSoon, seen.stream()
                    .filter(e -> inScope(e.finding(), cluster)).toList());
        }

        /**
         * Open (not waived) findings in scope, as the reports count them: new, still open, open again and directory
         * changes.
         */
        public int openNow() {
            return added.size() + open.size() + unwaived.size() + changes.size();
        }

        /** Every finding the notice lists. */
        java.util.stream.Stream<Finding> listed() {
            return java.util.stream.Stream.concat(java.util.stream.Stream.of(added, resolved, open, changes,
                    waivedSince, unwaived).flatMap(List::stream), earlier.stream().map(Earlier::finding));
        }

        long addedAt(Severity s) {
            return at(added, s);
        }

        long unwaivedAt(Severity s) {
            return at(unwaived, s);
        }

        private static long at(List<Finding> findings, Severity s) {
            return findings.stream().filter(f -> f.severity() == s).count();
        }
    }

    /**
     * A directory change (CHANGED_SINCE_LAST_RUN) an audit between the run a notice compares with and the run it is
     * about found: {@code runId}, finished {@code finishedAt}. Not an open finding of the notice's run.
     */
    public record Earlier(Finding finding, String runId, java.time.Instant finishedAt) {
    }

    /** Whether directory change {@code f} is a change for {@code notify: on-change}: more than a password changed. */
    private static boolean news(Finding f) {
        return !ChangedSinceLastRunRule.onlyPasswordChanged(f);
    }

    /** Whether {@code f} is a change in the directory since the audit before its own (CHANGED_SINCE_LAST_RUN). */
    static boolean directoryChange(Finding f) {
        return NOT_COMPARED.contains(f.rule());
    }

    /** The notices {@code mode} asks for (no notice told of a failure to make up for). */
    public List<Notice> build(String jobName, Notify mode, FindingsDocument current, List<Finding> previous,
                              String previousRunId, Path pdf) {
        return build(jobName, mode, current, previous, previousRunId, pdf, false);
    }

    /**
     * @param previous the previous successful run's findings; null when there is none (all is new)
     * @param previousRunId for the text; null when none
     * @param pdf      the run's PDF, or null
     * @param tellTeam the team's notice ({@code mail.to}) goes out even without a change (the job's last mail to it
     *                 said it could not run); the cluster owners' follow {@code mode}
     */
    public List<Notice> build(String jobName, Notify mode, FindingsDocument current, List<Finding> previous,
                              String previousRunId, Path pdf, boolean tellTeam) {
        return build(jobName, mode, current, previous, previousRunId, pdf, tellTeam, Set.of());
    }

    /**
     * The same; {@code previousUnaudited} names the clusters the run compared with did not audit (their optional
     * directory could not be read): with those this run did not audit, their findings are neither new nor resolved.
     */
    public List<Notice> build(String jobName, Notify mode, FindingsDocument current, List<Finding> previous,
                              String previousRunId, Path pdf, boolean tellTeam, Set<String> previousUnaudited) {
        return build(jobName, mode, current, previous, previousRunId, pdf, tellTeam, previousUnaudited, null);
    }

    /**
     * The same; {@code previousFinishedAt}, when the run compared with finished (null when unknown), tells which of the
     * waivers ending soon it saw ending soon already: the others have entered that window since, a change.
     */
    public List<Notice> build(String jobName, Notify mode, FindingsDocument current, List<Finding> previous,
                              String previousRunId, Path pdf, boolean tellTeam, Set<String> previousUnaudited,
                              java.time.Instant previousFinishedAt) {
        return build(jobName, mode, current, previous, previousRunId, pdf, tellTeam, previousUnaudited,
                previousFinishedAt, true, List.of());
    }

    /**
     * The same; {@code previousScheduled}: the run compared with is the last scheduled audit that finished and queued
     * its notices (else the last other audit, before any such); {@code earlier}: the directory changes the audits
     * between it and this run found, told with this run's.
     */
    public List<Notice> build(String jobName, Notify mode, FindingsDocument current, List<Finding> previous,
                              String previousRunId, Path pdf, boolean tellTeam, Set<String> previousUnaudited,
                              java.time.Instant previousFinishedAt, boolean previousScheduled, List<Earlier> earlier) {
        if (mode == Notify.NEVER) {
            return List.of();
        }
        List<Notice> out = new ArrayList<>();
        ReportView view = ReportView.of(current);
        ClustersNotCompared notCompared = ClustersNotCompared.of(previousUnaudited, current)
                .lookedAt(current.clusters().stream().map(FindingsDocument.ClusterDoc::name).toList(),
                        current.findings());
        List<ReportView.WaiverEndingSoon> entered = enteredEndingSoon(view, previous, previousFinishedAt);
        String base = previousRunId == null ? null : baseWords(previousScheduled);
        Change all = change("all clusters", current.findings(), previous, null, notCompared)
                .withEndingSoon(entered, null).withEarlier(earlier, null);
        if (mode == Notify.ALWAYS || all.changed() || tellTeam) {
            out.add(render(jobName, view, all, previousRunId, base, pdf, mail.to(), "all", null));
        }
        for (String key : new TreeSet<>(mail.clusterRecipients().keySet())) {
            // the key matches its cluster in any case; the notice names the cluster as clusters: does (the audience
            // keeps the key, as the outbox has always listed it)
            ReportView.ClusterView named = view.cluster(key);
            String cluster = named == null ? key : named.name();
            Change c = change(cluster, current.findings(), previous, cluster, notCompared)
                    .withEndingSoon(entered, cluster).withEarlier(earlier, cluster);
            if (mode == Notify.ALWAYS || c.changed()) {
                out.add(render(jobName, view, c, previousRunId, base, pdf, mail.recipientsOf(cluster),
                        "cluster:" + key, cluster));
            }
        }
        return out;
    }

    /**
     * What the run a notice compares with is, after its id: the last scheduled audit of the configuration that finished
     * and queued its notices, whether or not it had anything to tell ({@code notify: on-change}), or before any such,
     * the last other audit of it.
     */
    static String baseWords(boolean scheduled) {
        return scheduled ? "the last scheduled audit of this configuration that finished and queued its notices (none"
                + " when it had nothing to tell)" : "the last audit of this configuration (no scheduled audit of it has"
                + " finished and queued its notices yet)";
    }

    /**
     * The waivers that keep a cluster GO and end soon ({@link ReportView#waiverEndings()}) that the run compared with
     * did not see ending soon: where it waived the same finding, a waiver valid through a day its own window already
     * reached (the store keeps whether a finding was waived, not until when: the waiver is taken to be the same) was
     * seen; a run compared with whose finish is unknown saw none, no run compared with either.
     */
    static List<ReportView.WaiverEndingSoon> enteredEndingSoon(ReportView view, List<Finding> previous,
                                                               java.time.Instant previousFinishedAt) {
        if (previous == null || previousFinishedAt == null) {
            return view.waiverEndings();
        }
        java.time.LocalDate seenUntil = ReportView.endsSoonLimit(previousFinishedAt);
        Set<String> waivedBefore = new java.util.HashSet<>();
        previous.stream().filter(Finding::isWaived).forEach(f -> waivedBefore.add(f.id()));
        return view.waiverEndings().stream().filter(e -> !waivedBefore.contains(e.finding().id())
                || e.expires().isAfter(seenUntil)).toList();
    }

    static Change change(String scope, List<Finding> current, List<Finding> previous, String cluster) {
        return change(scope, current, previous, cluster, ClustersNotCompared.NONE);
    }

    /** {@code notCompared}: the clusters one of the two runs did not audit. */
    static Change change(String scope, List<Finding> current, List<Finding> previous, String cluster,
                         ClustersNotCompared notCompared) {
        Map<String, Finding> now = index(current, cluster);
        Map<String, Finding> before = previous == null ? Map.of() : index(previous, cluster);
        // waived in the compared run: one open now counts again, told when it first came (the reports: recurring)
        Set<String> waivedBefore = new java.util.HashSet<>();
        if (previous != null) {
            previous.stream().filter(f -> f.isWaived() && inScope(f, cluster)).forEach(f -> waivedBefore.add(f.id()));
        }
        List<Finding> added = new ArrayList<>();
        List<Finding> open = new ArrayList<>();
        List<Finding> unwaived = new ArrayList<>();
        for (Finding f : now.values()) {
            if (before.containsKey(f.id()) || !notCompared.compared(f)) {
                open.add(f);
            } else {
                (waivedBefore.contains(f.id()) ? unwaived : added).add(f);
            }
        }
        // open in the compared run and waived now: not resolved (the pair still fails; the reports count it neither
        // new nor resolved), but a change the notice tells apart
        Map<String, Finding> waivedSince = new LinkedHashMap<>();
        for (Finding f : current) {
            if (f.isWaived() && inScope(f, cluster) && before.containsKey(f.id()) && !now.containsKey(f.id())) {
                waivedSince.putIfAbsent(f.id(), f);
            }
        }
        List<Finding> resolved = before.values().stream().filter(f -> !now.containsKey(f.id())
                && !waivedSince.containsKey(f.id()) && notCompared.resolvable(f)).toList();
        List<Finding> changes = current.stream().filter(f -> !f.isWaived() && NOT_COMPARED.contains(f.rule())
                && inScope(f, cluster)).toList();
        return new Change(scope, sorted(added), sorted(resolved), sorted(open), sorted(changes),
                sorted(List.copyOf(waivedSince.values())), sorted(unwaived), List.of());
    }

    private static boolean inScope(Finding f, String cluster) {
        return cluster == null || f.cluster() != null && f.cluster().equalsIgnoreCase(cluster);
    }

    private static Map<String, Finding> index(List<Finding> findings, String cluster) {
        Map<String, Finding> out = new LinkedHashMap<>();
        for (Finding f : findings) {
            if (f.isWaived() || NOT_COMPARED.contains(f.rule())) {
                continue;
            }
            if (!inScope(f, cluster)) {
                continue;
            }
            out.putIfAbsent(f.id(), f);
        }
        return out;
    }

    /** By severity, cluster and host, then rule by rule, each rule's by peer and SPN: not one rule's lines split by another's. */
    private static List<Finding> sorted(List<Finding> list) {
        return list.stream().sorted(Comparator.comparing(Finding::severity)
                .thenComparing(f -> f.cluster() == null ? "" : f.cluster())
                .thenComparing(f -> f.host() == null ? "" : f.host())
                .thenComparing(Finding::rule)
                .thenComparing(f -> f.peer() == null ? "" : f.peer())
                .thenComparing(f -> f.spn() == null ? "" : f.spn())
                .thenComparing(Finding::id)).toList();
    }

    /**
     * {@code [kcd-audit] HVC1: 3 new HIGH findings — live migration at risk}, and the quieter forms. The leading change
     * first (a HIGH finding new or no longer waived; else new findings; else resolved, newly waived or no longer waived
     * ones; else the directory changes), then each other change in a few words, so a run that also resolved or waived
     * a finding, or changed the directory, does not read as if it only added one ("1 new HIGH finding, 1 resolved —
     * live migration at risk"). Mail clients cut subjects at 78 to 100 characters: what matters most comes first.
     */
    static String subject(Change c, String scopeLabel) {
        long high = c.addedAt(Severity.HIGH);
        long highAgain = c.unwaivedAt(Severity.HIGH);
        List<String> parts = new ArrayList<>();
        boolean atRisk = high > 0 || highAgain > 0;
        if (atRisk) {
            // a HIGH finding whose waiver ended puts live migration at risk again as a new one does
            List<String> risk = new ArrayList<>();
            if (high > 0) {
                risk.add(high + " new HIGH finding" + (high == 1 ? "" : "s"));
            }
            if (highAgain > 0) {
                risk.add(highAgain + (high > 0 ? "" : " HIGH finding" + (highAgain == 1 ? "" : "s"))
                        + " no longer waived");
            }
            parts.add(String.join(" and ", risk));
            // the others below HIGH, each list worst first
            List<Finding> otherNew = c.added().stream().filter(f -> f.severity() != Severity.HIGH).toList();
            if (!otherNew.isEmpty()) {
                parts.add(otherNew.size() + " other new (worst " + otherNew.get(0).severity().name() + ")");
            }
            List<Finding> otherAgain = c.unwaived().stream().filter(f -> f.severity() != Severity.HIGH).toList();
            if (!otherAgain.isEmpty()) {
                parts.add(otherAgain.size() + " other no longer waived (worst " + otherAgain.get(0).severity().name()
                        + ")");
            }
        } else if (!c.added().isEmpty()) {
            // those no longer waived beside them are named too, and count for the worst (each list worst first)
            Severity worst = c.added().get(0).severity();
            if (!c.unwaived().isEmpty() && c.unwaived().get(0).severity().compareTo(worst) < 0) {
                worst = c.unwaived().get(0).severity();
            }
            parts.add(c.added().size() + " new finding" + (c.added().size() == 1 ? "" : "s")
                    + (c.unwaived().isEmpty() ? "" : " and " + c.unwaived().size() + " no longer waived") + " (worst "
                    + worst.name() + ")");
        }
        boolean quiet = parts.isEmpty();
        // "2 findings resolved, 1 newly waived": without a new finding the first figure names the findings, and the
        // body's STILL OPEN list is counted after them
        for (Map.Entry<Integer, String> e : List.of(Map.entry(c.resolved().size(), " resolved"),
                Map.entry(c.waivedSince().size(), " newly waived"),
                Map.entry(quiet ? c.unwaived().size() : 0, " no longer waived"))) {
            int k = e.getKey();
            if (k > 0) {
                parts.add(k + (parts.isEmpty() ? " finding" + (k == 1 ? "" : "s") : "") + e.getValue());
            }
        }
        int changed = c.changes().size();
        int earlier = c.earlier().size();
        String inEarlier = c.earlier().stream().map(Earlier::runId).distinct().count() > 1 ? " in earlier audits"
                : " in an earlier audit";
        if (parts.isEmpty() && changed + earlier > 0) {
            // the directory changed and nothing else: the change leads, each CHANGED finding one host's
            int first = changed > 0 ? changed : earlier;
            parts.add(Words.plural(first, "host") + " changed in the directory" + (changed > 0 ? "" : inEarlier));
            if (changed > 0 && earlier > 0) {
                parts.add(earlier + inEarlier);
            }
            parts.add(c.open().size() + " still open");
        } else if (!parts.isEmpty()) {
            if (quiet) {
                parts.add(c.open().size() + " still open");
            }
            if (changed > 0) {
                parts.add(changed + " changed in the directory");
            }
            if (earlier > 0) {
                parts.add(earlier + " changed" + inEarlier);
            }
        } else {
            // a waiver entering the ending-soon window is the change: said first, the open findings after it
            String open = c.openNow() + " open finding" + (c.openNow() == 1 ? "" : "s");
            return "[kcd-audit] " + scopeLabel + ": " + (c.endingSoon().isEmpty() ? "no change, " + open
                    : endingSoon(c.endingSoon()) + "; no other change, " + open);
        }
        return "[kcd-audit] " + scopeLabel + ": " + String.join(", ", parts)
                + (atRisk ? " \u2014 live migration at risk" : "")
                + (c.endingSoon().isEmpty() ? "" : "; " + endingSoon(c.endingSoon()));
    }

    /**
     * {@code waiver ending soon — HVC1 turns NO-GO on 2026-12-10}; with several, the first to end, then {@code and 2
     * more clusters by 2026-12-14} (the last of them; the body names up to three).
     */
    private static String endingSoon(List<ReportView.WaiverEndingSoon> endings) {
        ReportView.WaiverEndingSoon first = endings.get(0);
        int more = endings.size() - 1;
        return (more == 0 ? "waiver" : "waivers") + " ending soon — " + first.cluster() + " turns NO-GO on "
                + first.expires().plusDays(1) + (more == 0 ? "" : " and " + Words.plural(more, "more cluster")
                + " by " + endings.get(more).expires().plusDays(1));
    }

    private Notice render(String jobName, ReportView view, Change c, String previousRunId, String base, Path pdf,
                          List<String> recipients, String audience, String cluster) {
        FindingsDocument doc = view.doc();
        String scopeLabel = scopeLabel(c, audience);
        String subject = subject(c, scopeLabel);
        Path attach = null;
        String pdfNote = null;
        if (pdf != null && Files.isRegularFile(pdf)) {
            long size = size(pdf);
            long max = mail.attachPdfMaxBytes();
            if (size <= max && max > 0) {
                attach = pdf;
                pdfNote = "The PDF report is attached (" + pdf.getFileName() + ", " + kib(size) + ").";
            } else {
                // 0 is "never attach": no PDF is larger than that, however small
                pdfNote = "The PDF report (" + kib(size) + ") is " + (max > 0 ? "larger than mail.attachPdfMaxMb allows ("
                        + max / (1024 * 1024) + " MB)" : "not attached (mail.attachPdfMaxMb: 0)") + "; it is at "
                        + pdf.toAbsolutePath();
            }
        } else if (pdf != null) {
            pdfNote = "No PDF report was written for this run (reports.formats).";
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("subject", subject);
        model.put("scope", scopeLabel);
        model.put("job", jobName == null ? "manual" : jobName);
        model.put("runId", doc.runId());
        // to the second, as every other output writes times (the Instant's own form has nanoseconds)
        model.put("startedAt", Words.time(doc.startedAt()));
        model.put("finishedAt", Words.time(doc.finishedAt()));
        model.put("directoryUrl", view.multiDirectory() ? directories(view.directories().stream()
                .map(d -> Map.entry(d.name(), String.valueOf(d.url()))).toList())
                : doc.directory() == null ? "" : String.valueOf(doc.directory().url()));
        // drift messages say when and where delegation changed; where the directory keeps no change times, once here
        boolean drift = c.listed()
                .anyMatch(f -> view.rule(f.rule()).category() == org.kcdauditor.rules.Category.DRIFT);
        // a cluster's owners hear of the directories its pairs are in, as its preflight tells of them
        Set<String> scope = cluster == null ? null : view.directoriesOf(cluster);
        String changeTimes = scope == null ? view.changeTimesNote() : view.changeTimesNote(scope);
        model.put("changeTimesNote", changeTimes == null || !drift ? "" : changeTimes);
        model.put("previousRunId", previousRunId == null ? "" : previousRunId);
        model.put("previousRun", base == null ? "" : base);
        // the waivers that entered the ending-soon window since the run compared with, under the decision they qualify
        String endingSoon = ReportView.waiversEndingSoon(c.endingSoon());
        model.put("endingSoon", endingSoon);
        model.put("summary", summary(view, cluster, endingSoon));
        // what to do, as the reports say it (the plan's advice for a consequence of waived findings)
        Map<String, String> remedies = new HashMap<>();
        view.findings().forEach(v -> remedies.put(v.finding().id(), v.remediation()));
        model.put("added", rows(c.added(), remedies));
        model.put("resolved", rows(c.resolved(), remedies));
        // clusters added to or taken out of the configuration: no change in the directory, said as the reports say it
        model.put("configurationChanges", doc.history() == null ? List.of()
                : doc.history().configurationChanges(cluster));
        model.put("waivedSince", rows(c.waivedSince(), remedies));
        model.put("unwaived", rows(c.unwaived(), remedies));
        model.put("comparedNote", comparedNote(doc, c, cluster, previousRunId, base));
        model.put("open", rows(c.open(), remedies));
        model.put("changes", rows(c.changes(), remedies));
        // each with the audit that found it: not an open finding of this run
        List<Map<String, Object>> earlier = new ArrayList<>();
        for (Earlier e : c.earlier()) {
            Map<String, Object> row = rows(List.of(e.finding()), remedies).get(0);
            row.put("message", row.get("message") + " (run " + e.runId() + ", " + Words.time(e.finishedAt()) + ")");
            earlier.add(row);
        }
        model.put("earlier", earlier);
        // the exports the verdict went on without, named as the runbooks name them
        RunbookModel.putInputsNotUsed(model, view);
        String aes = scope == null ? view.aesNotChecked() : view.aesNotChecked(scope);
        model.put("aesNotChecked", aes == null ? "" : aes);
        String auth = view.migrationAuthenticationNotChecked(cluster == null ? null : Set.of(cluster));
        model.put("migrationAuthenticationNotChecked", auth == null ? "" : auth);
        model.put("operatorsNotChecked", view.operatorsNotChecked() == null ? "" : view.operatorsNotChecked());
        model.put("pdfNote", pdfNote == null ? "" : pdfNote);
        model.put("reportDir", pdf == null ? "" : pdf.toAbsolutePath().getParent().toString());
        String text = templates.render(TEXT_TEMPLATE, model);
        String html = templates.render(HTML_TEMPLATE, model);
        String key = doc.runId() + ":" + audience;
        return new Notice(key, messageId(key, mail.from()), doc.runId(), jobName, recipients, subject, text, html,
                attach);
    }

    /**
     * The state of the run at the top of the notice, from the report view (the numbers of the PDF and the
     * workbook): the decision (GO/NO-GO per cluster in scope, as the PDF's decision page has it, with the failing
     * directions, the waived ones still failing and the reasons), the headline and counts for the whole run. The
     * headline leaves out its sentence of the waivers ending soon when {@code endingSoon}, said under the decision, is
     * that sentence: the mail says it once.
     */
    private static Map<String, Object> summary(ReportView view, String cluster, String endingSoon) {
        Map<String, Object> m = new LinkedHashMap<>();
        ReportView.ClusterView scoped = cluster == null ? null : view.cluster(cluster);
        // a cluster's owners read their cluster's state, as their subject and lists count it; the run's headline
        // stays, said to be the whole audit's
        m.put("scope", scoped == null ? "" : scoped.name());
        String headline = !endingSoon.isEmpty() && endingSoon.equals(view.waiversEndingSoon())
                ? view.headlineWithoutWaiversEndingSoon() : view.headline();
        m.put("headline", scoped == null ? headline : "The whole audit: " + headline);
        m.put("status", scoped == null ? view.status().label() : scoped.statusLabel());
        Counts counts = scoped == null ? view.counts() : scoped.counts();
        for (Severity s : Severity.values()) {
            m.put(s.name().toLowerCase(Locale.ROOT), counts.open(s));
        }
        m.put("waived", counts.waivedTotal());
        m.put("decisions", scoped == null ? view.decisions().size() : view.decisions().stream()
                .filter(d -> scoped.name().equalsIgnoreCase(d.finding().cluster())).count());
        List<Map<String, Object>> clusters = new ArrayList<>();
        Map<ReportView.ClusterView, Map<String, Object>> byView = new java.util.IdentityHashMap<>();
        for (ReportView.ClusterView c : view.clusters()) {
            if (cluster != null && !c.name().equalsIgnoreCase(cluster)) {
                continue;
            }
            Map<String, Object> cm = new LinkedHashMap<>();
            cm.put("name", c.name());
            cm.put("status", c.statusLabel());
            cm.put("go", c.go());
            cm.put("decision", c.go() ? "GO" : "NO-GO");
            cm.put("failing", c.failing().stream().map(ReportView.Cell::direction).toList());
            cm.put("waivedFailing", c.waivedFailing().stream().map(x -> x.direction() + " (" + x.waiverNote() + ")")
                    .toList());
            cm.put("reasons", c.verdict().reasons().stream().map(r -> r.text()).toList());
            cm.put("goAfter", c.goAfter());
            cm.put("audited", c.audited());
            cm.put("pairsOk", c.pairsOk());
            cm.put("pairs", c.pairs());
            // the node pairs (live migration) and the paths to a file server (storage over SMB) apart, as every output
            // counts them; a cluster not audited has no pair counts: "pairs not checked" / "—", not "0/0 pairs OK"
            cm.put("nodePairsOk", c.nodePairsOk());
            cm.put("nodePairs", c.nodePairs());
            cm.put("fileServerPathsOk", c.fileServerPathsOk());
            cm.put("fileServerPaths", c.fileServerPaths());
            cm.put("pairsText", c.pairsOkInWords());
            cm.put("nodePairsCell", c.nodePairsOkText());
            cm.put("fileServerPathsCell", c.fileServerPathsOkText());
            // every directed path under one count, for a template written before the counts apart
            cm.put("pairsCell", c.audited() ? c.pairsOk() + "/" + c.pairs() : Words.NO_PERCENT);
            cm.put("compliance", Words.percent(c.compliancePercent()));
            for (Severity s : Severity.values()) {
                cm.put(s.name().toLowerCase(Locale.ROOT), c.counts().open(s));
            }
            clusters.add(cm);
            byView.put(c, cm);
        }
        m.put("clusters", clusters);
        // the same clusters NO-GO first, worst first (page 1's order): where there are more than the templates name,
        // the ones named are those to act on
        m.put("clustersWorstFirst", view.clustersNoGoFirst().stream().map(byView::get)
                .filter(java.util.Objects::nonNull).toList());
        // the team's notice: findings outside every cluster (an operator, a baseline host that is gone) get a row of
        // their own, as in the PDF and the workbook, so the cluster rows add up to the open findings above them
        Counts outside = view.unclustered();
        if (cluster == null && outside.openTotal() > 0) {
            Map<String, Object> um = new LinkedHashMap<>();
            um.put("label", view.unclusteredLabel());
            um.put("status", org.kcdauditor.report.Status.of(outside).label());
            for (Severity s : Severity.values()) {
                um.put(s.name().toLowerCase(Locale.ROOT), outside.open(s));
            }
            m.put("unclustered", um);
        }
        long noGo = clusters.stream().filter(c -> !Boolean.TRUE.equals(c.get("go"))).count();
        m.put("noGo", noGo);
        m.put("decision", clusters.isEmpty() ? "no cluster in scope" : ReportView.decision(noGo, clusters.size(),
                String.valueOf(clusters.get(0).get("name"))));
        m.put("fixedByChange", view.fixedByChange());
        m.put("change", view.plan().hasChanges());
        return m;
    }

    /**
     * A cluster notice's cluster; for the team's notice the one cluster its findings (new, resolved and still open:
     * all the subject counts) concern, else {@code N clusters} — never the cluster of the change alone beside counts
     * and a body over every cluster.
     */
    private static String scopeLabel(Change c, String audience) {
        if (!audience.equals("all")) {
            return c.scope();
        }
        Set<String> clusters = new LinkedHashSet<>();
        boolean outside = false;
        // the clusters of the waivers ending soon too: a notice may tell of nothing else
        for (Finding f : java.util.stream.Stream.concat(c.listed(), c.endingSoon().stream()
                .map(ReportView.WaiverEndingSoon::finding)).toList()) {
            if (f.cluster() == null) {
                outside = true;
            } else {
                clusters.add(f.cluster());
            }
        }
        if (clusters.size() == 1) {
            // the subject's counts take in the findings outside every cluster too: not one cluster's alone
            return clusters.iterator().next() + (outside ? " and findings not tied to a cluster" : "");
        }
        return clusters.isEmpty() ? outside ? "findings not tied to a cluster" : "all clusters"
                : clusters.size() + " clusters";
    }

    /**
     * For the notice about every cluster whose new and resolved counts differ from the reports' (findings.json
     * {@code history}), why: the reports count waived findings and CHANGED_SINCE_LAST_RUN, which a notice leaves out;
     * else empty. {@code baseWords}: what the run the notice compares with is ({@link #baseWords}).
     */
    static String comparedNote(FindingsDocument doc, Change c, String cluster, String noticeBase, String baseWords) {
        if (cluster != null || doc.history() == null || doc.history().newFindings() == null
                || doc.history().resolvedFindings() == null) {
            return "";
        }
        int reportsNew = doc.history().newFindings().size();
        int reportsResolved = doc.history().resolvedFindings().size();
        int reportsUnwaived = doc.history().unwaived().size();
        if (reportsNew == c.added().size() && reportsResolved == c.resolved().size()
                && reportsUnwaived == c.unwaived().size()) {
            return "";
        }
        String counted = reportsNew + " new" + (reportsUnwaived == 0 ? " and " : ", " + reportsUnwaived
                + " no longer waived and ") + reportsResolved + " resolved";
        String reportsBase = doc.history().previousRunId();
        if (noticeBase != null && reportsBase != null && !noticeBase.equals(reportsBase)) {
            return "The reports count " + counted + " against run " + reportsBase + ", the last audit before this one"
                    + " that filed reports (a preflight or baseline capture is none); this notice counts against run "
                    + noticeBase + ", " + baseWords + ", and leaves out waived findings and CHANGED_SINCE_LAST_RUN.";
        }
        return "The reports count " + counted + " against the previous run:"
                + " they include waived findings and CHANGED_SINCE_LAST_RUN (each run has its own), which this notice"
                + " leaves out.";
    }

    private static List<Map<String, Object>> rows(List<Finding> findings, Map<String, String> remedies) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Finding f : findings) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", f.id());
            m.put("severity", f.severity().name());
            m.put("rule", f.rule());
            m.put("cluster", f.cluster() == null ? "" : f.cluster());
            // a node named like another (a letter of another script, a character that shows as nothing) by its code, as
            // the messages and the reports name it
            m.put("host", Values.visibleAccount(f.host()));
            m.put("peer", Values.visibleAccount(f.peer()));
            m.put("message", f.message() == null ? "" : f.message());
            String remedy = remedies.getOrDefault(f.id(), f.remediation());
            m.put("remediation", remedy == null ? "" : remedy);
            Finding.Waiver w = f.isWaived() ? f.waiver() : null;
            m.put("waiverExpires", w == null || w.expires() == null ? "" : w.expires().toString());
            m.put("waiverJustification", w == null || w.justification() == null ? "" : w.justification());
            out.add(m);
        }
        return out;
    }

    /** {@code <kcd-audit.<key>@<domain of from>>}: the same for every attempt, so clients can de-duplicate. */
    static String messageId(String key, String from) {
        String domain = from == null || from.indexOf('@') < 0 ? "kcd-audit.invalid"
                : from.substring(from.lastIndexOf('@') + 1).replace(">", "").trim();
        String local = key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", ".");
        return "<kcd-audit." + local + "@" + domain + ">";
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }

    private static String kib(long bytes) {
        return bytes >= 1024 * 1024 ? String.format(Locale.ROOT, "%.1f MB", bytes / 1048576.0)
                : (bytes + 1023) / 1024 + " KB";
    }
}
