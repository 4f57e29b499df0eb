package org.kcdauditor.report;

import org.kcdauditor.config.ProtocolTransition;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.Spn;
import org.kcdauditor.model.Uac;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.remedy.Commands;
import org.kcdauditor.remedy.Remedies;
import org.kcdauditor.remedy.Values;
import org.kcdauditor.rules.ProtocolChoice;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What has to change in the directory, derived from the typed actions of one run's findings: per host
 * the SPNs to add and remove, SPNs to register, the delegation mode to set; SPNs to take off other
 * objects; which hosts need their tickets purged, which pairs must be tested, and which findings an
 * administrator decides. The report view, and through it the workbook, the PDF, the runbooks and the
 * script, all read this one plan, so they never disagree.
 *
 * <p>Findings of a findings.json written before findings carried actions are translated from their
 * structured fields (rule, host, peer, SPN), never from their text; what that cannot decide becomes a
 * decision showing the finding's own words.
 */
public final class RemediationPlan {

    /** SPNs one host gains or loses towards one peer. */
    public record PeerSpns(String peer, List<String> spns) {
    }

    /**
     * The changes to one computer object. {@code trustedToAuth}: the value to set for
     * TRUSTED_TO_AUTH_FOR_DELEGATION, or null to leave it; {@code aducProtocol}: the radio button to
     * choose on the Delegation tab; {@code protocolBasis}: why that one, when unconstrained delegation is replaced (the
     * baseline, the peers, the policy: {@link ProtocolChoice}), else null.
     */
    public record HostChange(String name, String dnsHostName, String cluster, String operatingSystem,
                             String currentMode, List<PeerSpns> add, List<PeerSpns> remove, List<String> register,
                             boolean unconstrained, Boolean trustedToAuth, Boolean currentTrustedToAuth,
                             String aducProtocol, String protocolBasis, Action.SetEncryptionTypes encryption,
                             String directory,
                             List<Action.Principal> rbcd) {
        /**
         * {@code directory}: the directory (domain) the host lives in, whose DC its commands write to; {@code rbcd}:
         * the full list of principals its resource-based delegation is to allow (empty: no RBCD change).
         */
        public HostChange {
            rbcd = rbcd == null ? List.of() : List.copyOf(rbcd);
        }

        /** Principals the RBCD change adds. */
        public List<Action.Principal> rbcdAdded() {
            return rbcd.stream().filter(p -> !p.present()).toList();
        }

        public boolean changesDelegationTab() {
            return !add.isEmpty() || !remove.isEmpty() || unconstrained || trustedToAuth != null;
        }

        /** The delegation mode (unconstrained or protocol transition) changes. */
        public boolean changesMode() {
            return unconstrained || trustedToAuth != null;
        }

        public int addCount() {
            return add.stream().mapToInt(p -> p.spns().size()).sum();
        }

        public int removeCount() {
            return remove.stream().mapToInt(p -> p.spns().size()).sum();
        }

        /** Entries added, removed or registered, an encryption-types value set, and principals RBCD comes to allow. */
        public int entryCount() {
            return addCount() + removeCount() + register.size() + (encryption == null ? 0 : 1) + rbcdAdded().size();
        }

        /** The actions this change carries out, in the order the procedure takes them. */
        public List<Action> actions() {
            List<Action> out = new ArrayList<>();
            add.forEach(p -> out.add(new Action.AddDelegation(name, p.peer(), p.spns())));
            remove.forEach(p -> out.add(new Action.RemoveDelegation(name, p.peer(), p.spns())));
            register.forEach(spn -> out.add(new Action.RegisterSpn(name, spn)));
            if (!rbcd.isEmpty()) {
                out.add(new Action.AddRbcd(name, rbcd));
            }
            return out;
        }
    }

    /**
     * A host refused because its name, account name or dNSHostName cannot be trusted ({@code reason}): no command
     * changes it, and no delegation is added to or from it, neither by the script nor by hand; the delegation entries
     * the audit asks it to lose ({@code remove}), as stored, are listed for an administrator to take off once the object
     * is checked.
     */
    public record Refused(String name, String reason, List<String> remove) {
    }

    /**
     * A direction to test after the change; {@code working}: it migrates today (its source's delegation mode changes);
     * {@code toCluster}: the target's cluster where it is another than {@code cluster} (policy.migrationGroups), whose
     * test move is a shared-nothing Move-VM, not a move between the nodes of one cluster; else null.
     */
    public record Pair(String cluster, String from, String to, boolean working, String toCluster) {
    }

    /**
     * A finding the plan cannot carry out by itself: an administrator decides. {@code what}: the question
     * in words; {@code proposed}: the changes that would carry out a yes (none for a configuration fix);
     * {@code coveredBy}: the changed host whose step also changes what the finding is about, to check
     * afterwards (else null); {@code replacesRemedy}: {@code what} is the finding's whole advice in this plan, in
     * place of its own remediation text (a consequence of waived findings: "waive it as well, or fix its cause"),
     * so every report gives the one advice.
     */
    public record Decision(Finding finding, String what, List<Action> proposed, String coveredBy,
                           boolean replacesRemedy) {
        /**
         * The label of the commands of {@code proposed} in the runbooks and the PDF: what they do where the question
         * has two answers ("To restore it"), else "If so" ({@link Action.Manual#yesLabel}).
         */
        public String yes() {
            return manualOf(finding).yesLabel();
        }
    }

    /**
     * One step of the decisions: those that ask the same question ({@code what}) under the same rule about the same
     * host, one finding per entry (a delegation entry, an SPN), asked once (HV02's 28 entries that may be hidden from
     * the bind account: one look at HV02, not 28); any other decision is a step of its own. {@code decisions}: in
     * findings order, never empty.
     */
    public record DecisionStep(List<Decision> decisions) {
        public DecisionStep {
            decisions = List.copyOf(decisions);
        }

        /** The first decision: rule, host, severity, question and covering step are those of every one. */
        public Decision first() {
            return decisions.get(0);
        }

        /** More than one finding: the step lists their {@link #entries()} instead of each finding's words. */
        public boolean grouped() {
            return decisions.size() > 1;
        }

        /** The entries the findings concern, by peer, in findings order: the SPNs with the peer they name. */
        public List<PeerSpns> entries() {
            Map<String, List<String>> entries = new LinkedHashMap<>();
            for (Decision d : decisions) {
                entries.computeIfAbsent(d.finding().peer() == null ? "" : d.finding().peer(), p -> new ArrayList<>())
                        .add(d.finding().spn());
            }
            return byPeer(entries);
        }

        /**
         * What a yes changes: the decisions' proposals, the entries added to (or removed from) one host's delegation
         * in one change; an entry no command can carry stays a change of its own, so the others keep their command.
         * Each change stands where its first proposal does; the same proposal twice is one change.
         */
        public List<Action> proposed() {
            Map<Object, Action> first = new LinkedHashMap<>();
            Map<Object, Set<String>> merged = new HashMap<>();
            for (Decision d : decisions) {
                for (Action a : d.proposed()) {
                    List<String> entries = typedEntries(a);
                    Object k = entries == null ? a : List.of(a.getClass(), key(a.subject()));
                    first.putIfAbsent(k, a);
                    if (entries != null) {
                        merged.computeIfAbsent(k, x -> new LinkedHashSet<>()).addAll(entries);
                    }
                }
            }
            return first.entrySet().stream().map(e -> merged.containsKey(e.getKey())
                    ? withEntries(e.getValue(), List.copyOf(merged.get(e.getKey()))) : e.getValue()).toList();
        }

        /** The entries of a delegation change every one of which a command can carry; null for any other action. */
        private static List<String> typedEntries(Action a) {
            List<String> entries = a instanceof Action.AddDelegation x ? x.spns()
                    : a instanceof Action.RemoveDelegation x ? x.spns() : null;
            return entries != null && entries.stream().allMatch(Values::typeableEntry) ? entries : null;
        }

        /**
         * The delegation change {@code a} with {@code entries}: to its peer where every decision names that one (or
         * none), else to none (entries to several peers).
         */
        private Action withEntries(Action a, List<String> entries) {
            String peer = a instanceof Action.AddDelegation x ? x.peer() : ((Action.RemoveDelegation) a).peer();
            String to = decisions.stream().allMatch(d -> d.finding().peer() == null || key(d.finding().peer())
                    .equals(key(peer))) ? peer : "";
            return a instanceof Action.AddDelegation ? new Action.AddDelegation(a.subject(), to, entries)
                    : new Action.RemoveDelegation(a.subject(), to, entries);
        }

        /**
         * The steps of {@code decisions}, in the order of their first decision: those with a host and an entry (SPN)
         * that share rule, severity, host, question and covering step are one.
         */
        static List<DecisionStep> of(List<Decision> decisions) {
            Map<Object, List<Decision>> steps = new LinkedHashMap<>();
            for (Decision d : decisions) {
                Finding f = d.finding();
                Object k = f.host() == null || f.spn() == null ? d
                        : List.of(String.valueOf(f.rule()), f.severity(), key(f.host()), d.what(),
                        String.valueOf(d.coveredBy()), d.replacesRemedy());
                steps.computeIfAbsent(k, x -> new ArrayList<>()).add(d);
            }
            return steps.values().stream().map(DecisionStep::new).toList();
        }
    }

