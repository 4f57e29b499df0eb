package org.kcdauditor.report.runbook;

import org.kcdauditor.report.FindingsDocument;
import org.kcdauditor.report.Ps;
import org.kcdauditor.report.RemediationPlan;
import org.kcdauditor.report.RemediationPlan.HostChange;
import org.kcdauditor.report.RemediationPlan.PeerSpns;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The data model the runbook templates see: plain maps, lists, strings, numbers and booleans (no
 * Java objects), documented in docs/reports.md. {@code cmd} strings are ready PowerShell commands
 * with every directory value single-quoted, on one line.
 */
public final class RunbookModel {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private RunbookModel() {
    }

    public static Map<String, Object> of(FindingsDocument doc, RemediationPlan plan) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> run = new LinkedHashMap<>();
        String runId = s(doc.runId());
        run.put("id", runId);
        String safeId = runId.replaceAll("[^A-Za-z0-9-]", "");
        run.put("shortId", safeId.length() > 8 ? safeId.substring(0, 8) : safeId);
        run.put("startedAt", time(doc.startedAt()));
        run.put("finishedAt", time(doc.finishedAt()));
        run.put("directoryUrl", doc.directory() == null ? "" : s(doc.directory().url()));
        run.put("baseDn", doc.directory() == null ? "" : s(doc.directory().baseDn()));
        run.put("domain", domain(doc.directory() == null ? null : doc.directory().baseDn()));
        run.put("domainDn", domainDn(doc.directory() == null ? null : doc.directory().baseDn()));
        run.put("server", s(plan.server()));
        run.put("replicateCmd", line(plan.replicateCommand()));
        run.put("exportCmd", line("Get-ADComputer -Filter * -SearchBase " + Ps.quote(s(doc.directory() == null ? null
                : doc.directory().baseDn())) + " -Properties msDS-AllowedToDelegateTo,userAccountControl"
                + plan.serverArgument()
                + " | Select-Object Name,userAccountControl,msDS-AllowedToDelegateTo"
                + " | Export-Clixml kcd-before-" + run.get("shortId") + ".xml"));
        m.put("run", run);
        m.put("context", HistoryContext.lines(doc));

        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("protocolTransition", plan.protocolPolicy());
        policy.put("aducChoice", switch (plan.protocolPolicy()) {
            case "any" -> RemediationPlan.ADUC_ANY;
            case "kerberos-only" -> RemediationPlan.ADUC_KERBEROS;
            default -> "keep each host's current choice";
        });
        policy.put("services", doc.policy() == null || doc.policy().services() == null ? List.of()
                : clean(doc.policy().services()));
        m.put("policy", policy);

        Map<String, Object> summary = new LinkedHashMap<>();
        FindingsDocument.Summary s = doc.summary();
        summary.put("hosts", s == null ? 0 : s.hosts());
        summary.put("clusters", s == null ? 0 : s.clusters());
        summary.put("compliancePercent", s == null ? "" : String.format(Locale.ROOT, "%.1f", s.compliancePercent()));
        for (String sev : List.of("HIGH", "MEDIUM", "LOW", "INFO")) {
            Integer n = s == null || s.bySeverity() == null ? null : s.bySeverity().get(sev);
            summary.put(sev.toLowerCase(Locale.ROOT), n == null ? 0 : n);
        }
        m.put("summary", summary);

        List<Object> hosts = new ArrayList<>();
        for (HostChange h : plan.hosts()) {
            Map<String, Object> hm = new LinkedHashMap<>();
            hm.put("name", h.name());
            hm.put("identity", h.identity());
            hm.put("dnsHostName", s(h.dnsHostName()));
            hm.put("cluster", s(h.cluster()));
            hm.put("os", s(h.operatingSystem()));
            hm.put("currentMode", s(h.currentMode()));
            hm.put("aducProtocol", h.aducProtocol());
            hm.put("unconstrained", h.unconstrained());
            hm.put("setTrustedToAuth", h.trustedToAuth() == null ? "" : h.trustedToAuth().toString());
            hm.put("currentTrustedToAuth", String.valueOf(Boolean.TRUE.equals(h.currentTrustedToAuth())));
            hm.put("changesDelegationTab", h.changesDelegationTab());
            hm.put("add", peers(h.add()));
            hm.put("remove", peers(h.remove()));
            hm.put("register", clean(h.register()));
            hm.put("addCount", h.addCount());
            hm.put("removeCount", h.removeCount());
            List<String> cmds = new ArrayList<>();
            List<String> rollback = new ArrayList<>();
            for (PeerSpns p : h.add()) {
                cmds.add(line(plan.delegationCommand(h, true, p.spns())));
                rollback.add(line(plan.delegationCommand(h, false, p.spns())));
            }
            for (PeerSpns p : h.remove()) {
                cmds.add(line(plan.delegationCommand(h, false, p.spns())));
                rollback.add(line(plan.delegationCommand(h, true, p.spns())));
            }
            for (String spn : h.register()) {
                cmds.add(line(plan.registerCommand(h, true, spn)));
                rollback.add(line(plan.registerCommand(h, false, spn)));
            }
            if (plan.flagsCommand(h, false) != null) {
                cmds.add(line(plan.flagsCommand(h, false)));
                rollback.add(line(plan.flagsCommand(h, true)));
            }
            hm.put("commands", cmds);
            hm.put("rollback", rollback);
            hosts.add(hm);
        }
        m.put("hosts", hosts);

