package org.kcdauditor.report;

import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Finding;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.remedy.Commands;
import org.kcdauditor.remedy.Remedies;
import org.kcdauditor.remedy.Values;
import org.kcdauditor.report.RemediationPlan.HostChange;
import org.kcdauditor.report.RemediationPlan.PeerSpns;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The change procedure, once, as data: its phases in order, each with its steps and their commands.
 * The PDF lists the phases, the workbook's Runbook sheet the steps, and the runbooks and the script lay
 * out the same steps with the same command text.
 */
public final class Procedure {
    /** Said of a closing preflight whose cluster name no shell takes as one plain argument (no command for it). */
    private static final String NO_PREFLIGHT_COMMAND = "no command is given for it: its name holds characters a command"
            + " line would change, so run kcd-audit preflight --cluster with the name quoted for your shell";

    /** The number of the phase on the hosts: it follows "Before you start" and "Change each host". */
    private static final int HOSTS_STEP = 3;
    /** The script, started in the report folder it was written to (PowerShell runs no script of the current folder without .\). */
    public static final String SCRIPT = ".\\remediation.ps1";
    /** The script, changing the directory. */
    public static final String SCRIPT_APPLY = SCRIPT + " -Apply";
    /** The script, reverting what -Apply recorded. */
    public static final String SCRIPT_ROLLBACK = SCRIPT + " -Rollback -Apply";
    /** Where Reset-ComputerMachinePassword runs: PowerShell 7 (pwsh) does not have it. */
    static final String WINDOWS_POWERSHELL = "Windows PowerShell 5.1 (powershell.exe; PowerShell 7, pwsh, has no"
            + " Reset-ComputerMachinePassword)";
    /** The step on the hosts switching to Kerberos the hosts the check of step 1 found using CredSSP. */
    public static final String CREDSSP_SWITCH = "Where step 1 showed CredSSP: authenticate live migrations with"
            + " Kerberos";

    /**
     * What an account needs to start a move remotely, or to check a storage path through a node's delegation, in the
     * one wording every report uses: "delegable (not in Protected Users, not "sensitive and cannot be delegated")".
     */
    public static final String DELEGABLE = "delegable (not in Protected Users, not \"sensitive and cannot be"
            + " delegated\")";

    /** Step 2 of a change made only on the hosts ({@link RemediationPlan#scripted()} false), before its step number. */
    public static final String NOTHING_SCRIPTED = "Nothing changes in ADUC or with remediation.ps1: the change is made"
            + " on the hosts";
    /** The rollback of such a change. */
    public static final String NOTHING_TO_ROLL_BACK = "Nothing was changed in ADUC or with remediation.ps1, so neither"
            + " has anything to roll back.";

    /** The phases of a change, in order. */
    public enum Phase {
        BEFORE("Before you start"),
        CHANGE("Change each host"),
        HOSTS("On the hosts"),
        REPLICATE("Replicate"),
        PURGE("Purge the hosts' Kerberos tickets"),
        VALIDATE("Validate"),
        DECIDE("Needs a decision"),
        /** After the test moves and the decisions: the new baseline (where the change needs one) and preflight. */
        CONFIRM("Audit again"),
        /** Only if the change must be undone: last, after the procedure it would undo. */
        ROLLBACK("Rollback");

        private final String title;

        Phase(String title) {
            this.title = title;
        }

        public String title() {
            return title;
        }
    }

    /**
     * One step: on {@code host} (empty when it is not about one), {@code action} in words, {@code detail}, the
     * commands that carry it out (none for a check), for a change (or a decision's proposal) those that undo it, the
     * rules whose
     * findings it settles, the change itself as a typed action (null for other steps), and {@code noCommand}: for a
     * step that has no command because a value cannot be typed safely, why, naming the value by its code, and what to
     * do instead (the end of {@code detail} too, as the workbook's Runbook sheet shows it); else empty.
     */
    public record Step(Phase phase, String host, String action, String detail, List<String> commands,
                       List<String> undo, List<String> rules, Action change, String noCommand) {
        public Step {
            commands = List.copyOf(commands);
            undo = List.copyOf(undo);
            rules = List.copyOf(rules);
            noCommand = noCommand == null ? "" : noCommand;
        }

        Step(Phase phase, String host, String action, String detail, List<String> commands, List<String> undo,
             List<String> rules, Action change) {
            this(phase, host, action, detail, commands, undo, rules, change, "");
        }

        Step(Phase phase, String host, String action, String detail, List<String> commands, List<String> undo) {
            this(phase, host, action, detail, commands, undo, List.of(), null);
        }

        /** This step without a command: {@code noCommand} says why, after the detail. */
        Step(Phase phase, String host, String action, String detail, String noCommand, List<String> rules,
             Action change) {
            this(phase, host, action, detail + "; " + noCommand, List.of(), List.of(), rules, change, noCommand);
        }

        /** The commands on separate lines, or empty. */
        public String command() {
            return String.join("\n", commands);
        }
    }

    /** A phase as reports show it: its number among the phases present, title, one-sentence summary, steps. */
    public record PhaseView(int number, Phase phase, String summary, List<Step> steps) {
        public String title() {
            return phase.title();
        }
    }

    private final List<PhaseView> phases;
    /**
     * The export step's command where the base DN cannot be typed into one (a findings.json edited by hand: a line
     * break or a right-to-left override in it; a run refuses such a DN in its config).
     */
    static final String EXPORT_BY_HAND = "# Export by hand: the base DN holds characters that cannot be typed safely"
            + " into a command; export the objects above with Get-ADComputer -Identity <name> -Properties * from an"
            + " admin workstation";
    private final String exportCommand;
    private final List<String> exportFiles;
    private final List<String> exportCommands;
    private final List<String> replicateCommands;
    private final String configFile;
    private final MigrationAuth migrationAuth;

    private Procedure(List<PhaseView> phases, String exportCommand, List<String> exportFiles, List<String> exportCommands,
                      List<String> replicateCommands, String configFile, MigrationAuth migrationAuth) {
        this.phases = phases;
        this.migrationAuth = migrationAuth;
        this.exportCommand = exportCommand;
        this.exportFiles = exportFiles;
        this.exportCommands = exportCommands;
        this.replicateCommands = replicateCommands;
        this.configFile = configFile;
    }

    /**
     * The configuration file the closing commands name ({@code summary.configFile}, on the machine that ran the
     * audit); null when they name the placeholder {@link Commands#PREFLIGHT_CONFIG}, which the runbooks say to
     * replace: the run recorded none (the demo, a findings.json written before the field), or no quoting keeps its
     * path one literal argument ({@link org.kcdauditor.cli.ShellArg#ofPath}).
     */
    public String configFile() {
        return configFile;
    }

    /** Step 1's check of the hosts' migration authentication: what the imported exports found, what is checked by hand. */
    public MigrationAuth migrationAuth() {
        return migrationAuth;
    }

    /** A cluster's hosts: "HVC1: HV01, HV03"; hosts of no cluster under "". */
    public record ClusterHosts(String cluster, List<String> hosts) {
        @Override
        public String toString() {
            return (cluster.isEmpty() ? "" : cluster + ": ") + String.join(", ", hosts);
        }
    }

    static String inWords(List<ClusterHosts> hosts) {
        return String.join("; ", hosts.stream().map(ClusterHosts::toString).toList());
    }