    /**
     * A directory (domain) the change writes to: its name, domain DN and base DN, the DC it named
     * ({@code directories[].dc}, or null) and whether that DC is read-only ({@code directories[].dcReadOnly}), and
     * the commands bound to the domain controller a change is written to.
     */
    public record Server(String directory, String domainDn, String baseDn, String dc, boolean dcReadOnly,
                         Commands commands) {
        /** The DC, or null when the run names none usable. */
        public String server() {
            return commands.server();
        }

        /** {@link RemediationPlan#readOnlyNote(String, boolean, String)} for this directory. */
        public String readOnlyNote() {
            return RemediationPlan.readOnlyNote(dc, dcReadOnly, server());
        }
    }

    /** What a changed file server's delegation is: it is audited as a target, its own delegation is not read. */
    static final String FILE_SERVER_MODE = "not audited (a file server of the cluster: read as a delegation target)";

    private final ProtocolTransition protocolPolicy;
    private final Commands commands;
    /** The DC the directory named ({@code directory.dc}), or null. */
    private final String dc;
    /** Whether {@link #dc} is read-only ({@code directory.dcReadOnly}): the commands then write elsewhere. */
    private final boolean dcReadOnly;
    private final Map<String, Server> servers;
    private final Map<String, String> directoryOfHost;
    private final Map<String, String> dnOfHost;
    private final List<Server> involved;
    private final List<Server> decisionServers;
    private final List<HostChange> hosts;
    private final List<Action.UnregisterSpn> unregister;
    private final List<Action.OnHost> onHosts;
    private final List<Refused> refused;
    /** {@link #withheld()}. */
    private final Map<String, String> withheld;
    private final List<Pair> validate;
    private final List<String> purgeHosts;
    private final List<Decision> decisions;
    private final List<DecisionStep> decisionSteps;
    /** {@link #unexplainedFailure}'s answers by direction ({@link #direction}), built once. */
    private final Map<String, String> unexplained;
    private final Map<String, Set<String>> rules;
    private final Set<String> settled;
    private final Set<String> open;
    private final Map<String, String> listSetBy;

    private RemediationPlan(ProtocolTransition protocolPolicy, Commands commands, String dc, boolean dcReadOnly,
                            Map<String, Server> servers, Map<String, String> directoryOfHost,
                            Map<String, String> dnOfHost, List<HostChange> hosts,
                            List<Action.UnregisterSpn> unregister, List<Action.OnHost> onHosts, List<Refused> refused,
                            Map<String, String> withheld, List<Pair> validate, List<String> purgeHosts, List<Decision> decisions,
                            Map<String, Set<String>> rules, Set<String> settled, Set<String> open,
                            Map<String, String> listSetBy) {
        this.protocolPolicy = protocolPolicy;
        this.servers = servers;
        this.directoryOfHost = directoryOfHost;
        this.dnOfHost = dnOfHost;
        List<Server> used = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (HostChange h : hosts) {
            Server sv = serverOf(h.name());
            if (sv != null && seen.add(sv.directory())) {
                used.add(sv);
            }
        }
        // a yes to a decision writes where its commands write, and is pushed from there
        Map<String, Server> decided = new LinkedHashMap<>();
        for (Decision d : decisions) {
            for (Action a : d.proposed()) {
                Server sv = serverOf(a);
                sv = sv != null ? sv : serverOf(a.subject());
                if (sv != null) {
                    decided.putIfAbsent(sv.directory(), sv);
                }
            }
        }
        if (hosts.isEmpty() && unregister.isEmpty()) {
            // nothing scripted: the decisions' directories are those written to
            for (Server sv : decided.values()) {
                if (seen.add(sv.directory())) {
                    used.add(sv);
                }
            }
        }
        // an SPN is taken off another object on a DC of that object's domain (the first one's when its DN says none)
        Server first = servers.isEmpty() ? null : servers.values().iterator().next();
        for (Action.UnregisterSpn u : unregister) {
            Server sv = serverOf(u);
            if (sv != null && seen.add(sv.directory())) {
                used.add(sv);
            } else if (sv == null && first != null && seen.add(first.directory())) {
                used.add(0, first);
            }
        }
        if (used.isEmpty() && first != null && seen.add(first.directory())) {
            used.add(first);
        }
        this.involved = List.copyOf(used);
        // a yes to a decision in another directory than the change's is pushed from that directory's DC
        this.decisionServers = decided.values().stream().filter(sv -> !seen.contains(sv.directory())).toList();
        // a change that writes to one directory only is exported, written and replicated at that directory's DC,
        // also where it is not the first one
        Server only = used.size() == 1 ? used.get(0) : null;
        this.commands = only == null ? commands : only.commands();
        this.dc = only == null ? dc : only.dc();
        this.dcReadOnly = only == null ? dcReadOnly : only.dcReadOnly();
        this.hosts = hosts;
        this.unregister = unregister;
        this.onHosts = onHosts;
        this.refused = refused;
        this.withheld = withheld;
        this.validate = validate;
        this.purgeHosts = purgeHosts;
        this.decisions = decisions;
        this.decisionSteps = DecisionStep.of(decisions);
        Map<String, String> failures = new HashMap<>();
        for (Decision d : decisions) {
            org.kcdauditor.model.Finding f = d.finding();
            if ("MIGRATION_FAILURE_OBSERVED".equals(f.rule()) && f.host() != null && f.peer() != null
                    && f.hasEvidence() && Boolean.FALSE.equals(f.evidence().delegationExplains())
                    && f.evidence().classifications() != null && !f.evidence().classifications().isEmpty()) {
                failures.putIfAbsent(direction(f.host(), f.peer()), String.join(", ", f.evidence().classifications()));
            }
        }
        this.unexplained = Map.copyOf(failures);
        this.rules = rules;
        this.settled = settled;
        this.open = open;
        this.listSetBy = listSetBy;
    }

    /**
     * Whether the change settles the finding {@code id} completely: every action it asks for is a scripted change
     * of an object the plan changes (or a command on a host). Waived findings are never settled: the plan leaves
     * them alone.
     */
    public boolean settles(String id) {
        return settled.contains(id);
    }

    /**
     * The host whose change sets the resource-based delegation list that finding {@code id} asks for, so that it
     * asks no decision: the very list its yes would set, or one that takes its grant drift back
     * ({@code BASELINE_ENTRY_ADDED} / {@code _REMOVED}); else null.
     */
    public String listSetBy(String id) {
        return listSetBy.get(id);
    }

    /**
     * The rules whose findings asked for a change like {@code a} (same kind, object and, for delegation
     * entries, peer): what a step settles.
     */
    public List<String> rulesFor(Action a) {
        return List.copyOf(rules.getOrDefault(ruleKey(a), Set.of()));
    }

    private static String ruleKey(Action a) {
        String peer = a instanceof Action.AddDelegation d ? d.peer() : a instanceof Action.RemoveDelegation d ? d.peer()
                : null;
        return key(a.subject()) + "|" + a.getClass().getSimpleName() + "|" + key(peer);
    }

    public ProtocolTransition protocolPolicy() {
        return protocolPolicy;
    }

    /**
     * The commands of this change, bound to the domain controller the audit read from: every change is
     * written there and replication pushed from there. With several directories and a change that writes to one of
     * them only, that directory's DC.
     */
    public Commands commands() {
        return commands;
    }

    /** The domain controller changes are written to; null when the run names none usable. */
    public String server() {
        return commands.server();
    }

    /**
     * The commands for changes of {@code host}: bound to the domain controller of the host's own directory (with
     * several domains, each change is written to a DC of the domain the object lives in).
     */
    public Commands commandsFor(String host) {
        Server sv = serverOf(host);
        return sv == null ? commands : sv.commands();
    }

    /**
     * The commands for {@code a}: an SPN taken off another object goes to a DC of the domain its DN lies in (a holder
     * in the domain of a pair's source, say), any other change to its subject's ({@link #commandsFor(String)}).
     */
    public Commands commandsFor(Action a) {
        Server sv = serverOf(a);
        return sv == null ? commandsFor(a.subject()) : sv.commands();
    }

    /**
     * The directory an SPN is taken off {@code u} in: that of its DN, or the first (whose export lists the object) when
     * its DN names none of them; null for a single domain.
     */
    public Server serverFor(Action.UnregisterSpn u) {
        Server sv = serverOf(u);
        return sv != null || servers.size() < 2 ? sv : servers.values().iterator().next();
    }

    /**
     * The directory of {@code a}'s object: for an SPN taken off another object, the domain of its DN; for the user or
     * managed service account a file server is keyed on, the directory it was read from (it is no host: a file server
     * of another domain than the first is keyed on an account of its own domain, which the first's DC does not find,
     * or finds another account of that name in); else null.
     */
    private Server serverOf(Action a) {
        String directory = a instanceof Action.SetEncryptionTypes t && t.serviceAccount() != null
                ? t.serviceAccount().directory() : a instanceof Action.RekeyServiceAccount r ? r.directory() : null;
        if (directory != null) {
            return servers.get(directory);
        }
        if (!(a instanceof Action.UnregisterSpn u) || u.dn() == null || servers.size() < 2) {
            return null;
        }
        String dn = u.dn().toLowerCase(Locale.ROOT);
        for (Server sv : servers.values()) {
            String domain = sv.domainDn() == null ? "" : sv.domainDn().toLowerCase(Locale.ROOT);
            if (!domain.isEmpty() && (dn.equals(domain) || dn.endsWith("," + domain))) {
                return sv;
            }
        }
        return null;
    }