        List<Object> refused = new ArrayList<>();
        for (RemediationPlan.Refused r : plan.refused()) {
            refused.add(Map.of("name", s(r.name()), "reason", s(r.reason())));
        }
        m.put("refused", refused);

        List<Object> validate = new ArrayList<>();
        for (RemediationPlan.Pair p : plan.validate()) {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("cluster", s(p.cluster()));
            pm.put("from", s(p.from()));
            pm.put("to", s(p.to()));
            pm.put("cmd", line("Move-ClusterVirtualMachineRole -Name '<test VM>' -Node " + Ps.quote(p.to())
                    + " -MigrationType Live"));
            validate.add(pm);
        }
        m.put("validate", validate);
        m.put("purgeHosts", plan.purgeHosts());

        List<Object> manual = new ArrayList<>();
        for (RemediationPlan.Manual f : plan.manual()) {
            Map<String, Object> fm = new LinkedHashMap<>();
            fm.put("severity", s(f.severity()));
            fm.put("rule", s(f.rule()));
            fm.put("cluster", s(f.cluster()));
            fm.put("host", s(f.host()));
            fm.put("message", s(f.message()));
            fm.put("remediation", s(f.remediation()));
            fm.put("reason", s(f.reason()));
            int step = plan.hosts().stream().map(HostChange::name).toList().indexOf(f.coveredBy());
            fm.put("coveredStep", step < 0 ? "" : "2." + (step + 1));
            manual.add(fm);
        }
        m.put("manual", manual);
        m.put("hasChanges", plan.hasChanges());
        return m;
    }

    private static List<Object> peers(List<PeerSpns> list) {
        List<Object> out = new ArrayList<>();
        for (PeerSpns p : list) {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("peer", s(p.peer()));
            pm.put("spns", clean(p.spns()));
            java.util.Set<String> services = new java.util.LinkedHashSet<>();
            for (String spn : p.spns()) {
                int slash = spn == null ? -1 : spn.indexOf('/');
                if (slash > 0) {
                    services.add(spn.substring(0, slash));
                }
            }
            pm.put("services", new ArrayList<>(services));
            out.add(pm);
        }
        return out;
    }

    private static List<String> clean(List<String> values) {
        List<String> out = new ArrayList<>(values.size());
        for (String v : values) {
            out.add(s(v));
        }
        return out;
    }

    private static String line(String cmd) {
        return Ps.oneLine(cmd);
    }

    private static String s(String v) {
        return v == null ? "" : v;
    }

    static String time(Instant t) {
        return t == null ? "" : TIME.format(t);
    }

    /** {@code OU=Hyper-V,DC=contoso,DC=com} → {@code DC=contoso,DC=com}: the domain the base DN lies in. */
    static String domainDn(String baseDn) {
        return String.join(",", dcParts(baseDn));
    }

    /** {@code DC=contoso,DC=com} → {@code contoso.com}; the DN itself when it has no DC parts. */
    public static String domain(String baseDn) {
        if (baseDn == null) {
            return "";
        }
        List<String> parts = dcParts(baseDn).stream().map(p -> p.substring(3)).toList();
        return parts.isEmpty() ? baseDn : String.join(".", parts);
    }

    private static List<String> dcParts(String baseDn) {
        List<String> parts = new ArrayList<>();
        for (String rdn : baseDn == null ? new String[0] : baseDn.split(",")) {
            String t = rdn.trim();
            if (t.regionMatches(true, 0, "DC=", 0, 3)) {
                parts.add(t);
            }
        }
        return parts;
    }
}