    /**
     * The hosts of the directions to test as step 1 checks their migration authentication. Where an imported
     * Get-VMHost export ({@code hostSettings.sources}; findings.json {@code imports} of kind hostSettings, read with
     * their {@code modified} time) covers a node, what it found: {@code kerberos} and {@code credSsp} (a
     * MIGRATION_AUTH_NOT_KERBEROS finding, waived or not), by cluster; {@code byHand}: the hosts to check by hand, in
     * host order, cluster by cluster: those no export covers with Kerberos or CredSSP ({@code
     * clusters[].migrationAuthenticationUnchecked}), those found using CredSSP, and every host when no export was read
     * (or a findings.json written before {@code modified}). {@code exports}: the exports read and their times, in
     * words; {@code checkCommand}: one loop showing each typed {@code byHand} host's type (null without one).
     */
    public record MigrationAuth(String exports, List<ClusterHosts> kerberos, List<ClusterHosts> credSsp,
                                List<String> byHand, String checkCommand) {
        static final MigrationAuth NONE = new MigrationAuth("", List.of(), List.of(), List.of(), null);

        static MigrationAuth of(FindingsDocument doc, List<String> hosts,
                                java.util.function.UnaryOperator<String> machine) {
            List<org.kcdauditor.inventory.ImportResult> read = doc.imports() == null ? List.of() : doc.imports()
                    .stream().filter(i -> "hostSettings".equals(i.kind()) && !i.failed() && i.modified() != null)
                    .toList();
            if (read.isEmpty()) {
                return new MigrationAuth("", List.of(), List.of(), hosts, Commands.migrationAuthCheckLoop(hosts.stream()
                        .map(machine).toList()));
            }
            String exports = (read.size() == 1 ? "the Get-VMHost export " : "the Get-VMHost exports ") + String.join(
                    ", ", read.stream().map(i -> fileName(i.file()) + " (written " + Words.time(i.modified()) + ")")
                    .toList());
            Map<String, String> clusterOf = new HashMap<>();
            Set<String> unchecked = new HashSet<>();
            for (FindingsDocument.ClusterDoc c : doc.clusters() == null ? List.<FindingsDocument.ClusterDoc>of()
                    : doc.clusters()) {
                if (c.wasAudited()) { // a cluster whose directory was not read: nothing known of its nodes
                    (c.nodes() == null ? List.<String>of() : c.nodes()).forEach(n -> clusterOf.putIfAbsent(
                            n.toLowerCase(Locale.ROOT), c.name() == null ? "" : c.name()));
                }
                (c.migrationAuthenticationUnchecked() == null ? List.<String>of() : c.migrationAuthenticationUnchecked())
                        .forEach(n -> unchecked.add(n.toLowerCase(Locale.ROOT)));
            }
            Set<String> credSspHosts = new HashSet<>();
            (doc.findings() == null ? List.<Finding>of() : doc.findings()).stream()
                    .filter(f -> "MIGRATION_AUTH_NOT_KERBEROS".equals(f.rule()) && f.host() != null)
                    .forEach(f -> credSspHosts.add(f.host().toLowerCase(Locale.ROOT)));
            Map<String, List<String>> kerberos = new LinkedHashMap<>();
            Map<String, List<String>> credSsp = new LinkedHashMap<>();
            List<String> byHand = new ArrayList<>();
            for (String h : hosts) {
                String key = h.toLowerCase(Locale.ROOT);
                String cluster = clusterOf.get(key);
                if (cluster == null || unchecked.contains(key)) {
                    byHand.add(h); // no export covers it (a file server is no Hyper-V host of a cluster)
                } else if (credSspHosts.contains(key)) {
                    credSsp.computeIfAbsent(cluster, c -> new ArrayList<>()).add(h);
                    byHand.add(h);
                } else {
                    kerberos.computeIfAbsent(cluster, c -> new ArrayList<>()).add(h);
                }
            }
            return new MigrationAuth(exports, grouped(kerberos), grouped(credSsp), List.copyOf(byHand),
                    Commands.migrationAuthCheckLoop(byHand.stream().map(machine).toList()));
        }

        private static List<ClusterHosts> grouped(Map<String, List<String>> byCluster) {
            return byCluster.entrySet().stream().map(e -> new ClusterHosts(e.getKey(), List.copyOf(e.getValue())))
                    .toList();
        }

    }

    /** The file's name without its folder, as the runbook names an import ("vmhost.csv"). */
    private static String fileName(String file) {
        String f = file == null ? "" : file;
        return f.substring(Math.max(f.lastIndexOf('/'), f.lastIndexOf('\\')) + 1);
    }

    /** The exports of the current state, one per directory the change writes to (one for a single domain). */
    public List<String> exportCommands() {
        return exportCommands;
    }

    /** The replication pushes, one per directory the change writes to, each from the DC written to. */
    public List<String> replicateCommands() {
        return replicateCommands;
    }

    /**
     * The phases present, in the order the admin works through them: those of a change when there is one, the
     * decisions (when there are any) after its test moves and before it is audited again, and the rollback last.
     */
    public List<PhaseView> phases() {
        return phases;
    }

    /** The phase, or null when this run has none of it. */
    public PhaseView phase(Phase p) {
        return phases.stream().filter(v -> v.phase() == p).findFirst().orElse(null);
    }

    /** The steps of a phase; empty when absent. */
    public List<Step> steps(Phase p) {
        PhaseView v = phase(p);
        return v == null ? List.of() : v.steps();
    }

    /**
     * The change-record checklist: every step of every phase except the rollback (done only if needed),
     * in order; the Runbook sheet numbers them.
     */
    public List<Step> checklist() {
        List<Step> out = new ArrayList<>();
        phases.stream().filter(v -> v.phase() != Phase.ROLLBACK).forEach(v -> out.addAll(v.steps()));
        return out;
    }

    /** The export of the current state, run before the change. */
    public String exportCommand() {
        return exportCommand;
    }

    /** The files the export writes, named after the run: one, or one per directory the change writes to. */
    public List<String> exportFiles() {
        return exportFiles;
    }

    /**
     * Whether the validation records the changed delegation in a new baseline: a baseline is in use and the change
     * leaves some host's delegation entries or flags other than the baseline documents them (else the next audit calls
     * the change drift); a change that only takes drift back, or touches only SPNs, needs none
     * ({@link RemediationPlan#departsFromBaseline}).
     */
    public static boolean recordsBaseline(FindingsDocument doc, RemediationPlan plan) {
        return doc.baseline() != null && plan.departsFromBaseline(doc);
    }

    /**
     * The steps of the change and of the decisions, built before the procedure, and what to do about a finding where
     * the plan's step says it otherwise than the finding's own words ({@code remedies}, by finding id): a decision
     * whose list is set after the change's list for its host, or saved to a file of its own (the host's second save in
     * the run or later), and a finding whose list the change sets ("The change of HV01 does this: …"). Every report
     * gives that as the finding's remediation.
     */
    record Parts(List<Step> change, List<Step> decide, Map<String, String> remedies) {
    }

    static Parts parts(FindingsDocument doc, RemediationPlan plan) {
        List<Step> change = plan.hasChanges() ? changeSteps(plan, ObjectChange.hostDocs(doc)) : List.of();
        Map<String, String> remedies = new HashMap<>();
        List<Step> decide = plan.decisions().isEmpty() ? List.of() : decideSteps(plan, remedies);
        Map<String, Step> lists = new HashMap<>();
        change.stream().filter(x -> x.change() instanceof Action.AddRbcd && !x.commands().isEmpty()
                && !x.undo().isEmpty()).forEach(x -> lists.putIfAbsent(RemediationPlan.key(x.change().subject()), x));
        for (Finding f : doc.findings() == null || lists.isEmpty() ? List.<Finding>of() : doc.findings()) {
            Step x = f == null ? null : lists.get(RemediationPlan.key(plan.listSetBy(f.id())));
            if (x != null) {
                Action.AddRbcd r = (Action.AddRbcd) x.change();
                // the step saves the descriptor first where its command is not the list's own
                boolean saved = !x.commands().get(0).equals(plan.commandsFor(r).powershell(r));
                remedies.put(f.id(), "The change of " + r.host() + " does this: " + Remedies.rbcd(r,
                        x.commands().get(0), x.undo().get(0), saved));
            }
        }
        return new Parts(change, decide, Map.copyOf(remedies));
    }