    /**
     * The computer name of {@code host} for what runs on or against the machine (Get-VMHost, the test move's node,
     * where tickets are purged): its name, unless the directory object was renamed in ADUC and the computer was not.
     */
    public String machine(String host) {
        return commandsFor(host).machine(host);
    }

    /** The distinguished name of {@code host}, a node or file server the audit read; null for another name. */
    public String dn(String host) {
        return dnOfHost.get(key(host));
    }

    private Server serverOf(String host) {
        String d = directoryOfHost.get(key(host));
        return d == null ? null : servers.get(d);
    }

    /**
     * The directories the change writes to, each with its DC: one for a single domain; with several, those of the
     * changed hosts and of the objects losing a duplicate SPN (by their DN; the first when it names none).
     */
    public List<Server> servers() {
        return involved;
    }

    /**
     * The directories a yes to a decision writes to that the change does not (with several domains: a decision on a
     * host of another domain than the changed hosts'), each with its DC; empty for a single domain.
     */
    public List<Server> decisionServers() {
        return decisionServers;
    }

    public List<HostChange> hosts() {
        return hosts;
    }

    /** SPNs to take off other objects (duplicates of a host's own SPN), each as that object stores it. */
    public List<Action.UnregisterSpn> unregister() {
        return unregister;
    }

    /** Commands run on (or against) the hosts themselves: a password reset, the migration authentication type. */
    public List<Action.OnHost> onHosts() {
        return onHosts;
    }

    /** {@link #onHosts} host by host: one list per host, as the PDF gives each host one row. */
    public List<List<Action.OnHost>> stepsByHost() {
        return grouped(onHosts);
    }

    /** The hosts with steps of their own ({@link #onHosts}), each once as first spelled, in the plan's order. */
    public List<String> hostsWithSteps() {
        return subjects(a -> true);
    }

    /** Those of {@link #hostsWithSteps} whose live-migration setting changes (a step other than a password reset). */
    public List<String> settingHosts() {
        return subjects(a -> !(a instanceof Action.ResetMachinePassword));
    }

    private List<String> subjects(Predicate<Action.OnHost> which) {
        Map<String, String> seen = new LinkedHashMap<>();
        onHosts.stream().filter(which).forEach(a -> seen.putIfAbsent(key(a.subject()), a.subject()));
        return List.copyOf(seen.values());
    }

    public List<Refused> refused() {
        return refused;
    }

    /**
     * The findings whose change the plan does not make although they ask for it, by id, each with the advice every
     * report gives in place of its own: it names a refused host ({@link #refused()}), to or from which no delegation is
     * added at all (an entry, or a resource-based delegation list naming it as a principal), and which no command
     * changes (its flags, encryption types, SPNs, a step on the machine, a decision's yes). These findings stay open.
     */
    public Map<String, String> withheld() {
        return withheld;
    }

    /**
     * For an expired waiver ({@code WAIVER_EXPIRED}) on a host whose change removes the entries of the findings the
     * waiver named (settled by the change): those entries, shown; else "".
     */
    /**
     * How many of the pairs {@code f}'s evidence names a waived one of its {@code causes} blocks (its host and peer the
     * pair's), as its rule counted them; at least one.
     */
    private static long keptFailing(Finding f, List<String> causes, Map<String, Finding> waived) {
        List<org.kcdauditor.model.Evidence.PairRef> pairs = f.hasEvidence() && f.evidence().pairs() != null ? f.evidence().pairs()
                : List.of();
        long n = pairs.stream().filter(p -> causes.stream().map(waived::get).anyMatch(w -> w != null
                && p.from().equalsIgnoreCase(String.valueOf(w.host()))
                && p.to().equalsIgnoreCase(String.valueOf(w.peer())))).count();
        return Math.max(1, n);
    }

    private static String keptByWaiver(Finding f, HostChange h, List<Finding> scripted, Set<String> settled) {
        if (!"WAIVER_EXPIRED".equals(f.rule()) || h == null || !f.hasEvidence() || f.evidence().waivedRule() == null) {
            return "";
        }
        Set<String> entries = new LinkedHashSet<>();
        for (Finding x : scripted) {
            if (f.evidence().waivedRule().equals(x.rule()) && h.name().equalsIgnoreCase(x.host())
                    && settled.contains(x.id())) {
                x.actions().stream().filter(a -> a instanceof Action.RemoveDelegation)
                        .forEach(a -> entries.addAll(((Action.RemoveDelegation) a).spns()));
            }
        }
        return Values.visibleSpns(List.copyOf(entries), ", ");
    }

    /**
     * The failing node → file server paths of {@code doc} the change fixes: no live migration tests them (a test move
     * targets a node), so the procedure checks each through the node's delegation.
     */
    public List<Pair> storagePaths(FindingsDocument doc) {
        Map<String, Set<String>> added = addedByHost(hosts);
        List<Pair> out = new ArrayList<>();
        for (FindingsDocument.ClusterDoc c : nn(doc.clusters())) {
            for (FindingsDocument.PairDoc p : nn(c.matrix())) {
                if (p != null && p.from() != null && p.to() != null && p.fileServer()
                        && fixes(p, this::settles, added)) {
                    out.add(new Pair(c.name(), p.from(), p.to(), false, null));
                }
            }
        }
        return out;
    }

    /**
     * The file server of a storage path as a UNC path names it: the host of a cifs entry the node has for it, after the
     * change (Kerberos asks for that SPN; the DNS name where there is one), else the computer's name.
     */
    public String fileServerName(FindingsDocument doc, Pair p) {
        List<String> entries = new ArrayList<>();
        hosts.stream().filter(h -> h.name().equalsIgnoreCase(p.from())).forEach(h -> h.add().stream()
                .filter(ps -> ps.peer().equalsIgnoreCase(p.to())).forEach(ps -> entries.addAll(ps.spns())));
        nn(doc.hosts()).stream().filter(h -> h != null && p.from().equalsIgnoreCase(h.name()))
                .forEach(h -> entries.addAll(nn(h.delegateTo())));
        String shortName = null;
        for (String spn : entries) {
            String[] parts = spn == null ? new String[0] : spn.split("/", 3);
            if (parts.length >= 2 && parts[0].equalsIgnoreCase("cifs")
                    && parts[1].split("\\.", 2)[0].equalsIgnoreCase(p.to())) {
                if (parts[1].contains(".")) {
                    return parts[1];
                }
                shortName = shortName == null ? parts[1] : shortName;
            }
        }
        return shortName != null ? shortName : machine(p.to());
    }

    /**
     * A removal of {@code p}'s entries from {@code h}, labelled by why the plan makes it: the entry to a domain
     * controller is a security fix (DELEGATION_TO_SENSITIVE_TARGET), an entry to a host that is gone or no peer is
     * stale; the workbook's Runbook sheet, the PDF's changes per object and the runbooks say the same.
     */
    public String removal(HostChange h, PeerSpns p) {
        if (p.peer().isEmpty()) {
            return "Remove delegation entries";
        }
        String peer = Values.visibleAccount(p.peer());
        List<String> why = rulesFor(new Action.RemoveDelegation(h.name(), p.peer(), p.spns()));
        if (why.contains("DELEGATION_TO_SENSITIVE_TARGET")) {
            return "Remove delegation to domain controller " + peer + " (security)";
        }
        return why.contains("STALE_DELEGATION") ? "Remove stale delegation to " + peer : "Remove delegation to " + peer;
    }

    /** Previously failing pairs (and pairs of hosts whose delegation mode changes): test each one. */
    public List<Pair> validate() {
        return validate;
    }

    /** Hosts whose SYSTEM tickets must be purged after replication. */
    public List<String> purgeHosts() {
        return purgeHosts;
    }

    /** The findings an administrator decides, above INFO, in findings order. */
    public List<Decision> decisions() {
        return decisions;
    }

    /** The decisions as the procedure asks them: one step per host and question ({@link DecisionStep}). */
    public List<DecisionStep> decisionSteps() {
        return decisionSteps;
    }

    /**
     * How many decisions, counted as every report counts them: "3 findings" when each is a step of its own, else the
     * steps with the findings they cover, "1 decision (28 findings)".
     */
    public String decisionCount() {
        return decisionSteps.size() == decisions.size() ? Words.plural(decisions.size(), "finding")
                : Words.plural(decisionSteps.size(), "decision") + " (" + Words.plural(decisions.size(), "finding")
                + ")";
    }

    /** "3 findings need an administrator's decision", "1 decision (28 findings) needs an administrator". */
    public String decisionsNeeded() {
        return decisionCount() + (decisionSteps.size() == 1 ? " needs" : " need") + " an administrator"
                + (decisionSteps.size() == decisions.size() ? "'s decision" : "");
    }

    /** {@link #decisionsNeeded()}, {@code where} they are listed, and that they are not part of the scripted change. */
    public String decisionsNotScripted(String where) {
        return decisionsNeeded() + where + "; " + (decisionSteps.size() == 1 ? "it is" : "they are")
                + " not part of the scripted change.";
    }

    /**
     * Whether the finding {@code id} stays open after the change: it needs a decision (one of {@link #decisions()}), or
     * the plan scripts it but cannot carry it out (its host is refused). Waived, INFO and settled findings, and
     * consequences of settled or waived ones, do not.
     */
    public boolean staysOpen(String id) {
        return open.contains(id);
    }

