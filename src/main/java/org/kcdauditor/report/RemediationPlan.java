package org.kcdauditor.report;

import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.Spn;
import org.kcdauditor.model.Uac;

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
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What has to change in the directory, derived from the findings of one run: per host the SPNs to
 * add and remove, SPNs to register, the delegation mode to set, then which hosts need their tickets
 * purged and which pairs must be tested. The workbook's Runbook sheet, the PDF's remediation plan and
 * the FreeMarker runbooks are all views of this one plan, so they never disagree.
 */
public final class RemediationPlan {

    public static final String ADUC_ANY = "Use any authentication protocol";
    public static final String ADUC_KERBEROS = "Use Kerberos only";

    /** Host names that may appear in a script: NetBIOS/DNS labels (letters, digits, hyphen), dot-separated. */
    private static final Pattern HOST_NAME = Pattern.compile(
            "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

    /** SPNs one host gains or loses towards one peer. */
    public record PeerSpns(String peer, List<String> spns) {
    }

    /**
     * The changes to one computer object. {@code trustedToAuth}: the value to set for
     * TRUSTED_TO_AUTH_FOR_DELEGATION, or null to leave it; {@code aducProtocol}: the radio button to
     * choose on the Delegation tab.
     */
    public record HostChange(String name, String dnsHostName, String cluster, String operatingSystem,
                             String currentMode, List<PeerSpns> add, List<PeerSpns> remove, List<String> register,
                             boolean unconstrained, Boolean trustedToAuth, Boolean currentTrustedToAuth,
                             String aducProtocol) {
        /** The sAMAccountName the AD cmdlets take: the name with {@code $}. */
        public String identity() {
            return name + "$";
        }

        public boolean changesDelegationTab() {
            return !add.isEmpty() || !remove.isEmpty() || unconstrained || trustedToAuth != null;
        }

        public int addCount() {
            return add.stream().mapToInt(p -> p.spns().size()).sum();
        }

        public int removeCount() {
            return remove.stream().mapToInt(p -> p.spns().size()).sum();
        }
    }

    /** A host left out of scripts because its name cannot be used safely. */
    public record Refused(String name, String reason) {
    }

    public record Pair(String cluster, String from, String to) {
    }

    /**
     * A finding the plan cannot turn into a scripted change: an administrator decides. {@code reason}:
     * why it is not scripted although the rule's advice is a command (else null); {@code coveredBy}: the
     * changed host whose step also changes what the finding is about, to check afterwards (else null).
     */
    public record Manual(String severity, String rule, String cluster, String host, String message,
                         String remediation, String reason, String coveredBy) {
    }

    /** One line of the change-record checklist. */
    public record Step(int number, String phase, String host, String action, String detail, String command) {
    }

    private final String protocolPolicy;
    private final String server;
    private final List<HostChange> hosts;
    private final List<Refused> refused;
    private final List<Pair> validate;
    private final List<String> purgeHosts;
    private final List<Manual> manual;

    private RemediationPlan(String protocolPolicy, String server, List<HostChange> hosts, List<Refused> refused,
                            List<Pair> validate, List<String> purgeHosts, List<Manual> manual) {
        this.protocolPolicy = protocolPolicy;
        this.server = server;
        this.hosts = hosts;
        this.refused = refused;
        this.validate = validate;
        this.purgeHosts = purgeHosts;
        this.manual = manual;
    }

    public String protocolPolicy() {
        return protocolPolicy;
    }

    /**
     * The domain controller the audit read from (the host of {@code directory.url}), to which every
     * change is written and from which replication is pushed; null when the URL names no valid host.
     */
    public String server() {
        return server;
    }

    public List<HostChange> hosts() {
        return hosts;
    }

    public List<Refused> refused() {
        return refused;
    }

    /** Previously failing pairs (and pairs of hosts whose delegation mode changes): test each one. */
    public List<Pair> validate() {
        return validate;
    }

    /** Hosts whose SYSTEM tickets must be purged after replication. */
    public List<String> purgeHosts() {
        return purgeHosts;
    }

    public List<Manual> manual() {
        return manual;
    }

    public boolean hasChanges() {
        return !hosts.isEmpty();
    }

    /** True when {@code name} is a NetBIOS/DNS host name that may be pasted into a script. */
    public static boolean validHostName(String name) {
        return name != null && name.length() <= 253 && HOST_NAME.matcher(name).matches();
    }

    /** The ADUC radio button the policy asks for ("either" keeps what the host has). */
    public static String aducChoice(String policy, boolean hostHasProtocolTransition) {
        return switch (policy == null ? "either" : policy) {
            case "any" -> ADUC_ANY;
            case "kerberos-only" -> ADUC_KERBEROS;
            default -> hostHasProtocolTransition ? ADUC_ANY : ADUC_KERBEROS;
        };
    }

    private static final class Building {
        final String name;
        String cluster;
        final Map<String, Set<String>> add = new LinkedHashMap<>();
        final Map<String, Set<String>> remove = new LinkedHashMap<>();
        final Set<String> register = new LinkedHashSet<>();
        boolean unconstrained;
        boolean protocolMismatch;

        Building(String name) {
            this.name = name;
        }
    }

    public static RemediationPlan of(FindingsDocument doc) {
        String policy = doc.policy() == null || doc.policy().protocolTransition() == null ? "either"
                : doc.policy().protocolTransition();
        Map<String, FindingsDocument.HostDoc> hostDocs = new LinkedHashMap<>();
        for (FindingsDocument.HostDoc h : nn(doc.hosts())) {
            if (h != null && h.name() != null) {
                hostDocs.putIfAbsent(key(h.name()), h);
            }
        }
        Map<String, Building> building = new LinkedHashMap<>();
        List<Finding> undecided = new ArrayList<>();
        // A waived finding is an accepted exception: the plan neither changes it nor validates its pair.
        Set<String> waivedPairs = new HashSet<>();
        Set<String> unwaivedPairs = new HashSet<>();
        for (Finding f : nn(doc.findings())) {
            if (f != null && "MISSING_DELEGATION".equals(f.rule()) && f.host() != null && f.peer() != null) {
                (f.isWaived() ? waivedPairs : unwaivedPairs).add(key(f.host()) + "|" + key(f.peer()));
            }
        }
        waivedPairs.removeAll(unwaivedPairs);
        for (Finding f : nn(doc.findings())) {
            if (f == null || f.rule() == null || f.isWaived()) {
                continue;
            }
            String host = f.host();
            switch (f.rule()) {
                case "MISSING_DELEGATION" -> {
                    if (host != null && f.spn() != null) {
                        Building b = building.computeIfAbsent(key(host), k -> new Building(host));
                        b.cluster = f.cluster();
                        b.add.computeIfAbsent(f.peer() == null ? "" : f.peer(), k -> new LinkedHashSet<>()).add(f.spn());
                        continue;
                    }
                }
                case "STALE_DELEGATION" -> {
                    // Only entries naming a host that does not exist are removed; one naming an existing
                    // host that is not a configured peer may serve migration to another cluster.
                    if (host != null && f.spn() != null && namesNoComputer(f)) {
                        Building b = building.computeIfAbsent(key(host), k -> new Building(host));
                        b.cluster = f.cluster();
                        b.remove.computeIfAbsent("", k -> new LinkedHashSet<>()).add(f.spn());
                        continue;
                    }
                }
                case "TARGET_SPN_NOT_REGISTERED" -> {
                    if (host != null && f.spn() != null && f.message() != null
                            && f.message().contains("no object registers it") && Ps.nativeArgumentSafe(f.spn())) {
                        Building b = building.computeIfAbsent(key(host), k -> new Building(host));
                        b.cluster = f.cluster();
                        b.register.add(f.spn());
                        continue;
                    }
                }
                case "UNCONSTRAINED_DELEGATION" -> {
                    if (host != null) {
                        Building b = building.computeIfAbsent(key(host), k -> new Building(host));
                        b.cluster = f.cluster();
                        b.unconstrained = true;
                        continue;
                    }
                }
                case "PROTOCOL_TRANSITION_MISMATCH" -> {
                    if (host != null && f.severity() != null && f.severity().reaches(Severity.MEDIUM)
                            && !"either".equals(policy)) {
                        Building b = building.computeIfAbsent(key(host), k -> new Building(host));
                        b.cluster = f.cluster();
                        b.protocolMismatch = true;
                        continue;
                    }
                }
                default -> {
                }
            }
            undecided.add(f);
        }

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
        Set<String> changedNames = new LinkedHashSet<>();
        for (Building b : ordered) {
            if (!validHostName(b.name)) {
                refused.add(new Refused(b.name, "not a valid NetBIOS/DNS host name; change this object by hand"
                        + " after checking it in ADUC"));
                continue;
            }
            FindingsDocument.HostDoc hd = hostDocs.get(key(b.name));
            int uac = hd == null ? 0 : hd.userAccountControl();
            boolean hasPt = Uac.has(uac, Uac.TRUSTED_TO_AUTH_FOR_DELEGATION);
            boolean hasEntries = hd != null && hd.delegateTo() != null && !hd.delegateTo().isEmpty();
            String aduc;
            Boolean setPt = null;
            if (b.unconstrained) {
                // Leaving unconstrained delegation: "either" picks Microsoft's guidance since 2016.
                aduc = "kerberos-only".equals(policy) ? ADUC_KERBEROS : ADUC_ANY;
                setPt = ADUC_ANY.equals(aduc);
                if (setPt == hasPt) {
                    setPt = null;
                }
            } else {
                aduc = aducChoice(policy, hasPt || !hasEntries && !"kerberos-only".equals(policy));
                if (b.protocolMismatch) {
                    setPt = ADUC_ANY.equals(aduc);
                    if (setPt == hasPt) {
                        setPt = null;
                    }
                }
            }
            String mode = hd == null ? "not in the directory snapshot" : mode(uac, hasEntries);
            hosts.add(new HostChange(b.name, hd == null ? null : hd.dnsHostName(),
                    b.cluster != null ? b.cluster : hd == null ? null : hd.cluster(),
                    hd == null ? null : hd.operatingSystem(), mode, peers(b.add), peers(b.remove),
                    List.copyOf(b.register), b.unconstrained, setPt, hasPt, aduc));
            changedNames.add(key(b.name));
        }

        Map<String, HostChange> changeOf = new HashMap<>();
        hosts.forEach(h -> changeOf.put(key(h.name()), h));
        List<Manual> manual = new ArrayList<>();
        for (Finding f : undecided) {
            HostChange h = changeOf.get(key(f.host()));
            if (h != null && changesEntry(h, f)) {
                continue;
            }
            boolean coversFlags = h != null && "BASELINE_FLAGS_CHANGED".equals(f.rule()) && f.severity() == Severity.HIGH
                    && (h.unconstrained() || h.trustedToAuth() != null);
            String reason = "STALE_DELEGATION".equals(f.rule()) && f.peer() != null
                    ? f.peer() + " exists in the directory but is not a configured peer of " + f.host() + ": the entry"
                    + " may be intended (live migration to another cluster, see policy.migrationGroups). Remove it"
                    + " only if nobody migrates from " + f.host() + " to " + f.peer() + "." : null;
            manual.add(new Manual(f.severity() == null ? "" : f.severity().name(), f.rule(), f.cluster(), f.host(),
                    f.message(), f.remediation(), reason, coversFlags ? h.name() : null));
        }

        List<Pair> validate = new ArrayList<>();
        Set<String> purge = new LinkedHashSet<>();
        Map<String, String> display = new LinkedHashMap<>();
        Set<String> modeChanges = new java.util.HashSet<>();
        for (HostChange h : hosts) {
            if (h.unconstrained() || h.trustedToAuth() != null) {
                modeChanges.add(key(h.name()));
            }
        }
        for (FindingsDocument.ClusterDoc c : nn(doc.clusters())) {
            for (FindingsDocument.PairDoc p : nn(c.matrix())) {
                if (p == null || p.from() == null || p.to() == null || p.fileServer()) {
                    continue;
                }
                boolean onlyWaived = waivedPairs.contains(key(p.from()) + "|" + key(p.to()))
                        && nn(p.unregistered()).isEmpty();
                if ((!p.ok() && !onlyWaived) || modeChanges.contains(key(p.from()))) {
                    validate.add(new Pair(c.name(), p.from(), p.to()));
                    display.putIfAbsent(key(p.from()), p.from());
                    display.putIfAbsent(key(p.to()), p.to());
                }
            }
        }
        for (HostChange h : hosts) {
            purge.add(key(h.name()));
            display.putIfAbsent(key(h.name()), h.name());
        }
        for (Pair p : validate) {
            purge.add(key(p.from()));
            purge.add(key(p.to()));
        }
        List<String> purgeHosts = new ArrayList<>();
        for (String k : purge) {
            String name = display.get(k);
            if (validHostName(name)) {
                purgeHosts.add(name);
            }
        }
        return new RemediationPlan(policy, server(doc.directory()), List.copyOf(hosts), List.copyOf(refused),
                List.copyOf(validate), List.copyOf(purgeHosts), List.copyOf(manual));
    }

    private static String server(FindingsDocument.Directory d) {
        if (d == null || d.url() == null) {
            return null;
        }
        try {
            String host = new URI(d.url().trim()).getHost();
            return validHostName(host) ? host : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** {@code -Server 'dc1.contoso.com'}, or with a placeholder to fill in when the DC is not known. */
    public String serverArgument() {
        return " -Server " + Ps.quote(server == null ? "<DC>" : server);
    }

    /** {@code repadmin /syncall <DC> /AdeP}: pushes the changes from the DC they were written to. */
    public String replicateCommand() {
        return "repadmin /syncall " + (server == null ? "<DC>" : server) + " /AdeP";
    }

    /** Adds ({@code add}) or removes delegation entries of one host. */
    public String delegationCommand(HostChange h, boolean add, List<String> spns) {
        return "Set-ADComputer -Identity " + Ps.quote(h.identity()) + (add ? " -Add" : " -Remove")
                + " @{'msDS-AllowedToDelegateTo'=@(" + Ps.quoteAll(spns) + ")}" + serverArgument();
    }

    /** Registers ({@code add}) or unregisters an SPN on the host's own account. */
    public String registerCommand(HostChange h, boolean add, String spn) {
        return "Set-ADComputer -Identity " + Ps.quote(h.identity()) + " -ServicePrincipalNames @{" + (add ? "Add" : "Remove")
                + "=" + Ps.quote(spn) + "}" + serverArgument();
    }

    /** Sets the delegation flags the plan changes, or ({@code undo}) sets them back; null when it changes none. */
    public String flagsCommand(HostChange h, boolean undo) {
        if (!h.unconstrained() && h.trustedToAuth() == null) {
            return null;
        }
        StringBuilder c = new StringBuilder("Set-ADAccountControl -Identity " + Ps.quote(h.identity()));
        if (h.unconstrained()) {
            c.append(" -TrustedForDelegation $").append(undo);
        }
        if (h.trustedToAuth() != null) {
            c.append(" -TrustedToAuthForDelegation $").append(undo ? !h.trustedToAuth() : h.trustedToAuth());
        }
        return c.append(serverArgument()).toString();
    }

    /** A STALE_DELEGATION finding whose entry names a host that does not exist in the directory. */
    private static boolean namesNoComputer(Finding f) {
        return f.message() != null && f.message().contains(" but no computer named ")
                && f.message().endsWith(" exists in the directory.");
    }

    /** A baseline entry the plan adds back or removes again, exactly as the finding asks. */
    private static boolean changesEntry(HostChange h, Finding f) {
        List<PeerSpns> changes = switch (f.rule()) {
            case "BASELINE_ENTRY_REMOVED" -> h.add();
            case "BASELINE_ENTRY_ADDED" -> h.remove();
            default -> List.of();
        };
        return f.spn() != null && changes.stream().flatMap(p -> p.spns().stream())
                .anyMatch(spn -> Spn.keyOf(spn).equals(Spn.keyOf(f.spn())));
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
        return Uac.has(uac, Uac.TRUSTED_TO_AUTH_FOR_DELEGATION) ? "constrained, " + ADUC_ANY.toLowerCase(Locale.ROOT)
                : "constrained, " + ADUC_KERBEROS.toLowerCase(Locale.ROOT);
    }

    /** The change-record checklist: pre-change, per-host changes, replication, purge, validation. */
    public List<Step> steps() {
        List<Step> steps = new ArrayList<>();
        int[] n = {0};
        java.util.function.Consumer<String[]> add = s -> steps.add(new Step(++n[0], s[0], s[1], s[2], s[3], s[4]));
        add.accept(new String[]{"Before", "", "Domain Admin rights (or rights on the computer objects) confirmed", "", ""});
        add.accept(new String[]{"Before", "", "Change ticket approved, maintenance window agreed", "", ""});
        add.accept(new String[]{"Before", "", "Current delegation exported for rollback", "",
                "Get-ADComputer -Filter * -Properties msDS-AllowedToDelegateTo,userAccountControl" + serverArgument()
                        + " | Export-Clixml kcd-before.xml"});
        for (HostChange h : hosts) {
            for (PeerSpns p : h.add()) {
                add.accept(new String[]{"Change", h.name(), "Add delegation to " + p.peer(), String.join(", ", p.spns()),
                        delegationCommand(h, true, p.spns())});
            }
            for (PeerSpns p : h.remove()) {
                add.accept(new String[]{"Change", h.name(), "Remove delegation to hosts that do not exist",
                        String.join(", ", p.spns()),
                        delegationCommand(h, false, p.spns())});
            }
            for (String spn : h.register()) {
                add.accept(new String[]{"Change", h.name(), "Register SPN on the host's account", spn,
                        registerCommand(h, true, spn)});
            }
            if (h.unconstrained()) {
                add.accept(new String[]{"Change", h.name(), "Replace unconstrained delegation by constrained",
                        "Delegation tab: Trust this computer for delegation to specified services only, "
                                + h.aducProtocol(), flagsCommand(h, false)});
            } else if (h.trustedToAuth() != null) {
                add.accept(new String[]{"Change", h.name(), "Set the protocol choice: " + h.aducProtocol(),
                        "policy: " + protocolPolicy, flagsCommand(h, false)});
            }
        }
        if (hasChanges()) {
            add.accept(new String[]{"After", "", "Replicate the change to all domain controllers",
                    "case matters: /AdeP (lower-case /a and /p mean abort and pause)", replicateCommand()});
            for (String h : purgeHosts) {
                add.accept(new String[]{"After", h, "Purge the SYSTEM logon session's Kerberos tickets",
                        "type it, do not paste it (a pasted dash can become an en-dash)", "klist -li 0x3e7 purge"});
            }
        }
        for (Pair p : validate) {
            add.accept(new String[]{"Verify", p.from(), "Live-migrate a test VM " + p.from() + " → " + p.to()
                    + " (must reach 100 %)", "cluster " + p.cluster(),
                    "Move-ClusterVirtualMachineRole -Name '<test VM>' -Node " + Ps.quote(p.to()) + " -MigrationType Live"});
        }
        for (Manual m : manual) {
            if (!"INFO".equals(m.severity())) {
                add.accept(new String[]{"Review", m.host() == null ? "" : m.host(), m.rule() + (m.coveredBy() == null
                        ? ": decide and act" : ": check after the change of " + m.coveredBy()),
                        (m.message() == null ? "" : m.message()) + (m.reason() == null ? "" : " Not scripted: "
                                + m.reason()), m.remediation() == null ? "" : m.remediation()});
            }
        }
        return steps;
    }

    private static List<PeerSpns> peers(Map<String, Set<String>> m) {
        List<PeerSpns> out = new ArrayList<>();
        m.forEach((peer, spns) -> out.add(new PeerSpns(peer, List.copyOf(spns))));
        return List.copyOf(out);
    }

    static String key(String name) {
        return name == null ? "" : name.toLowerCase(Locale.ROOT);
    }

    static <T> List<T> nn(List<T> list) {
        return list == null ? List.of() : list;
    }
}