    /**
     * An entry added outside the baseline ({@code BASELINE_ENTRY_ADDED}) that the change removes, as another finding on
     * it asks: its own advice, "keep it by capturing a new baseline, or remove it", would leave the keeping open while
     * the change takes it away. By finding id: that the change removes it, and how to keep it instead (before the
     * change: waive what else asks for its removal and capture a new baseline, then audit again). Every report, and
     * findings.json, gives that as the finding's remediation.
     */
    static Map<String, String> removedDrift(FindingsDocument doc, RemediationPlan plan) {
        Map<String, String> remedies = new HashMap<>();
        Set<String> decided = new HashSet<>();
        plan.decisions().forEach(d -> decided.add(d.finding().id()));
        for (Finding f : doc.findings() == null ? List.<Finding>of() : doc.findings()) {
            if (f == null || !"BASELINE_ENTRY_ADDED".equals(f.rule()) || f.isWaived() || f.spn() == null
                    || f.host() == null || decided.contains(f.id())) {
                continue;
            }
            for (HostChange h : plan.hosts()) {
                for (PeerSpns p : h.name().equalsIgnoreCase(f.host()) ? h.remove() : List.<PeerSpns>of()) {
                    if (p.spns().stream().anyMatch(f.spn()::equalsIgnoreCase)) {
                        List<String> others = plan.rulesFor(new Action.RemoveDelegation(h.name(), p.peer(), p.spns()))
                                .stream().filter(r -> !r.equals(f.rule())).toList();
                        remedies.put(f.id(), "The change of " + h.name() + " removes it (" + plan.removal(h, p)
                                + "). To keep it instead, decide before the change: " + (others.isEmpty() ? ""
                                : "waive " + String.join(" and ", others) + " on " + h.name() + " and ")
                                + "capture a new baseline that documents the entry, then audit again; the new plan"
                                + " leaves it alone.");
                    }
                }
            }
        }
        return remedies;
    }

    /**
     * The decisions' steps, one per {@link RemediationPlan.DecisionStep}, and into {@code remedies} what to do about
     * the findings of a step whose list is set after the change's or saved to a file of its own.
     */
    private static List<Step> decideSteps(RemediationPlan plan, Map<String, String> remedies) {
        List<Step> decide = new ArrayList<>();
        // saves of a host's descriptor so far (its change's list may have saved it): each to a file of its own
        Map<String, Integer> saves = new HashMap<>();
        plan.hosts().stream().filter(h -> !h.rbcd().isEmpty()).forEach(h -> saves.put(RemediationPlan.key(
                h.name()), 1));
        for (RemediationPlan.DecisionStep step : plan.decisionSteps()) {
            RemediationPlan.Decision d = step.first();
            List<Action> proposed = step.proposed();
            List<String> commands = new ArrayList<>();
            List<String> undo = new ArrayList<>();
            // the lists as the step sets them, and whether the finding's own words set another list or file
            List<String> lists = new ArrayList<>();
            boolean ownWords = true;
            for (Action a : proposed) {
                Commands c = plan.commandsFor(a);
                List<String> all = c.all(a).stream().filter(Objects::nonNull).toList();
                // a list replaces the descriptor, and no list sets it back (a grant to every account, rights,
                // access-denied entries): the list's line saves it first, and its undo sets the saved one back
                HostChange before = a instanceof Action.AddRbcd r && d.coveredBy() != null ? plan.hosts().stream()
                        .filter(h -> !h.rbcd().isEmpty() && h.name().equalsIgnoreCase(r.host())).findFirst()
                        .orElse(null) : null;
                if (before != null && !all.isEmpty()) {
                    // after the change the descriptor is the list its step wrote, which it saved first where it
                    // dropped more: a list sets it back, and a second save to that file would stop the yes
                    commands.addAll(all);
                    String back = c.powershell(new Action.AddRbcd(before.name(), before.rbcd()));
                    undo.add(back);
                    if (back != null) {
                        lists.add(Remedies.rbcd((Action.AddRbcd) a, all.get(0), back, false));
                    }
                    ownWords = false;
                } else if (a instanceof Action.AddRbcd r && !all.isEmpty()) {
                    int n = saves.merge(RemediationPlan.key(r.host()), 1, Integer::sum);
                    commands.add(c.rbcdSavedFirst(r.host(), all.get(0), n));
                    undo.add(c.rbcdRestore(r.host(), n));
                    lists.add(Remedies.rbcd(r, commands.get(commands.size() - 1), undo.get(undo.size() - 1), true));
                    ownWords &= n == 1;
                } else {
                    commands.addAll(all);
                }
            }
            if (!ownWords && lists.size() == proposed.size()) {
                String remedy = d.what() + " " + String.join(" ", lists);
                step.decisions().forEach(x -> remedies.put(x.finding().id(), remedy));
            }
            // a yes no command can carry (an SPN taken off an object whose DN cannot be typed) says why
            String why = String.join("; ", proposed.stream().filter(a -> plan.commandsFor(a).all(a)
                    .isEmpty()).map(a -> noCommand(a, false)).distinct().toList());
            String detail = (step.grouped() ? entriesInWords(step) : d.finding().message()) + " To decide: "
                    + d.what();
            decide.add(new Step(Phase.DECIDE, d.finding().host() == null ? "" : d.finding().host(),
                    d.finding().rule() + (d.coveredBy() == null ? ": decide and act" : ": check after the change"
                            + " of " + d.coveredBy()), why.isEmpty() ? detail : detail + " " + d.yes() + ": " + why, commands,
                    undo, List.of(d.finding().rule()), null, why));
        }
        return decide;
    }