    public boolean hasChanges() {
        return scripted() || !onHosts.isEmpty();
    }

    /**
     * Whether remediation.ps1 has a step of the change (and ADUC a part in it): a host's delegation, or an SPN taken
     * off another object. Without one, the change is made only by {@link #onHosts}, which the script does not run and
     * no rollback undoes.
     */
    public boolean scripted() {
        return !hosts.isEmpty() || !unregister.isEmpty();
    }

    /**
     * The directory objects the change touches, by name: changed hosts, objects that lose a duplicate SPN,
     * hosts whose computer password is reset.
     */
    public List<String> objectNames() {
        Map<String, String> objects = new LinkedHashMap<>();
        hosts.forEach(h -> objects.putIfAbsent(key(h.name()), h.name()));
        unregister.forEach(u -> objects.putIfAbsent(key(u.dn()), Values.visibleAccount(u.holder())));
        onHosts.stream().filter(a -> a instanceof Action.ResetMachinePassword)
                .forEach(a -> objects.putIfAbsent(key(a.subject()), a.subject()));
        return List.copyOf(objects.values());
    }

    public int objectsChanged() {
        return objectNames().size();
    }

    /** The ADUC radio button the policy asks for ("either" keeps what the host has). */
    public static String aducChoice(ProtocolTransition policy, boolean hostHasProtocolTransition) {
        return switch (policy == null ? ProtocolTransition.EITHER : policy) {
            case ANY -> Remedies.ADUC_ANY;
            case KERBEROS_ONLY -> Remedies.ADUC_KERBEROS;
            case EITHER -> hostHasProtocolTransition ? Remedies.ADUC_ANY : Remedies.ADUC_KERBEROS;
        };
    }

    private static final class Building {
        final String name;
        String cluster;
        final Map<String, Set<String>> add = new LinkedHashMap<>();
        final Map<String, Set<String>> remove = new LinkedHashMap<>();
        final Set<String> register = new LinkedHashSet<>();
        boolean unconstrained;
        Boolean protocolTransition;
        String protocolBasis;
        Action.SetEncryptionTypes encryption;
        final Map<String, Action.Principal> rbcd = new LinkedHashMap<>();

        Building(String name) {
            this.name = name;
        }
    }

    /**
     * The entries of {@code byPeer} with the peer each names: a host's change, a refused host's entries to gain, a
     * decision step's entries.
     */
    private static List<PeerSpns> byPeer(Map<String, ? extends java.util.Collection<String>> byPeer) {
        return byPeer.entrySet().stream().map(e -> new PeerSpns(e.getKey(), e.getValue().stream().toList())).toList();
    }

    /** The entries of {@code byPeer}, peer after peer. */
    private static List<String> entries(Map<String, Set<String>> byPeer) {
        return byPeer.values().stream().flatMap(Set::stream).toList();
    }

    public static RemediationPlan of(FindingsDocument doc) {
        ProtocolTransition policy = doc.policy() == null || doc.policy().protocolTransition() == null
                ? ProtocolTransition.EITHER : doc.policy().protocolTransition();
        Map<String, FindingsDocument.HostDoc> hostDocs = new LinkedHashMap<>();
        for (FindingsDocument.HostDoc h : nn(doc.hosts())) {
            if (h != null && h.name() != null) {
                hostDocs.putIfAbsent(key(h.name()), h);
            }
        }
        // each object's own account name (sAMAccountName), by name: the nodes', then the other computers' the commands
        // name (file servers, delegation targets) where it is not their name with $
        Map<String, String> samOf = new LinkedHashMap<>();
        hostDocs.values().forEach(h -> samOf.put(key(h.name()), h.samAccountName()));
        for (FindingsDocument.AccountDoc a : nn(doc.accounts())) {
            if (a != null && a.name() != null) {
                samOf.putIfAbsent(key(a.name()), a.samAccountName());
            }
        }
        Map<String, Building> building = new LinkedHashMap<>();
        Map<String, Action.UnregisterSpn> unregister = new LinkedHashMap<>();
        Map<String, Action.OnHost> onHosts = new LinkedHashMap<>();
        Map<String, Set<String>> rules = new HashMap<>();
        List<Finding> undecided = new ArrayList<>();
        List<Finding> scripted = new ArrayList<>();
        // hosts whose dNSHostName holds a value that is no DNS name
        Set<String> dnsInvalid = new HashSet<>();
        for (Finding f : nn(doc.findings())) {
            if (f == null || f.host() == null) {
                continue;
            }
            if ("DNS_HOST_NAME_INVALID".equals(f.rule()) && f.hasEvidence() && f.evidence().actual() != null
                    && !f.evidence().actual().isEmpty()) {
                dnsInvalid.add(key(f.host())); // a value that is there and wrong, waived or not; not one that is missing
            }
        }
        Refusal refusal = new Refusal(samOf, dnsInvalid);
        Map<String, String> refusedNames = new LinkedHashMap<>(); // key -> name, as first met
        Map<String, String> withheld = new LinkedHashMap<>();
        for (Finding f : nn(doc.findings())) {
            if (f == null || f.rule() == null || f.isWaived()) {
                continue;
            }
            List<Action> actions = f.hasEvidence() ? f.actions() : LegacyActions.of(f, policy);
            boolean decide = actions.isEmpty();
            for (Action a : actions) {
                if (!(a instanceof Action.Manual)) {
                    rules.computeIfAbsent(ruleKey(a), k -> new LinkedHashSet<>()).add(f.rule());
                }
                // no command names a refused host: delegation granted to or from it (an entry, a resource-based
                // list naming it) is added by no one, and where a command could name it (its dNSHostName alone is
                // invalid) its other changes (its flags, its encryption types, a step on the machine, a decision's
                // yes) are left out too, the finding saying why
                String refusedEnd = refusal.held(a, hostDocs.keySet());
                if (refusedEnd != null) {
                    refusedNames.putIfAbsent(key(refusedEnd), refusedEnd);
                    withheld.putIfAbsent(f.id(), "Not scripted: " + Values.visibleAccount(refusedEnd) + " is refused,"
                            + " as " + refusal.of(refusedEnd) + ". " + (grants(a)
                            ? "No delegation is added to or from it, neither by the script nor by hand"
                            : "No command changes it") + ": check the object in ADUC (who created or renamed it, and"
                            + " why), fix or remove it, then audit again.");
                    // its own entries to lose are listed for an administrator once the object is checked
                    if (a instanceof Action.RemoveDelegation && refusal.of(a.subject()) != null) {
                        apply(building.computeIfAbsent(buildingKey(a), k -> new Building(a.subject())), a);
                    }
                    continue;
                }
                if (a instanceof Action.Manual) {
                    decide = true;
                } else if (a instanceof Action.UnregisterSpn u) {
                    unregister.putIfAbsent(key(u.dn()) + "|" + u.spn(), u);
                } else if (a instanceof Action.OnHost h) {
                    onHosts.putIfAbsent(key(h.subject()) + "|" + h.getClass().getSimpleName(), h);
                } else if (a.subject() != null) {
                    Building b = building.computeIfAbsent(buildingKey(a), k -> new Building(a.subject()));
                    b.cluster = b.cluster == null ? f.cluster() : b.cluster;
                    apply(b, a);
                }
            }
            if (decide) {
                undecided.add(f);
            } else {
                scripted.add(f);
            }
        }

        Set<String> fileServers = new HashSet<>();
        nn(doc.clusters()).stream().filter(Objects::nonNull).forEach(c -> nn(c.fileServers()).forEach(
                n -> fileServers.add(key(n))));
        List<HostChange> hosts = new ArrayList<>();
        List<Refused> refused = new ArrayList<>();
        List<Building> ordered = new ArrayList<>();
        // Hosts in the order of the document's host list (cluster by cluster), then any others.
        for (String k : hostDocs.keySet()) {
            if (building.containsKey(k)) {
                ordered.add(building.get(k));
            }
        }
        for (Map.Entry<String, Building> e : building.entrySet()) {
            if (!hostDocs.containsKey(e.getKey())) {
                ordered.add(e.getValue());
            }
        }
        Set<String> listed = new HashSet<>();
        for (Building b : ordered) {
            String why = refusal.of(b.name);
            if (why != null) {
                if (listed.add(key(b.name))) {
                    refused.add(new Refused(b.name, why, entries(b.remove)));
                }
                continue;
            }
            hosts.add(change(b, hostDocs.get(key(b.name)), fileServers.contains(key(b.name)), policy));
        }
        // a refused host only delegation was to be added to, or from: listed too, so every report says it is refused
        refusedNames.forEach((k, name) -> {
            if (listed.add(k)) {
                refused.add(new Refused(name, refusal.of(name), List.of()));
            }
        });

        Map<String, HostChange> changeOf = new HashMap<>();
        hosts.forEach(h -> changeOf.put(key(h.name()), h));
        // Findings the plan settles completely: every action of theirs is a scripted change of an object it changes.
        Set<String> settled = new HashSet<>();
        for (Finding f : scripted) {
            if (!withheld.containsKey(f.id()) && f.actions().stream().allMatch(a -> a instanceof Action.UnregisterSpn || a instanceof Action.OnHost
                    || changeOf.containsKey(key(a.subject())))) {
                settled.add(f.id());
            }
        }
        // a host's flags changed since the baseline are settled when the host's change sets them back exactly
        for (Finding f : undecided) {
            if (restoresBaselineFlags(f, changeOf.get(key(f.host())))) {
                settled.add(f.id());
            }
        }
        Set<String> open = new HashSet<>();
        scripted.stream().filter(f -> f.severity() != Severity.INFO && !settled.contains(f.id()))
                .forEach(f -> open.add(f.id()));
        Map<String, Finding> waived = new HashMap<>();
        Map<String, String> ruleOf = new HashMap<>();
        nn(doc.findings()).stream().filter(java.util.Objects::nonNull).forEach(f -> {
            ruleOf.putIfAbsent(f.id(), f.rule());
            if (f.isWaived()) {
                waived.put(f.id(), f);
            }
        });
        List<Decision> decisions = new ArrayList<>();
        Map<String, String> listSetBy = new HashMap<>();
        for (Finding f : undecided) {
            if (f.severity() == Severity.INFO || settled.contains(f.id())) {
                continue;
            }
            List<String> causes = f.causes();
            if (!causes.isEmpty() && causes.stream().allMatch(settled::contains)) {
                continue; // a consequence (observed failure, hardening) of findings the plan fixes: it goes with them
            }
            if (!causes.isEmpty() && causes.stream().allMatch(id -> settled.contains(id) || waived.containsKey(id))) {
                // a consequence of findings a waiver accepts: the pair stays failing, and this finding, not waived
                // itself, stays open (and blocks GO) until it is waived too or its cause is fixed
                // named as the finding's own action names them (the same ids and rules, the same words), the open
                // ones being those the change fixes
                Map<String, String> named = new java.util.LinkedHashMap<>();
                causes.forEach(id -> named.put(id, ruleOf.getOrDefault(id, "?")));
                decisions.add(new Decision(f, org.kcdauditor.rules.WaivedCauses.advice("The change fixes its",
                        org.kcdauditor.rules.Related.of(named), waived.keySet(), keptFailing(f, causes, waived), "waive it as well (rule "
                        + f.rule() + (f.host() == null ? "" : ", host " + f.host())
                        + (f.peer() == null ? "" : ", peer " + f.peer()) + ")", null), List.of(), null, true));
                open.add(f.id());
                continue;
            }
            Action.Manual m = manualOf(f);
            HostChange h = changeOf.get(key(f.host()));
            boolean back = takesGrantBack(f, h);
            if (back || !m.proposed().isEmpty() && m.proposed().stream().allMatch(a -> carriedOut(a, changeOf))) {
                // a list the change sets: the reports give the change's step as what to do
                HostChange sets = back ? h : m.proposed().size() == 1 && m.proposed().get(0) instanceof Action.AddRbcd r
                        ? changeOf.get(key(r.host())) : null;
                if (sets != null) {
                    listSetBy.put(f.id(), sets.name());
                }
                continue;
            }
            boolean coversFlags = h != null && h.changesMode() && f.hasEvidence()
                    && Boolean.TRUE.equals(f.evidence().delegationBits());
            // causes a waiver accepts are named among those to fix: say which, so no report asks to fix them
            Map<String, Integer> waivedCauses = new LinkedHashMap<>();
            causes.stream().map(waived::get).filter(Objects::nonNull).forEach(c -> waivedCauses.merge(c.rule(), 1,
                    Integer::sum));
            List<String> named = new ArrayList<>();
            waivedCauses.forEach((rule, n) -> named.add(n + " " + rule));
            String what = named.isEmpty() ? m.what() : m.what() + " Of these, " + String.join(" and ", named)
                    + (waivedCauses.values().stream().mapToInt(Integer::intValue).sum() == 1 ? " is" : " are")
                    + " waived (the plan leaves them out): a waiver does not fix them, and once it ends their cluster is"
                    + " NO-GO.";
            // findings named beside a failure they do not explain (a network error on a pair that is also blocked):
            // where the plan fixes them all, the decision says so, so that no one looks for another step to fix them
            List<String> related = causes.isEmpty() && f.hasEvidence() && f.evidence().relatedFindings() != null
                    ? f.evidence().relatedFindings() : List.of();
            if (!related.isEmpty() && related.stream().allMatch(settled::contains)) {
                what = what + " The change fixes " + (related.size() == 1 ? "that finding" : "those findings")
                        + " itself; the check is what stays to do.";
            }
            // an expired waiver whose findings the change now settles by removing entries: the decision comes too late
            // to keep them unless it is taken before the change
            String kept = keptByWaiver(f, h, scripted, settled);
            if (!kept.isEmpty()) {
                what = what + " The change removes the entries it kept (" + h.name() + ": " + kept + "): to keep them"
                        + " instead, renew the waiver before the change and audit again; the new plan leaves waived"
                        + " findings out.";
            }
            // a grant drift on a host whose change sets a list: a yes after it starts from that list, not the documented
            List<Action> proposed = grantAfterChange(f, h, m.proposed());
            boolean coversGrant = proposed != m.proposed();
            if (coversGrant) {
                what = what + " After the change of " + h.name() + ", which sets its list, the command sets that list"
                        + (f.evidence().rbcdAdded() != null ? " without the grant" : " with the grant again") + " (the"
                        + " documented list would undo the rest of the change).";
            }
            decisions.add(new Decision(f, what, proposed, coversFlags || coversGrant ? h.name() : null,
                    !named.isEmpty()));
            open.add(f.id());
        }

        List<Pair> validate = validatePairs(doc, hosts, settled);
        Set<String> purge = new LinkedHashSet<>();
        Map<String, String> display = new LinkedHashMap<>();
        for (HostChange h : hosts) {
            purge.add(key(h.name()));
            display.putIfAbsent(key(h.name()), h.name());
        }
        for (Action.OnHost a : onHosts.values()) {
            purge.add(key(a.subject()));
            display.putIfAbsent(key(a.subject()), a.subject());
        }
        for (Pair p : validate) {
            purge.add(key(p.from()));
            purge.add(key(p.to()));
            display.putIfAbsent(key(p.from()), p.from());
            display.putIfAbsent(key(p.to()), p.to());
        }
        // a host renamed in ADUC (its cn changed, the computer kept its name): what runs on or against the machine
        // names the computer, as its dNSHostName does
        Map<String, String> machines = new HashMap<>();
        hostDocs.values().forEach(h -> {
            String machine = Commands.machineName(h.name(), h.dnsHostName(), h.samAccountName());
            if (machine != null && !machine.equals(h.name())) {
                machines.put(h.name(), machine);
            }
        });
        List<String> purgeHosts = new ArrayList<>();
        for (String k : purge) {
            String name = display.get(k);
            if (Values.validHostName(name)) {
                purgeHosts.add(machines.getOrDefault(name, name));
            }
        }
        // a checklist ticked host by host: in name order, not in the order the plan met them
        purgeHosts.sort(String.CASE_INSENSITIVE_ORDER);
        // a computer whose cn is not its account name is named by its sAMAccountName in every cmdlet
        Map<String, String> accounts = new HashMap<>();
        samOf.forEach((name, sam) -> {
            if (Commands.accountDiffers(name, sam)) {
                accounts.put(name, sam);
            }
        });
        // the files the commands write are named by the run, as the runbook's export and change record
        java.util.function.Function<String, Commands> boundTo = dc -> Commands.forServer(dc).withAccounts(accounts)
                .withMachines(machines).forRun(doc.runId());
        Commands first = boundTo.apply(server(doc.directory()));
        Map<String, Server> servers = new LinkedHashMap<>();
        for (FindingsDocument.DirectoryDoc d : nn(doc.directories())) {
            if (d != null && d.name() != null) {
                // the first directory is the one of directory: its server is the run's as before
                servers.putIfAbsent(d.name(), new Server(d.name(), domainDn(d.baseDn()), d.baseDn(), d.dc(),
                        d.asDirectory().readFromReadOnlyDc(), servers.isEmpty() ? first
                        : boundTo.apply(server(d.asDirectory()))));
            }
        }
        Map<String, String> directoryOfHost = new HashMap<>();
        Map<String, String> dnOfHost = new HashMap<>();
        hostDocs.forEach((k, h) -> {
            if (h.directory() != null) {
                directoryOfHost.put(k, h.directory());
            }
            if (h.distinguishedName() != null) {
                dnOfHost.put(k, h.distinguishedName());
            }
        });
        return new RemediationPlan(policy, first, doc.directory() == null ? null : doc.directory().dc(),
                doc.directory() != null && doc.directory().readFromReadOnlyDc(), servers,
                directoryOfHost, dnOfHost, List.copyOf(hosts), List.copyOf(unregister.values()),
                byHost(onHosts.values()),
                List.copyOf(refused), Map.copyOf(withheld), List.copyOf(validate),
                List.copyOf(purgeHosts), List.copyOf(decisions), rules, Set.copyOf(settled), Set.copyOf(open),
                Map.copyOf(listSetBy));
    }