    /**
     * @param goAfter cluster name (lower case) → whether it is expected GO once the change is made: the closing
     *                preflight says what to expect
     */
    static Procedure of(FindingsDocument doc, RemediationPlan plan, Parts parts, Map<String, Boolean> goAfter) {
        Commands cmd = plan.commands();
        String recorded = doc.summary() == null ? null : doc.summary().configFile();
        String config = Commands.configArg(recorded);
        String exportFile = "kcd-before-" + Commands.shortRunId(doc.runId()) + ".xml";
        // the objects a duplicate SPN is taken off (user accounts too) are exported with their own directory's
        List<String> others = plan.unregister().stream().map(Action.UnregisterSpn::dn).toList();
        // with several domains: one export and one replication push per domain the change writes to
        List<RemediationPlan.Server> servers = plan.servers();
        String export = cmd.export(servers.size() == 1 ? servers.get(0).baseDn() : doc.directory() == null ? null
                : doc.directory().baseDn(), others, exportFile);
        boolean several = servers.size() > 1;
        List<String> exports = new ArrayList<>();
        List<String> replicates = new ArrayList<>();
        List<String> exportFiles = new ArrayList<>();
        if (several) {
            for (RemediationPlan.Server sv : servers) {
                String file = exportFile.replace(".xml", "-" + sv.directory() + ".xml");
                exportFiles.add(file);
                String c = sv.commands().export(sv.baseDn(), plan.unregister().stream()
                        .filter(u -> plan.serverFor(u) == sv).map(Action.UnregisterSpn::dn).toList(), file);
                exports.add(c != null ? c : EXPORT_BY_HAND);
                replicates.add(sv.commands().replicate());
            }
        } else {
            exportFiles.add(exportFile);
            exports.add(export != null ? export : EXPORT_BY_HAND);
            replicates.add(cmd.replicate());
        }
        String writtenTo = several ? "the domain controller of each object's domain (" + String.join(", ",
                servers.stream().map(sv -> (sv.server() == null ? Commands.DC_PLACEHOLDER : sv.server()) + " for "
                        + sv.directory()).toList()) + ")" : cmd.server() == null ? "one domain controller" : cmd.server();
        // a read-only DC the audit read is said where the write goes: it is not the DC written to
        List<String> readOnly = plan.readOnlyNotes();
        String writes = readOnly.isEmpty() || several ? "every write goes to " + writtenTo
                + (readOnly.isEmpty() ? "" : "; " + String.join("; ", readOnly)) : readOnly.get(0);
        List<PhaseView> phases = new ArrayList<>();
        MigrationAuth migrationAuth = MigrationAuth.NONE;
        if (plan.hasChanges()) {
            List<Step> before = new ArrayList<>(List.of(
                    check(Phase.BEFORE, "Domain Admin rights (or delegated write access to the changed objects)"
                            + " confirmed"),
                    check(Phase.BEFORE, "Change ticket approved and naming these objects; maintenance window agreed"),
                    new Step(Phase.BEFORE, "", "Current state exported for rollback", "delegation entries, flags,"
                            + " SPNs, resource-based delegation and encryption types, with the accounts that lose an"
                            + " SPN, to " + String.join(", ", exportFiles),
                            exports, List.of())));
            // step 1 only reads: a host found using CredSSP is switched in the step on the hosts, before replication
            Set<String> switched = new HashSet<>();
            plan.onHosts().stream().filter(a -> a instanceof Action.SetMigrationAuthentication)
                    .forEach(a -> switched.add(a.subject().toLowerCase(Locale.ROOT)));
            // a host an imported Get-VMHost export found using Kerberos is not checked by hand: the export says so, as
            // of its date; the others (not covered, found using CredSSP, or no export imported) are
            migrationAuth = MigrationAuth.of(doc, validatedHosts(plan), plan::machine);
            if (!migrationAuth.kerberos().isEmpty()) {
                // a check, as the others of this step: nothing to run
                before.add(check(Phase.BEFORE, "Live migration authenticates with Kerberos (not checked again by hand),"
                        + " as of "
                        + migrationAuth.exports() + ": " + inWords(migrationAuth.kerberos())));
            }
            List<String> fixes = new ArrayList<>();
            for (String name : migrationAuth.byHand()) {
                String host = plan.machine(name);
                String check = Commands.migrationAuthCheck(host);
                String action = "Live migration authenticates with Kerberos";
                String detail = (migrationAuth.credSsp().stream().anyMatch(c -> c.hosts().contains(name))
                        ? "the export found CredSSP; " : "") + "it must show Kerberos: constrained delegation is"
                        + " Kerberos only, and CredSSP fails under Credential Guard; note a host that shows CredSSP:"
                        + " step " + HOSTS_STEP + " switches it, before replication";
                before.add(check != null ? new Step(Phase.BEFORE, host, action, detail, List.of(check), List.of())
                        : new Step(Phase.BEFORE, host, action, detail, notAHostName(host, "check in Hyper-V Manager"
                        + " on it (Hyper-V Settings → Live Migrations → Advanced Features) that it uses Kerberos"),
                        List.of(), null));
                if (check != null && !switched.contains(name.toLowerCase(Locale.ROOT))
                        && !switched.contains(host.toLowerCase(Locale.ROOT))) {
                    fixes.add(host);
                }
            }
            phases.add(phase(phases, Phase.BEFORE, "Confirm Domain Admin rights, the approved change ticket and the"
                    + " window; export the current state (Export-Clixml) for rollback; check, changing nothing yet,"
                    + " that each host of a tested direction migrates with Kerberos (Get-VMHost).", before));
            List<Step> change = parts.change();
            // the phases keep their numbers whatever the change: a change made only on the hosts says so here
            phases.add(phase(phases, Phase.CHANGE, plan.scripted() ? "Change the delegation of "
                    + Words.plural(plan.hosts().size(), "host") + (plan.unregister().isEmpty() ? "" : " and take "
                    + Words.plural(plan.unregister().size(), "duplicate SPN") + " off other objects") + ", in ADUC or"
                    + " with " + SCRIPT_APPLY + " (after its dry run, " + SCRIPT + ", in the report folder); " + writes
                    + "." : NOTHING_SCRIPTED + " (step " + (phases.size() + 2) + ").", change));
            if (!plan.onHosts().isEmpty() || !fixes.isEmpty()) {
                List<Step> onHosts = new ArrayList<>();
                for (Action.OnHost a : plan.onHosts()) {
                    // a password reset writes to a DC of the host's own domain
                    Commands hc = plan.commandsFor(a.subject());
                    String command = hc.powershell(a);
                    String detail = a instanceof Action.ResetMachinePassword
                            ? "run it on " + plan.machine(a.subject()) + " itself, in an elevated " + WINDOWS_POWERSHELL
                            + "; it writes the new password to " + (hc.server() == null ? "the DC given" : hc.server())
                            : "from a management station with the Hyper-V module, or on the host";
                    onHosts.add(command != null ? new Step(Phase.HOSTS, a.subject(), onHost(a), detail,
                            List.of(command), List.of(), plan.rulesFor(a), a) : new Step(Phase.HOSTS, a.subject(),
                            onHost(a), detail, notAHostName(a.subject(), byHand(a)), plan.rulesFor(a), a));
                }
                if (!fixes.isEmpty()) {
                    onHosts.add(new Step(Phase.HOSTS, "", CREDSSP_SWITCH, "one loop over " + Words.plural(
                            fixes.size(), "host") + ", which checks each host first and changes only one on CredSSP; from a management station with the Hyper-V"
                            + " module", List.of(Commands.migrationAuthFixLoop(fixes)), List.of()));
                }
                // a row of a Get-VMHost export that blocks a host counts until its file no longer holds it
                Map<String, List<Finding>> rows = exportRows(doc, plan);
                rows.forEach((file, found) -> onHosts.add(new Step(Phase.HOSTS, "", REEXPORT + fileName(file),
                        reexportDetail(file, found), List.of(), List.of())));
                String credSsp = "Kerberos for live migration on each " + (plan.onHosts().isEmpty() ? "" : "other ")
                        + "host that step 1's check found using CredSSP";
                phases.add(phase(phases, Phase.HOSTS, (plan.onHosts().isEmpty() ? "Set " + credSsp
                        : hostActions(plan) + ": " + onHostsInWords(plan.onHosts()) + (fixes.isEmpty() ? ""
                        : "; and " + credSsp)) + (rows.isEmpty() ? "" : "; then " + Character.toLowerCase(
                        REEXPORT.charAt(0)) + REEXPORT.substring(1) + String.join(", ", rows.keySet().stream()
                        .map(Procedure::fileName).toList())) + ", before replication.", onHosts));
            }
            phases.add(phase(phases, Phase.REPLICATE, String.join("; ", replicates) + " (case matters), then wait"
                    + " until replication has converged; without it, other sites see the change only at the next"
                    + " scheduled inter-site replication (by default every 180 minutes).", List.of(new Step(
                    Phase.REPLICATE, "", "Replicate the change to all domain controllers" + (several ? " of each domain"
                    : ""), "case matters: /AdeP (lower-case /a and /p mean abort and pause)", replicates,
                    List.of()))));
            List<Step> purge = new ArrayList<>();
            for (String h : plan.purgeHosts()) {
                purge.add(new Step(Phase.PURGE, h, "Purge the SYSTEM logon session's Kerberos tickets", "type it,"
                        + " do not paste it (a pasted dash can become an en-dash)", List.of(Commands.PURGE_TICKETS),
                        List.of()));
            }
            phases.add(phase(phases, Phase.PURGE, "On " + Words.plural(plan.purgeHosts().size(), "host") + ": "
                    + Commands.PURGE_TICKETS + " (the SYSTEM session vmms uses; plain klist purge is not enough); "
                    + Commands.RESTART_VMMS + " if a migration still fails.", purge));
            List<Step> validate = new ArrayList<>();
            Map<String, FindingsDocument.HostDoc> hostDocs = ObjectChange.hostDocs(doc);
            for (RemediationPlan.Pair p : plan.validate()) {
                String move = p.toCluster() == null ? Commands.testMove(plan.machine(p.to()))
                        : Commands.testMoveAcross(destination(plan, hostDocs, p.to()), plan.machine(p.to()));
                String logged = plan.unexplainedFailure(p);
                String action = "Live-migrate a test VM " + p.from() + " → " + p.to() + " (must reach 100 %)";
                String detail = "cluster " + p.cluster() + (p.toCluster() == null ? "" : ", into cluster "
                        + p.toCluster() + " (policy.migrationGroups): " + acrossNote(plan, p)) + "; run it on "
                        + plan.machine(p.from())
                        + " (a node of the cluster), so that it tests the hosts' delegation, not your account's: started"
                        + " remotely it also needs your account " + DELEGABLE + (logged.isEmpty()
                        ? "" : "; a " + logged + " failure was logged on this direction, which delegation cannot"
                        + " explain: if the move fails that way again, see Needs a decision");
                // as the runbooks and the script have always said it
                validate.add(move != null ? new Step(Phase.VALIDATE, p.from(), action, detail, List.of(move), List.of())
                        : new Step(Phase.VALIDATE, p.from(), action, detail, "no command, a name in it is not a valid"
                        + " host name (DNS_HOST_NAME_INVALID); start the move in Failover Cluster Manager on "
                        + p.from(), List.of(), null));
            }
            // a fixed node -> file server path carries no live migration: a check through the node's delegation
            List<RemediationPlan.Pair> storage = plan.storagePaths(doc);
            String notDelegable = notDelegableOperators(doc);
            for (RemediationPlan.Pair p : storage) {
                String from = plan.machine(p.from());
                String server = plan.fileServerName(doc, p);
                String check = storageCheck(from, server);
                String action = "Check the storage path " + p.from() + " → " + p.to() + " (no live migration tests it)";
                // a double hop: the node opens the share with the caller's delegated credentials, which an account
                // that cannot be delegated never has, whatever the node's delegation
                String detail = "cluster " + p.cluster() + "; from a management station, not on " + from + ", as an"
                        + " account that is " + DELEGABLE + notDelegable + ": the check then goes through " + from
                        + "'s delegation to cifs on " + p.to() + ", as Hyper-V Manager or a storage move started"
                        + " remotely does, and with an account that is not delegable it fails whatever the delegation;"
                        + " put the share holding the VMs' files in place of <share>; it must return True (False or"
                        + " access denied with a delegable account: the delegation is still wrong)";
                validate.add(check != null ? new Step(Phase.VALIDATE, p.from(), action, detail, List.of(check),
                        List.of()) : new Step(Phase.VALIDATE, p.from(), action, detail, "no command, a name in it is not"
                        + " a valid host name (DNS_HOST_NAME_INVALID); open the share from a remote Hyper-V Manager"
                        + " session on " + p.from(), List.of(), null));
            }
            int moves = plan.validate().size();
            int working = (int) plan.validate().stream().filter(RemediationPlan.Pair::working).count();
            phases.add(phase(phases, Phase.VALIDATE, "Live-migrate a test VM in " + (working == 0
                    ? Words.eachOf(moves, "direction") + " the change fixes"
                    : Words.plural(moves, "direction") + ": " + Words.plural(moves - working, "direction") + " the"
                    + " change fixes, and " + working + " that " + (working == 1 ? "works" : "work") + " today from a"
                    + " host whose delegation mode changes (a regression test)") + ", started on the source node (it"
                    + " then tests the hosts' delegation, not your account's: started remotely a move also needs the"
                    + " account " + DELEGABLE + ", and CredSSP, which Credential Guard blocks, is no fallback); each must reach"
                    + " 100 %." + (storage.isEmpty() ? "" : " " + (storage.size() == 1 ? "The storage path" : "Each of"
                    + " the " + storage.size() + " storage paths") + " (node → file server) the change fixes, which no"
                    + " live migration tests, is checked through the node's delegation (Test-Path from a management"
                    + " station)."), validate));
        }
        int decideNumber = 0;
        if (!plan.decisions().isEmpty()) {
            phases.add(phase(phases, Phase.DECIDE, plan.decisionsNotScripted(""), parts.decide()));
            decideNumber = phases.size();
        }
        if (plan.hasChanges()) {
            List<Step> confirm = new ArrayList<>();
            String decided = decideNumber == 0 ? "" : " (step " + decideNumber + ")";
            boolean recordBaseline = recordsBaseline(doc, plan);
            if (recordBaseline) {
                // the documented baseline still has the delegation from before the change: the next audit would call
                // each changed entry and flag drift (HIGH where an entry or a delegation flag goes) and say NO-GO; the
                // capture records the whole state, so it follows the decisions, not the other way round
                confirm.add(new Step(Phase.CONFIRM, "", "Record the changed delegation in the baseline, once the"
                        + " test moves succeeded" + (decideNumber == 0 ? "" : " and the decisions are settled"),
                        "the baseline documents the delegation before the change; without a new one the next audit"
                        + " reports each changed entry and flag as drift (BASELINE_ENTRY_REMOVED and"
                        + " BASELINE_FLAGS_CHANGED are HIGH) and the preflight says NO-GO. The capture documents the"
                        + " whole current state" + (decideNumber == 0 ? "" : ", so it comes after the decisions"
                        + decided + ", and records what they settled, not unreviewed drift") + "; put the CAB approver's name in"
                        + " place of <CAB approver>; the old file is kept as a .bak and its waivers carry over",
                        List.of(Commands.baselineCapture(config)), List.of()));
            }
            Set<String> clusters = new LinkedHashSet<>();
            plan.validate().forEach(p -> clusters.add(p.cluster()));
            plan.hosts().stream().filter(h -> h.cluster() != null).forEach(h -> clusters.add(h.cluster()));
            // the Get-VMHost exports step "On the hosts" makes again, by the clusters whose blockers their rows are
            Map<String, List<Finding>> exported = exportRows(doc, plan);
            PhaseView onHosts = phases.stream().filter(v -> v.phase() == Phase.HOSTS).findFirst().orElse(null);
            for (String c : clusters) {
                String preflight = Commands.preflight(c, config);
                List<String> files = exported.entrySet().stream().filter(e -> e.getValue().stream().anyMatch(
                        f -> c.equalsIgnoreCase(f.cluster()))).map(e -> fileName(e.getKey())).toList();
                String stale = files.isEmpty() || onHosts == null ? "" : "; a blocker still read from " + String.join(
                        " or ", files) + " means that step " + onHosts.number() + "'s export was not put in its place";
                boolean go = goAfter.getOrDefault(c.toLowerCase(java.util.Locale.ROOT), false);
                confirm.add(new Step(Phase.CONFIRM, "", "Preflight of cluster " + c + (go ? " says GO"
                        : " names only what stays open"), (go ? "it must say GO (exit code 0); a NO-GO names what"
                        + " still blocks" : "it still says NO-GO until the findings under Needs a decision are"
                        + " settled; every blocker this change fixes must be gone from its list") + stale
                        + (preflight != null ? "" : "; " + NO_PREFLIGHT_COMMAND),
                        preflight == null ? List.of() : List.of(preflight), List.of(), List.of(), null,
                        preflight != null ? "" : NO_PREFLIGHT_COMMAND));
            }
            phases.add(phase(phases, Phase.CONFIRM, (recordBaseline ? "Record the changed delegation in a new"
                    + " baseline (kcd-audit baseline capture), then run" : "Run") + " kcd-audit preflight per cluster"
                    + (decideNumber == 0 ? "" : ", after the decisions" + decided) + ".", confirm));
            // newest first, as remediation.ps1 -Rollback reverts its change record
            List<Step> change = parts.change();
            List<Step> rollback = new ArrayList<>();
            for (int i = change.size() - 1; i >= 0; i--) {
                Step s = change.get(i);
                if (!s.undo().isEmpty()) {
                    rollback.add(new Step(Phase.ROLLBACK, s.host(), "Undo: " + s.action(), s.detail(), s.undo(),
                            List.of(), s.rules(), null));
                }
            }
            phases.add(phase(phases, Phase.ROLLBACK, plan.scripted() ? "Only if the change must be undone: "
                    + SCRIPT_ROLLBACK + " reverts exactly what -Apply recorded in its change record (it refuses"
                    + " without one, and re-enables unconstrained delegation only with -Force); by hand, the inverse"
                    + " commands (previous values in " + String.join(", ", exportFiles) + "); then replicate and purge"
                    + " tickets again."
                    : NOTHING_TO_ROLL_BACK + " The commands run on the hosts are not undone (runbook.md says why).",
                    rollback));
        }
        return new Procedure(List.copyOf(phases), export != null ? export : EXPORT_BY_HAND, List.copyOf(exportFiles),
                List.copyOf(exports), List.copyOf(replicates), config == null ? null : recorded, migrationAuth);
    }