    /**
     * Why a host is refused, or null: its name is no host name, no command can name its account, or its dNSHostName
     * holds a value that is no DNS name (DNS_HOST_NAME_INVALID). Such an object may have been created or renamed to be
     * given delegation: the plan adds none to or from it.
     */
    private record Refusal(Map<String, String> samOf, Set<String> dnsInvalid) {
        String of(String name) {
            if (!Values.validHostName(name)) {
                return "its name is not a valid NetBIOS/DNS host name";
            }
            if (!Commands.accountTypeable(name, samOf.get(key(name)))) {
                // the cmdlets take the sAMAccountName: '<name>$' is another account, or none
                return "its account name (sAMAccountName) is not a valid NetBIOS name";
            }
            return dnsInvalid.contains(key(name)) ? "its dNSHostName is not a valid DNS name (DNS_HOST_NAME_INVALID)"
                    : null;
        }

        /**
         * The refused host for whose sake {@code a} is held back, or null: an end of a grant (an entry added, its host
         * or peer; a resource-based delegation list set, its target, and a principal it names, also in a decision's
         * proposed list); a host any other change names ({@link #hostsNamed}) where a command could name it, its name
         * and account name being typeable (its dNSHostName is not). A change on a host no command can name keeps its
         * step, which says why it has no command.
         */
        String held(Action a, Set<String> hosts) {
            List<String> ends = new ArrayList<>();
            if (a instanceof Action.AddDelegation d) {
                ends.add(d.host());
                if (d.peer() != null && !d.peer().isEmpty()) {
                    ends.add(d.peer());
                }
            } else if (a instanceof Action.AddRbcd r) {
                ends.add(r.host());
            }
            ends.addAll(principals(a));
            for (String n : ends) {
                if (of(n) != null) {
                    return n;
                }
            }
            for (String n : hostsNamed(a, hosts)) {
                if (of(n) != null && Values.validHostName(n) && Commands.accountTypeable(n, samOf.get(key(n)))) {
                    return n;
                }
            }
            return null;
        }
    }

    /** The principals a resource-based delegation list names, {@code a}'s or a decision's proposed one's. */
    private static List<String> principals(Action a) {
        if (a instanceof Action.Manual m) {
            return m.proposed().stream().flatMap(p -> principals(p).stream()).toList();
        }
        return a instanceof Action.AddRbcd r ? r.principals().stream().map(Action.Principal::name)
                .filter(Objects::nonNull).toList() : List.of();
    }

    /**
     * The computers {@code a} names, which a refusal holds back: an entry added (the host delegating and the peer it
     * names), a resource-based delegation list set (its target and every principal it names), a decision's proposed
     * changes, a file server rekeyed; the object any other change is made on, but an SPN's holder only where it is one
     * of the document's hosts ({@code hosts}, by {@link #key}: the holder may be a user account, whose name is no
     * host name) and no domain controller a replication names.
     */
    private static List<String> hostsNamed(Action a, Set<String> hosts) {
        List<String> out = new ArrayList<>();
        if (a instanceof Action.Manual m) {
            m.proposed().forEach(p -> out.addAll(hostsNamed(p, hosts)));
        } else if (a instanceof Action.AddDelegation d) {
            out.add(d.host());
            if (d.peer() != null && !d.peer().isEmpty()) {
                out.add(d.peer());
            }
        } else if (a instanceof Action.AddRbcd r) {
            out.add(r.host());
            r.principals().stream().map(Action.Principal::name).filter(Objects::nonNull).forEach(out::add);
        } else if (a instanceof Action.UnregisterSpn u) {
            if (u.holder() != null && hosts.contains(key(u.holder()))) {
                out.add(u.holder());
            }
        } else if (a instanceof Action.RekeyServiceAccount r) {
            if (r.fileServer() != null) {
                out.add(r.fileServer());
            }
        } else if (!(a instanceof Action.Replicate) && a.subject() != null) {
            out.add(a.subject());
        }
        return out;
    }

    /** Whether {@code a} (or a decision's proposed change) grants delegation: an entry added or a list set. */
    private static boolean grants(Action a) {
        return a instanceof Action.AddDelegation || a instanceof Action.AddRbcd
                || a instanceof Action.Manual m && m.proposed().stream().anyMatch(RemediationPlan::grants);
    }

    /**
     * The steps on the hosts, those of one host together (in the order of its first step): the administrator does
     * everything on a host in one session instead of coming back to it (HV13: new password, then migration enabled).
     */
    static List<Action.OnHost> byHost(java.util.Collection<Action.OnHost> steps) {
        return grouped(steps).stream().flatMap(List::stream).toList();
    }

    /** {@code steps} by host (names ignoring case), each host's in their order, the hosts in the order of their first. */
    private static List<List<Action.OnHost>> grouped(java.util.Collection<Action.OnHost> steps) {
        Map<String, List<Action.OnHost>> grouped = new LinkedHashMap<>();
        steps.forEach(a -> grouped.computeIfAbsent(key(a.subject()), k -> new ArrayList<>()).add(a));
        return List.copyOf(grouped.values());
    }

    /**
     * The failures logged on a direction to test that delegation cannot explain ({@code NETWORK 0x80072746}), when a
     * decision keeps them open: the test move may fail the same way after the change, which then is not the
     * delegation. Empty when none.
     */
    public String unexplainedFailure(Pair p) {
        return unexplained.getOrDefault(direction(p.from(), p.to()), "");
    }

    private static String direction(String from, String to) {
        return from.toLowerCase(Locale.ROOT) + '\0' + to.toLowerCase(Locale.ROOT);
    }

    /** {@code OU=Hyper-V,DC=contoso,DC=com} → {@code DC=contoso,DC=com}. */
    static String domainDn(String baseDn) {
        List<String> parts = new ArrayList<>();
        for (String rdn : baseDn == null ? new String[0] : baseDn.split(",")) {
            String t = rdn.trim();
            if (t.regionMatches(true, 0, "DC=", 0, 3)) {
                parts.add(t);
            }
        }
        return String.join(",", parts);
    }

    private static void apply(Building b, Action a) {
        if (a instanceof Action.AddDelegation d) {
            b.add.computeIfAbsent(d.peer() == null ? "" : d.peer(), k -> new LinkedHashSet<>()).addAll(d.spns());
        } else if (a instanceof Action.RemoveDelegation d) {
            b.remove.computeIfAbsent(d.peer() == null ? "" : d.peer(), k -> new LinkedHashSet<>()).addAll(d.spns());
        } else if (a instanceof Action.RegisterSpn r) {
            b.register.add(r.spn());
        } else if (a instanceof Action.ReplaceUnconstrained r) {
            b.unconstrained = true;
            b.protocolTransition = r.protocolTransition();
            b.protocolBasis = r.basis();
        } else if (a instanceof Action.SetProtocolTransition p) {
            b.protocolTransition = p.enabled();
        } else if (a instanceof Action.SetEncryptionTypes t) {
            // the user or managed service account both set, if it is one: Set-ADComputer 'svc-nas$' finds none
            b.encryption = b.encryption == null ? t : new Action.SetEncryptionTypes(t.host(), b.encryption.value()
                    | t.value(), b.encryption.clearDesOnly() || t.clearDesOnly(), t.previous(),
                    b.encryption.serviceAccount() != null ? b.encryption.serviceAccount() : t.serviceAccount());
        } else if (a instanceof Action.AddRbcd r) {
            // several findings ask for the same target's list: one list, each principal once
            for (Action.Principal p : r.principals()) {
                String k = p.sid() != null ? p.sid() : key(p.name());
                Action.Principal had = b.rbcd.get(k);
                b.rbcd.put(k, had == null ? p : new Action.Principal(had.name() != null ? had.name() : p.name(),
                        had.domain() != null ? had.domain() : p.domain(), had.sid(), had.present() || p.present()));
            }
        }
        // EnableAccount and ClearAccountExpiry are only ever proposed in a decision.
    }

    /** {@code fileServer}: a file server of a cluster, read as a delegation target only (no host document). */
    private static HostChange change(Building b, FindingsDocument.HostDoc hd, boolean fileServer,
                                     ProtocolTransition policy) {
        int uac = hd == null ? 0 : hd.userAccountControl();
        boolean hasPt = Uac.has(uac, Uac.TRUSTED_TO_AUTH_FOR_DELEGATION);
        boolean hasEntries = hd != null && hd.delegateTo() != null && !hd.delegateTo().isEmpty();
        Boolean setPt = b.protocolTransition == null || b.protocolTransition == hasPt ? null : b.protocolTransition;
        boolean ptAfter = setPt != null ? setPt : hasPt || !hasEntries && policy != ProtocolTransition.KERBEROS_ONLY;
        String aduc = b.unconstrained || setPt != null ? (ptAfter ? Remedies.ADUC_ANY : Remedies.ADUC_KERBEROS)
                : aducChoice(policy, ptAfter);
        String mode = hd != null ? mode(uac, hasEntries) : fileServer ? FILE_SERVER_MODE
                : "not in the directory snapshot";
        // the host's own cluster; a finding of another cluster may ask for the change (RBCD on a peer's target)
        return new HostChange(b.name, hd == null ? null : hd.dnsHostName(),
                hd != null && hd.cluster() != null ? hd.cluster() : b.cluster,
                hd == null ? null : hd.operatingSystem(), mode, byPeer(b.add), byPeer(b.remove),
                List.copyOf(b.register), b.unconstrained, setPt, hasPt, aduc, b.protocolBasis, b.encryption,
                hd == null ? null : hd.directory(), List.copyOf(b.rbcd.values()));
    }