    /**
     * A step's findings, one per entry, in words: "28 findings, one per entry: to HV01: cifs/HV01, …; to HV03: …." and
     * {@link #unreadable} (entries shown by their code where they hold what does not read as itself).
     */
    public static String entriesInWords(RemediationPlan.DecisionStep step) {
        String unreadable = unreadable(step);
        return Words.plural(step.decisions().size(), "finding") + ", one per entry: " + String.join("; ",
                step.entries().stream().map(p -> (p.peer().isEmpty() ? "" : "to " + Values.visibleAccount(p.peer())
                        + ": ") + Values.visibleSpns(p.spns(), ", ")).toList()) + "."
                + (unreadable.isEmpty() ? "" : " " + unreadable);
    }

    /**
     * What the findings of a step say alike, from their evidence: the attribute written but read as empty
     * ({@code mayBeUnreadable}, the same write), which each finding's words say of its own entry; else "".
     */
    public static String unreadable(RemediationPlan.DecisionStep step) {
        Evidence first = step.first().finding().hasEvidence() ? step.first().finding().evidence() : null;
        if (first == null || !Boolean.TRUE.equals(first.mayBeUnreadable()) || first.lastChange() == null
                || !step.decisions().stream().allMatch(d -> d.finding().hasEvidence()
                && Boolean.TRUE.equals(d.finding().evidence().mayBeUnreadable())
                && first.lastChange().equals(d.finding().evidence().lastChange()))) {
            return "";
        }
        return first.lastChange().describeWithAttribute() + ", but the bind account read no value of it: either every"
                + " entry was removed then, or the entries are hidden from the bind account and may still be there.";
    }

    /**
     * The hosts of the directions to test (source and destination), each checked before the change: cluster by
     * cluster, each in host order ({@link #NATURAL}: HV2 before HV10), not in the order of the pairs, so that the
     * admin finds a host in step 1's list and step 3's lines where the name says it is.
     */
    static List<String> validatedHosts(RemediationPlan plan) {
        Map<String, String> hosts = new LinkedHashMap<>();
        Map<String, String> clusterOf = new HashMap<>();
        for (RemediationPlan.Pair p : plan.validate()) {
            for (String h : List.of(p.from(), p.to())) {
                String key = h.toLowerCase(java.util.Locale.ROOT);
                hosts.putIfAbsent(key, h);
                clusterOf.putIfAbsent(key, p.cluster() == null ? "" : p.cluster());
            }
        }
        return hosts.values().stream().sorted(Comparator.comparing((String h) -> clusterOf.get(
                h.toLowerCase(java.util.Locale.ROOT)), NATURAL).thenComparing(NATURAL)).toList();
    }

    /**
     * Names in the order a person reads them: case aside, a run of digits compared as a number (HV2, HV09, HV10,
     * HV100); equal so far, the shorter name first (HV1 before HV1a), then the spelling itself (HV09 before HV9).
     */
    static final Comparator<String> NATURAL = (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char x = a.charAt(i);
            char y = b.charAt(j);
            if (Character.isDigit(x) && Character.isDigit(y)) {
                int ei = i;
                int ej = j;
                while (ei < a.length() && Character.isDigit(a.charAt(ei))) {
                    ei++;
                }
                while (ej < b.length() && Character.isDigit(b.charAt(ej))) {
                    ej++;
                }
                int c = new java.math.BigInteger(a.substring(i, ei)).compareTo(new java.math.BigInteger(b.substring(j,
                        ej)));
                if (c != 0) {
                    return c;
                }
                i = ei;
                j = ej;
                continue;
            }
            int c = Character.compare(Character.toLowerCase(x), Character.toLowerCase(y));
            if (c != 0) {
                return c;
            }
            i++;
            j++;
        }
        int c = Integer.compare(a.length() - i, b.length() - j);
        return c != 0 ? c : Comparator.<String>naturalOrder().compare(a, b);
    };

    /** What a host command does, in words. */
    /** What the host steps do, from the kinds of step the plan has: "reset computer passwords (AES keys) and …". */
    public static String onHostsInWords(List<Action.OnHost> steps) {
        List<String> parts = new ArrayList<>();
        if (steps.stream().anyMatch(a -> a instanceof Action.ResetMachinePassword)) {
            parts.add("reset computer passwords (AES keys)");
        }
        if (steps.stream().anyMatch(a -> a instanceof Action.SetMigrationAuthentication)) {
            parts.add("set Kerberos as the live-migration authentication");
        }
        if (steps.stream().anyMatch(a -> a instanceof Action.EnableMigration)) {
            parts.add("enable live migration");
        }
        String last = parts.remove(parts.size() - 1);
        return parts.isEmpty() ? last : String.join(", ", parts) + " and " + last;
    }

    /** What a step on the host does, in words ("Reset the computer account password (gives the account AES keys)"). */
    public static String onHost(Action.OnHost a) {
        if (a instanceof Action.ResetMachinePassword) {
            return "Reset the computer account password (gives the account AES keys)";
        } else if (a instanceof Action.SetMigrationAuthentication) {
            return "Authenticate live migrations with Kerberos instead of CredSSP";
        }
        return "Enable live migration";
    }

    /**
     * A check of the storage path {@code from} → {@code server} through {@code from}'s delegation, run from a
     * management station: the node opens the share with the caller's delegated credentials; null for an unsafe name.
     */
    /**
     * What a test move into a node of another cluster takes ({@link RemediationPlan.Pair#toCluster}): a VM that is no
     * clustered role, and a folder on the target for its storage ({@link Commands#testMoveAcross}).
     */
    public static String acrossNote(RemediationPlan plan, RemediationPlan.Pair p) {
        String target = plan.machine(p.to());
        return "a VM that is not a clustered role (remove its role from " + p.cluster() + " first, in Failover Cluster"
                + " Manager; Move-ClusterVirtualMachineRole moves a VM only between the nodes of one cluster), a folder"
                + " on " + target + " in place of <path on " + target + ">";
    }

    /** The name a move across clusters reaches {@code host} by: its dNSHostName where that is a DNS name, else its computer name. */
    private static String destination(RemediationPlan plan, Map<String, FindingsDocument.HostDoc> hostDocs, String host) {
        FindingsDocument.HostDoc h = hostDocs.get(host.toLowerCase(Locale.ROOT));
        String fqdn = h == null || h.dnsHostName() == null ? null
                : org.kcdauditor.model.DnsNames.withoutTrailingDots(h.dnsHostName().strip());
        return fqdn != null && Values.validHostName(fqdn) ? fqdn : plan.machine(host);
    }

    static String storageCheck(String from, String server) {
        return Values.validHostName(from) && Values.validHostName(server) ? "Invoke-Command -ComputerName "
                + org.kcdauditor.remedy.Ps.quote(from) + " -ScriptBlock { Test-Path -LiteralPath "
                + org.kcdauditor.remedy.Ps.quote("\\\\" + server + "\\<share>") + " }" : null;
    }

    /**
     * " (this audit found adm-b and adm-ops not delegable, OPERATOR_NOT_DELEGABLE: not as them)": the operators'
     * accounts this run found sensitive or in Protected Users, in name order; empty when none.
     */
    public static String notDelegableOperators(FindingsDocument doc) {
        List<String> names = (doc.findings() == null ? List.<Finding>of() : doc.findings()).stream()
                .filter(f -> f != null && "OPERATOR_NOT_DELEGABLE".equals(f.rule()) && f.host() != null)
                .map(f -> Values.visibleAccount(f.host())).distinct().sorted(NATURAL).toList();
        if (names.isEmpty()) {
            return "";
        }
        String listed = names.size() == 1 ? names.get(0) : String.join(", ", names.subList(0, names.size() - 1))
                + " and " + names.get(names.size() - 1);
        return " (this audit found " + listed + " not delegable, OPERATOR_NOT_DELEGABLE: not as " + (names.size() == 1
                ? "it" : "them") + ")";
    }

    /** The step on the hosts after a change a Get-VMHost export row blocks, before the file's name. */
    public static final String REEXPORT = "Export Get-VMHost again in place of ";

    /**
     * The open findings of a step on the hosts whose evidence is a row of a Get-VMHost export ({@code file:line},
     * hostSettings.sources), by the file, in the order of the steps: that row keeps the host blocked until the file no
     * longer holds it, whatever a newer export beside it says.
     */
    private static Map<String, List<Finding>> exportRows(FindingsDocument doc, RemediationPlan plan) {
        Map<String, List<Finding>> rows = new LinkedHashMap<>();
        for (Action.OnHost a : plan.onHosts()) {
            List<String> rules = plan.rulesFor(a);
            (doc.findings() == null ? List.<Finding>of() : doc.findings()).stream().filter(f -> fromExportRow(f)
                    && !f.isWaived() && rules.contains(f.rule()) && a.subject().equalsIgnoreCase(f.host()))
                    .forEach(f -> rows.computeIfAbsent(org.kcdauditor.model.HostSettings.file(f.evidence().origin()),
                            k -> new ArrayList<>()).add(f));
        }
        return rows;
    }

    /** Whether {@code f}'s evidence is a row of an imported export ({@code file:line}). */
    public static boolean fromExportRow(Finding f) {
        return f != null && f.hasEvidence() && f.evidence().origin() != null;
    }

    /** What a row of a Get-VMHost export found on its host: "on CredSSP", "with live migration disabled". */
    private static String rowInWords(Finding f) {
        return switch (f.rule()) {
            case "MIGRATION_AUTH_NOT_KERBEROS" -> "on CredSSP";
            case "MIGRATION_DISABLED" -> "with live migration disabled";
            default -> "blocked (" + f.rule() + ")";
        };
    }

    /**
     * The detail of the step exporting Get-VMHost again in place of {@code file}: which of its rows block which hosts,
     * that they keep their clusters NO-GO until the file no longer holds them, and that an export beside it does not
     * override them.
     */
    private static String reexportDetail(String file, List<Finding> found) {
        List<String> clusters = found.stream().map(Finding::cluster).filter(Objects::nonNull).distinct().toList();
        boolean one = found.size() == 1;
        return "after the steps above: " + file + " (hostSettings.sources) still has " + String.join(" and ",
                found.stream().map(f -> Values.visibleAccount(f.host()) + " " + rowInWords(f) + " (line "
                        + org.kcdauditor.model.HostSettings.line(f.evidence().origin()) + ")").toList()) + ", and "
                + (one ? "that row keeps " : "those rows keep ") + (clusters.isEmpty() ? "the preflight"
                : String.join(", ", clusters)) + " NO-GO until the file no longer holds " + (one ? "it" : "them") + "; "
                + org.kcdauditor.model.HostSettings.BLOCKING_ROW_COUNTS + ": export the hosts it covers again, as it"
                + " was made, and save the new export under its name";
    }

    /**
     * For preflight's advice: "export Get-VMHost again in place of FILE (its row for HV02 keeps the host blocked until
     * the file no longer holds it; an export beside it does not override it)", one per file the rows of {@code
     * blockers} come from, joined by "and"; empty when none comes from an export's row.
     */
    public static String reexportInWords(java.util.Collection<Finding> blockers) {
        Map<String, Set<String>> hosts = new java.util.TreeMap<>();
        blockers.stream().filter(Procedure::fromExportRow).forEach(f -> hosts.computeIfAbsent(
                org.kcdauditor.model.HostSettings.file(f.evidence().origin()), k -> new java.util.TreeSet<>(NATURAL))
                .add(Values.visibleAccount(f.host())));
        return String.join(" and ", hosts.entrySet().stream().map(e -> {
            boolean one = e.getValue().size() == 1;
            return "export Get-VMHost again in place of " + e.getKey() + " (" + (one ? "its row for " : "its rows for ")
                    + String.join(", ", e.getValue()) + (one ? " keeps the host" : " keep the hosts") + " blocked until"
                    + " the file no longer holds " + (one ? "it" : "them") + "; an export beside it does not override "
                    + (one ? "it" : "them") + ")";
        }).toList());
    }

    /**
     * Every action on the hosts (step "On the hosts"), host by host, with what it is, for the change ticket: "HV13
     * (computer password reset: Reset-ComputerMachinePassword; live migration enabled: Enable-VMMigration)".
     */
    public static List<HostActions> hostActionsListed(RemediationPlan plan) {
        return plan.stepsByHost().stream().map(steps -> new HostActions(Values.visibleAccount(steps.get(0).subject()),
                String.join("; ", steps.stream().map(a -> a instanceof Action.ResetMachinePassword
                ? "computer password reset: Reset-ComputerMachinePassword" : a instanceof Action.SetMigrationAuthentication
                ? "Kerberos for live migration: Set-VMHost" : "live migration enabled: Enable-VMMigration").toList())))
                .toList();
    }

    /** A host's actions on the hosts in words ({@link #hostActionsListed}): "HV02 (Kerberos for live migration: Set-VMHost)". */
    public record HostActions(String host, String actions) {
        @Override
        public String toString() {
            return host + " (" + actions + ")";
        }
    }

    /** The steps on the hosts counted in one unit: "3 actions on 2 hosts". */
    public static String hostActions(RemediationPlan plan) {
        return Words.plural(plan.onHosts().size(), "action") + " on " + Words.plural(plan.hostsWithSteps().size(),
                "host");
    }

    private static PhaseView phase(List<PhaseView> before, Phase p, String summary, List<Step> steps) {
        return new PhaseView(before.size() + 1, p, summary, List.copyOf(steps));
    }

    private static Step check(Phase p, String action) {
        return new Step(p, "", action, "", List.of(), List.of());
    }

    /** Per host: entries added (per peer), removed, SPNs registered, the mode set; then SPNs taken off other objects. */
    private static List<Step> changeSteps(RemediationPlan plan, Map<String, FindingsDocument.HostDoc> hostDocs) {
        List<Step> out = new ArrayList<>();
        for (HostChange h : plan.hosts()) {
            String n = h.name();
            // each object's changes go to a DC of its own domain
            Commands cmd = plan.commandsFor(n);
            for (PeerSpns p : h.add()) {
                out.add(change(new Action.AddDelegation(n, p.peer(), p.spns()), "Add delegation to "
                                + Values.visibleAccount(p.peer()),
                        Values.visibleSpns(p.spns(), ", "), cmd.delegation(n, false, p.spns()), plan, cmd));
            }
            for (PeerSpns p : h.remove()) {
                // the entries a command can carry get it, and its undo, beside those that cannot be typed, which the
                // detail names, as it says why a step none of whose entries can be typed has no command:
                // remediation.ps1 removes those by their stored bytes
                List<String> typed = p.spns().stream().filter(Values::typeableEntry).toList();
                List<String> untyped = p.spns().stream().filter(v -> !Values.typeableEntry(v)).toList();
                String command = cmd.delegation(n, false, typed); // null for none
                boolean one = untyped.size() == 1;
                String why = (one ? "it" : "they") + " cannot be typed safely; remediation.ps1 removes "
                        + (one ? "it by its" : "them by their") + " exact stored bytes";
                out.add(change(new Action.RemoveDelegation(n, p.peer(), p.spns()), plan.removal(h, p),
                        Values.visibleSpns(p.spns(), ", ") + (untyped.isEmpty() || typed.isEmpty() ? ""
                                : "; not in the command (" + why + "): " + Values.visibleSpns(untyped, ", ")),
                        command, cmd.delegation(n, true, typed), plan, "no command (" + why + ")"));
            }
            for (String spn : h.register()) {
                out.add(change(new Action.RegisterSpn(n, spn), "Register the SPN on the host account",
                        Values.visibleSpn(spn),
                        cmd.spn(n, false, spn), plan, cmd));
            }
            Action.SetEncryptionTypes aes = h.encryption();
            if (aes != null) {
                String types = String.join(", ", org.kcdauditor.model.EncryptionTypes.names(aes.value()));
                out.add(change(aes, aes.keepsValue() ? "Allow AES: clear USE_DES_KEY_ONLY"
                                : "Allow AES: " + (aes.clearDesOnly() ? "clear USE_DES_KEY_ONLY, " : "")
                                + "msDS-SupportedEncryptionTypes " + aes.value(), aes.keepsValue()
                                ? "msDS-SupportedEncryptionTypes " + aes.value() + " (" + types + ") stays" : types
                                // a Windows computer writes the value itself from this setting: RC4 only there puts
                                // the old value back at its next restart or policy refresh
                                + "; first check that the Group Policy setting 'Network security: Configure encryption"
                                + " types allowed for Kerberos' applied to " + n + " allows AES, or it writes the old"
                                + " value back",
                        cmd.restoreEncryptionTypes(aes), plan, cmd));
            }
            if (h.unconstrained()) {
                boolean after = h.trustedToAuth() != null ? h.trustedToAuth() : h.currentTrustedToAuth();
                out.add(change(new Action.ReplaceUnconstrained(n, after), "Replace unconstrained delegation by"
                                + " constrained", "Delegation tab: Trust this computer for delegation to specified"
                                + " services only, " + h.aducProtocol(),
                        cmd.flags(n, true, h.trustedToAuth() == null ? null : h.currentTrustedToAuth()), plan, cmd));
            } else if (h.trustedToAuth() != null) {
                out.add(change(new Action.SetProtocolTransition(n, h.trustedToAuth()), "Set the protocol choice: "
                                + h.aducProtocol(), "policy: " + plan.protocolPolicy().word(),
                        cmd.flags(n, null, h.currentTrustedToAuth()), plan, cmd));
            }
            if (!h.rbcd().isEmpty()) {
                Action.AddRbcd r = new Action.AddRbcd(n, h.rbcd());
                // a list that drops what no list writes back (a grant to every account, access-denied entries): the
                // descriptor is saved first, and the undo sets the saved one back, as a decision's list does
                boolean drops = !ObjectChange.rbcdLosses(h, hostDocs.get(n.toLowerCase(Locale.ROOT))).isEmpty();
                Step set = change(r, "Allow resource-based delegation from " + String.join(", ", h.rbcdAdded()
                                .stream().map(p -> p.name() != null ? p.name() : p.sid()).toList()),
                        "msDS-AllowedToActOnBehalfOfOtherIdentity (the full list: the cmdlet replaces it); across"
                                + " domains only resource-based delegation works", drops ? cmd.rbcdRestore(n)
                                : cmd.rbcdUndo(r), plan, cmd);
                out.add(!drops || set.commands().isEmpty() ? set : new Step(set.phase(), set.host(), set.action(),
                        set.detail() + "; it drops what the descriptor holds and no list writes back, so the command"
                                + " saves it first and sets the list only once it is saved",
                        List.of(cmd.rbcdSavedFirst(n, set.commands().get(0))), set.undo(), set.rules(), set.change(),
                        set.noCommand()));
            }
        }
        for (Action.UnregisterSpn u : plan.unregister()) {
            // on a DC of the object's own domain
            Commands c = plan.commandsFor(u);
            out.add(change(u, "Remove the duplicate SPN from " + Values.visibleAccount(u.holder()), Values.visibleSpn(u.spn()),
                    c.powershell(u), c.restore(u), plan, noCommand(u, true)));
        }
        return out;
    }

    /**
     * Why {@code a} has no command: for an SPN taken off another object, whether the SPN or the object's DN cannot be
     * typed, and that ADSI Edit takes it off, or, where the change is {@code scripted}, remediation.ps1 by the bytes;
     * else that a value in it cannot be typed.
     */
    private static String noCommand(Action a, boolean scripted) {
        if (a instanceof Action.UnregisterSpn u) {
            boolean spn = Values.typeableSpn(u.spn());
            String holder = Values.visibleAccount(u.holder());
            return "no command (" + (spn ? "the distinguished name of " + holder + ", " + Values.visibleAccount(u.dn())
                    + "," : "the SPN")
                    + " cannot be typed safely; " + (scripted ? "remediation.ps1 " + (spn ? "finds the object"
                    : "takes it off") + " by its exact stored bytes; or " : "") + "take it off in ADSI Edit: "
                    + holder + " → Properties → servicePrincipalName)";
        }
        return "no command (a value in it cannot be typed safely: make the change by hand)";
    }

    /**
     * Why a step on or against {@code host} has no command: its name, shown by its code, is no host name a command
     * may carry; what to do {@code instead}.
     */
    private static String notAHostName(String host, String instead) {
        return "no command: its name, " + Values.visibleSpn(host) + ", is not a valid host name, so no command names"
                + " it; find the computer in ADUC, then " + instead;
    }

    /** What to do by hand for a step on a host no command can name. */
    private static String byHand(Action.OnHost a) {
        if (a instanceof Action.ResetMachinePassword) {
            return "reset its password on the computer itself (Reset-ComputerMachinePassword in an elevated "
                    + WINDOWS_POWERSHELL + " there)";
        } else if (a instanceof Action.SetMigrationAuthentication) {
            return "in Hyper-V Manager on it: Hyper-V Settings → Live Migrations → Advanced Features → Use Kerberos";
        }
        return "in Hyper-V Manager on it: Hyper-V Settings → Live Migrations → Enable incoming and outgoing live"
                + " migrations";
    }

    /** A change step: {@code a} carried out by its command, undone by {@code undo}, settling the rules that asked for it. */
    private static Step change(Action a, String action, String detail, String undo, RemediationPlan plan,
                               Commands cmd) {
        return change(a, action, detail, cmd.powershell(a), undo, plan, "");
    }

    /**
     * A change step carried out by {@code command}; null: none can be typed, and {@code noCommand} (empty when not
     * known) says why after the detail.
     */
    private static Step change(Action a, String action, String detail, String command, String undo,
                               RemediationPlan plan, String noCommand) {
        List<String> rules = new ArrayList<>(plan.rulesFor(a));
        if (a instanceof Action.ReplaceUnconstrained r) {
            for (boolean on : new boolean[]{true, false}) {
                plan.rulesFor(new Action.SetProtocolTransition(r.host(), on)).stream().filter(x -> !rules.contains(x))
                        .forEach(rules::add);
            }
        }
        String why = command != null ? "" : noCommand;
        // the other holder of a duplicate SPN is named beside the nodes it may imitate: by its code outside ASCII
        String subject = a instanceof Action.UnregisterSpn u ? Values.visibleAccount(u.holder()) : a.subject();
        return new Step(Phase.CHANGE, subject, action, why.isEmpty() ? detail : detail + "; " + why,
                command == null ? List.of() : List.of(command), undo == null ? List.of() : List.of(undo), rules, a, why);
    }
}