    /** The decision a finding asks for: its Manual action, or (an older findings.json) its own words. */
    private static Action.Manual manualOf(Finding f) {
        for (Action a : f.actions()) {
            if (a instanceof Action.Manual m) {
                return m;
            }
        }
        return new Action.Manual(f.remediation() == null ? "" : f.remediation());
    }

    /**
     * The plan itself makes the change {@code a} proposes: a baseline entry it adds back or removes again, or the very
     * resource-based delegation list its change sets on the host (the list a cross-domain pair needs, which leaves out
     * the wide grant an RBCD_ALLOWS_ANY_ACCOUNT decision would drop: the same accounts, saved to the same file).
     */
    private static boolean carriedOut(Action a, Map<String, HostChange> changeOf) {
        HostChange h = a.subject() == null ? null : changeOf.get(key(a.subject()));
        if (h == null) {
            return false;
        }
        if (a instanceof Action.AddDelegation d) {
            return covers(h.add(), d.spns());
        } else if (a instanceof Action.RemoveDelegation d) {
            return covers(h.remove(), d.spns());
        } else if (a instanceof Action.AddRbcd r) {
            return !h.rbcd().isEmpty() && sids(h.rbcd()).equals(sids(r.principals()));
        }
        return false;
    }

    /**
     * Whether {@code f} is a grant added to or removed from a host's resource-based delegation since the baseline
     * (BASELINE_ENTRY_ADDED / _REMOVED with {@code rbcdAdded} / {@code rbcdRemoved}) that the list {@code h} sets takes
     * back: it leaves the added grant out (a grant to every account the change drops), or allows the removed one again.
     * Its own proposal, the documented list, would undo the rest of the change's list after it.
     */
    private static boolean takesGrantBack(Finding f, HostChange h) {
        if (h == null || h.rbcd().isEmpty() || f.rule() == null || !f.hasEvidence()) {
            return false;
        }
        Set<String> list = sids(h.rbcd());
        List<String> added = f.evidence().rbcdAdded();
        List<String> removed = f.evidence().rbcdRemoved();
        return switch (f.rule()) {
            case "BASELINE_ENTRY_ADDED" -> added != null && !added.isEmpty() && added.stream()
                    .noneMatch(s -> list.contains(s.toUpperCase(Locale.ROOT)));
            case "BASELINE_ENTRY_REMOVED" -> removed != null && !removed.isEmpty() && removed.stream()
                    .allMatch(s -> list.contains(s.toUpperCase(Locale.ROOT)));
            default -> false;
        };
    }

    /**
     * {@code proposed} with its list for {@code f}'s host replaced by the list {@code h} sets, the grant of {@code f}
     * (a BASELINE_ENTRY_ADDED / _REMOVED of a grant the change does not take back) taken out of it or added to it;
     * {@code proposed} itself where {@code h} sets no list or {@code f} is no such finding.
     */
    private static List<Action> grantAfterChange(Finding f, HostChange h, List<Action> proposed) {
        if (h == null || h.rbcd().isEmpty() || f.rule() == null || !f.rule().startsWith("BASELINE_ENTRY_")
                || !f.hasEvidence() || f.evidence().rbcdAdded() == null && f.evidence().rbcdRemoved() == null
                || proposed.stream().noneMatch(a -> a instanceof Action.AddRbcd r && key(r.host()).equals(key(h.name())))) {
            return proposed;
        }
        List<String> added = f.evidence().rbcdAdded() == null ? List.of() : f.evidence().rbcdAdded();
        Set<String> out = new HashSet<>();
        added.forEach(s -> out.add(s.toUpperCase(Locale.ROOT)));
        List<Action> after = new ArrayList<>();
        for (Action a : proposed) {
            if (!(a instanceof Action.AddRbcd r) || !key(r.host()).equals(key(h.name()))) {
                after.add(a);
                continue;
            }
            // the change's accounts, all allowed once it is made, then the removed grant from the documented list
            List<Action.Principal> list = new ArrayList<>();
            Set<String> listed = new HashSet<>();
            for (Action.Principal p : h.rbcd()) {
                String sid = p.sid() == null ? null : p.sid().toUpperCase(Locale.ROOT);
                if (!out.contains(sid) && listed.add(sid)) {
                    list.add(new Action.Principal(p.name(), p.domain(), p.sid(), true));
                }
            }
            for (String removed : f.evidence().rbcdRemoved() == null ? List.<String>of() : f.evidence().rbcdRemoved()) {
                r.principals().stream().filter(p -> p.sid() != null && p.sid().equalsIgnoreCase(removed)
                        && listed.add(removed.toUpperCase(Locale.ROOT))).findFirst().ifPresent(list::add);
            }
            after.add(new Action.AddRbcd(r.host(), list));
        }
        return List.copyOf(after);
    }

    private static Set<String> sids(List<Action.Principal> principals) {
        Set<String> sids = new HashSet<>();
        principals.forEach(p -> sids.add(p.sid() == null ? null : p.sid().toUpperCase(Locale.ROOT)));
        return sids;
    }

    private static boolean covers(List<PeerSpns> changes, List<String> spns) {
        Set<String> keys = new HashSet<>();
        changes.forEach(p -> p.spns().forEach(s -> keys.add(Spn.keyOf(s))));
        return spns.stream().allMatch(s -> keys.contains(Spn.keyOf(s)));
    }

    /**
     * Whether the change leaves some host's delegation entries or userAccountControl flags (what the baseline
     * documents) other than the baseline has them, so that the next audit would report drift until a new baseline is
     * captured. A change that only takes drift back (removes an entry of a BASELINE_ENTRY_ADDED finding, adds back one
     * of a BASELINE_ENTRY_REMOVED finding, or restores the flags of a BASELINE_FLAGS_CHANGED finding) does not, nor do
     * SPNs registered or taken off another object, which the baseline does not hold; a host not in the baseline
     * (BASELINE_HOST_NEW) is reported as such whatever the change. A node's resource-based delegation list departs
     * where the baseline documents grants ({@code baseline.rbcdHosts}): the list comes to allow a principal it does
     * not document (a drift finding's own list back to the documented grants is a decision, not part of the change);
     * a file server's grants and those of a baseline captured before captures recorded them are in no baseline. Waived
     * drift findings count: a waiver does not change what the baseline documents.
     */
    public boolean departsFromBaseline(FindingsDocument doc) {
        Set<String> drifted = new HashSet<>(); // rule|host|entry of the drift findings the change may take back
        Set<String> notInBaseline = new HashSet<>();
        Map<String, Finding> flagsDrift = new HashMap<>();
        for (Finding f : nn(doc.findings())) {
            if (f == null || f.rule() == null || f.host() == null) {
                continue;
            }
            switch (f.rule()) {
                case "BASELINE_ENTRY_ADDED", "BASELINE_ENTRY_REMOVED" -> {
                    if (f.spn() != null) {
                        drifted.add(f.rule() + "|" + key(f.host()) + "|" + Spn.keyOf(f.spn()));
                    }
                }
                case "BASELINE_HOST_NEW" -> notInBaseline.add(key(f.host()));
                case "BASELINE_FLAGS_CHANGED" -> flagsDrift.put(key(f.host()), f);
                default -> { }
            }
        }
        boolean grantsDocumented = doc.baseline() != null && doc.baseline().rbcdHosts() != null;
        Set<String> nodes = new HashSet<>();
        nn(doc.hosts()).forEach(n -> nodes.add(key(n.name())));
        for (HostChange h : hosts) {
            String host = key(h.name());
            if (notInBaseline.contains(host)) {
                continue;
            }
            if (grantsDocumented && !h.rbcd().isEmpty() && nodes.contains(host)) {
                return true;
            }
            for (PeerSpns p : h.add()) {
                if (p.spns().stream().anyMatch(s -> !drifted.contains("BASELINE_ENTRY_REMOVED|" + host + "|"
                        + Spn.keyOf(s)))) {
                    return true;
                }
            }
            for (PeerSpns p : h.remove()) {
                if (p.spns().stream().anyMatch(s -> !drifted.contains("BASELINE_ENTRY_ADDED|" + host + "|"
                        + Spn.keyOf(s)))) {
                    return true;
                }
            }
            if (h.changesMode() && !restoresBaselineFlags(flagsDrift.get(host), h)) {
                return true;
            }
            if (h.encryption() != null && h.encryption().clearDesOnly()) {
                return true; // USE_DES_KEY_ONLY is a userAccountControl flag the baseline documents
            }
        }
        return false;
    }

    /**
     * Whether {@code f} is a BASELINE_FLAGS_CHANGED finding whose host's change ({@code h}: unconstrained delegation
     * off, protocol transition set or cleared) leaves exactly the flags the baseline documents.
     */
    static boolean restoresBaselineFlags(Finding f, HostChange h) {
        if (f == null || h == null || !h.changesMode() || !"BASELINE_FLAGS_CHANGED".equals(f.rule()) || !f.hasEvidence()
                || f.evidence().expected() == null || f.evidence().actual() == null) {
            return false;
        }
        int after;
        int baseline;
        try {
            after = Uac.fromNames(f.evidence().actual());
            baseline = Uac.fromNames(f.evidence().expected());
        } catch (IllegalArgumentException e) {
            return false; // a flag this version does not know (a findings.json edited or written by a later one)
        }
        if (h.unconstrained()) {
            after &= ~Uac.TRUSTED_FOR_DELEGATION;
        }
        if (h.trustedToAuth() != null) {
            after = h.trustedToAuth() ? after | Uac.TRUSTED_TO_AUTH_FOR_DELEGATION
                    : after & ~Uac.TRUSTED_TO_AUTH_FOR_DELEGATION;
        }
        return after == baseline;
    }

    /**
     * The pairs to test after the change: every failing pair the change fixes (each of its blockers a finding the
     * plan settles), and every passing pair from a host whose delegation mode changes. A pair that keeps a blocker
     * (a waived finding, an accepted exception; a finding that needs a decision) is not tested: its move would
     * fail, and the closing preflight names what still blocks it. A findings.json written before pairs carried
     * their blockers: every failing pair whose missing entries the plan all adds.
     */
    private static List<Pair> validatePairs(FindingsDocument doc, List<HostChange> hosts, Set<String> settled) {
        Map<String, Set<String>> added = addedByHost(hosts);
        Set<String> modeChanges = new HashSet<>();
        hosts.stream().filter(HostChange::changesMode).forEach(h -> modeChanges.add(key(h.name())));
        List<Pair> validate = new ArrayList<>();
        // each node's cluster: a pair into a node of another cluster (a migration group) is tested across clusters
        Map<String, String> clusterOfNode = new HashMap<>();
        for (FindingsDocument.ClusterDoc c : nn(doc.clusters())) {
            if (c != null && c.name() != null) {
                nn(c.nodes()).stream().filter(Objects::nonNull).forEach(n -> clusterOfNode.putIfAbsent(key(n), c.name()));
            }
        }
        for (FindingsDocument.ClusterDoc c : nn(doc.clusters())) {
            for (FindingsDocument.PairDoc p : nn(c.matrix())) {
                if (p == null || p.from() == null || p.to() == null || p.fileServer()) {
                    continue;
                }
                if (p.passes() ? modeChanges.contains(key(p.from())) : fixes(p, settled::contains, added)) {
                    String toCluster = clusterOfNode.get(key(p.to()));
                    validate.add(new Pair(c.name(), p.from(), p.to(), p.passes(),
                            toCluster == null || toCluster.equals(c.name()) ? null : toCluster));
                }
            }
        }
        return validate;
    }

    /**
     * Whether the change fixes a failing pair: each of its blockers is a finding the plan settles; for a findings.json
     * written before pairs carried blockers, the plan adds every missing entry and none is unregistered. The view's
     * "fixed by the change" and the test moves ask the same.
     */
    static boolean fixes(FindingsDocument.PairDoc p, Predicate<String> settled, Map<String, Set<String>> added) {
        if (p.passes()) {
            return false;
        }
        if (p.blockers() != null) {
            return !p.blockers().isEmpty() && p.blockers().stream().allMatch(b -> settled.test(b.findingId()));
        }
        Set<String> adds = added.getOrDefault(p.from().toLowerCase(Locale.ROOT), Set.of());
        return nn(p.unregistered()).isEmpty() && !nn(p.missing()).isEmpty()
                && nn(p.missing()).stream().allMatch(m -> adds.contains(Spn.keyOf(m)));
    }

    /** The normal forms of the delegation entries the plan adds, by host (lower case). */
    static Map<String, Set<String>> addedByHost(List<HostChange> hosts) {
        Map<String, Set<String>> out = new HashMap<>();
        for (HostChange h : hosts) {
            Set<String> keys = out.computeIfAbsent(h.name().toLowerCase(Locale.ROOT), k -> new HashSet<>());
            h.add().forEach(p -> p.spns().forEach(spn -> keys.add(Spn.keyOf(spn))));
        }
        return out;
    }

    /**
     * The domain controller a change is written to and pushed from: the one the audit read, the root DSE's
     * dnsHostName ({@code directory.dc}), else the host of {@code directory.url} (a server that does not say which DC
     * it is); where the DC read is read-only ({@code directory.dcReadOnly}), which takes no write and pushes nothing,
     * the domain's PDC emulator ({@code directory.writeDc}); null when there is no such host name.
     */
    private static String server(FindingsDocument.Directory d) {
        if (d == null) {
            return null;
        }
        if (d.readFromReadOnlyDc()) {
            return Values.validHostName(d.writeDc()) ? d.writeDc() : null;
        }
        if (Values.validHostName(d.dc())) {
            return d.dc();
        }
        return urlHost(d);
    }

    /** The DC was not named by the directory: the runbook says that the URL's host stands in for it. */
    public boolean serverFromUrl() {
        return !dcReadOnly && commands.server() != null && !commands.server().equals(dc);
    }

    /**
     * For each directory the change writes to ({@link #servers}) whose DC the audit read is read-only, the sentence
     * that says so and where the changes go instead ({@link #readOnlyNote(String, boolean, String)}); empty when every
     * such DC is writable.
     */
    public List<String> readOnlyNotes() {
        if (involved.size() > 1) {
            return readOnlyNotes(involved.stream().map(Server::directory)
                    .collect(java.util.stream.Collectors.toSet()));
        }
        String note = readOnlyNote(dc, dcReadOnly, commands.server());
        return note == null ? List.of() : List.of(note);
    }

    /**
     * {@link #readOnlyNotes()} of the directories named {@code directories} only: those a cluster's preflight verdict
     * rests on; another domain's read-only DC is no concern of it.
     */
    public List<String> readOnlyNotes(Set<String> directories) {
        return involved.stream().filter(s -> directories.contains(s.directory())).map(Server::readOnlyNote)
                .filter(java.util.Objects::nonNull).toList();
    }

    /**
     * Where the DC the audit read ({@code dc}) is read-only, the sentence (without a full stop) that says so and where
     * the changes go instead: to {@code writeTo}, the domain's PDC emulator, or, where it is not known (null), to a
     * writable DC the administrator finds; null for a writable DC.
     */
    static String readOnlyNote(String dc, boolean readOnly, String writeTo) {
        if (!readOnly) {
            return null;
        }
        String read = "kcd-audit read " + (dc == null ? "" : dc + ", ") + "a read-only domain controller";
        return writeTo != null ? read + "; the changes are written to " + writeTo + ", the domain's PDC emulator, and"
                + " replicated from there"
                : read + ", which takes no writes and replicates to no other domain controller, and the domain's PDC"
                + " emulator could not be read: run the changes against a writable domain controller of the domain, in"
                + " place of " + Commands.DC_PLACEHOLDER + " (Get-ADDomain | Select-Object PDCEmulator, or netdom"
                + " query pdc, names the PDC emulator)";
    }

    private static String urlHost(FindingsDocument.Directory d) {
        if (d.url() == null) {
            return null;
        }
        try {
            String host = new URI(d.url().trim()).getHost();
            return Values.validHostName(host) ? host : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** The delegation mode ADUC shows for the host today. */
    public static String mode(int uac, boolean hasEntries) {
        if (Uac.has(uac, Uac.TRUSTED_FOR_DELEGATION)) {
            return "unconstrained (Trust this computer for delegation to any service)";
        }
        if (!hasEntries) {
            return Uac.has(uac, Uac.TRUSTED_TO_AUTH_FOR_DELEGATION) ? "no services listed, protocol transition set"
                    : "not trusted for delegation";
        }
        return Uac.has(uac, Uac.TRUSTED_TO_AUTH_FOR_DELEGATION)
                ? "constrained, " + Remedies.ADUC_ANY.toLowerCase(Locale.ROOT)
                : "constrained, " + Remedies.ADUC_KERBEROS.toLowerCase(Locale.ROOT);
    }

    /**
     * The change an action is merged into: its subject's, and for a service account of a directory named in the
     * action, that directory's (contoso's and fabrikam's svc-nas are two accounts, each set on a DC of its domain).
     */
    private static String buildingKey(Action a) {
        String directory = a instanceof Action.SetEncryptionTypes e && e.serviceAccount() != null
                ? e.serviceAccount().directory() : null;
        return directory == null ? key(a.subject()) : key(a.subject()) + "|" + directory;
    }

    static String key(String name) {
        return name == null ? "" : name.toLowerCase(Locale.ROOT);
    }

    static <T> List<T> nn(List<T> list) {
        return list == null ? List.of() : list;
    }

    /**
     * Actions for a finding of a findings.json written before findings carried them, from its structured
     * fields only. What needs more than the fields (which holder of an SPN is right, whether a stale entry's
     * host exists) is left to a decision.
     */
    static final class LegacyActions {
        private LegacyActions() {
        }

        static List<Action> of(Finding f, ProtocolTransition policy) {
            String host = f.host();
            if (host == null) {
                return List.of();
            }
            return switch (f.rule()) {
                case "MISSING_DELEGATION" -> f.spn() == null ? List.of()
                        : List.of(new Action.AddDelegation(host, f.peer(), List.of(f.spn())));
                case "UNCONSTRAINED_DELEGATION" -> {
                    var choice = ProtocolChoice.byPolicy(policy, host);
                    yield List.of(new Action.ReplaceUnconstrained(host, choice.protocolTransition(), choice.basis()));
                }
                case "PROTOCOL_TRANSITION_MISMATCH" -> f.severity() == Severity.MEDIUM && policy != ProtocolTransition.EITHER
                        ? List.of(new Action.SetProtocolTransition(host, policy == ProtocolTransition.ANY)) : List.of();
                default -> List.of();
            };
        }
    }
}
