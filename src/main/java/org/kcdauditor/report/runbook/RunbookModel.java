package org.kcdauditor.report.runbook;

import org.kcdauditor.inventory.ImportResult;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.remedy.Commands;
import org.kcdauditor.remedy.Values;
import org.kcdauditor.report.FindingsDocument;
import org.kcdauditor.report.Format;
import org.kcdauditor.report.Procedure;
import org.kcdauditor.report.RemediationPlan;
import org.kcdauditor.report.RemediationPlan.HostChange;
import org.kcdauditor.report.RemediationPlan.PeerSpns;
import org.kcdauditor.report.ReportView;
import org.kcdauditor.report.Words;
import org.kcdauditor.model.Spn;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The data model the runbook templates see, laid out from the {@link ReportView}: plain maps, lists,
 * strings, numbers and booleans (no Java objects), documented in docs/reports.md. Every command string
 * is the procedure's own (one line, each directory value quoted), so the runbooks, the script and the
 * workbook show the same text.
 */
public final class RunbookModel {
    private RunbookModel() {
    }

    /**
     * The files the run could not use as a template model has them (the runbooks and the mail notice):
     * {@code inputsNotUsed}, those named (file, kind, reason), and {@code inputsNotUsedMore}, how many more.
     */
    public static void putInputsNotUsed(Map<String, Object> m, ReportView view) {
        List<Object> named = new ArrayList<>();
        for (ImportResult i : view.inputsNotUsedNamed()) {
            named.add(Map.of("file", s(i.file()), "kind", s(i.kind()), "reason", s(i.error())));
        }
        m.put("inputsNotUsed", named);
        m.put("inputsNotUsedMore", view.inputsNotUsed().size() - named.size());
    }

    /**
     * @param beside the reports in the folder with the one rendered: a runbook whose script is not there (or a
     *               script whose runbook is not) says how to write it, since its steps name it
     */
    public static Map<String, Object> of(ReportView view, Set<Format> beside) {
        FindingsDocument doc = view.doc();
        RemediationPlan plan = view.plan();
        Procedure procedure = view.procedure();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scriptBeside", beside.contains(Format.PS1));
        m.put("runbookBeside", beside.contains(Format.MD));
        Map<String, Object> run = new LinkedHashMap<>();
        String runId = s(doc.runId());
        run.put("id", runId);
        run.put("shortId", Commands.shortRunId(runId));
        run.put("startedAt", Words.time(doc.startedAt()));
        run.put("finishedAt", Words.time(doc.finishedAt()));
        if (view.multiDirectory()) {
            run.put("directoryUrl", String.join(", ", view.directories().stream().map(d -> s(d.url())).toList()));
            run.put("baseDn", String.join(", ", view.directories().stream().map(d -> s(d.baseDn())).toList()));
        } else {
            run.put("directoryUrl", doc.directory() == null ? "" : s(doc.directory().url()));
            run.put("baseDn", doc.directory() == null ? "" : s(doc.directory().baseDn()));
        }
        run.put("domain", view.domain());
        // the domain remediation.ps1 checks its -Server against: the one its changes write to
        run.put("domainDn", plan.servers().size() == 1 ? s(plan.servers().get(0).domainDn()) : view.domainDn());
        run.put("server", s(plan.server()));
        run.put("serverFromUrl", plan.serverFromUrl());
        run.put("readOnlyNotes", plan.readOnlyNotes());
        run.put("replicateCmd", String.join("\n", procedure.replicateCommands()));
        run.put("exportCmd", plan.servers().size() > 1 ? String.join("\n", procedure.exportCommands())
                : procedure.exportCommand());
        // with several domains each object's change goes to a DC of its own domain
        List<Object> servers = new ArrayList<>();
        for (RemediationPlan.Server sv : plan.servers()) {
            Map<String, Object> sm = new LinkedHashMap<>();
            sm.put("directory", s(sv.directory()));
            sm.put("server", s(sv.server()));
            sm.put("domainDn", s(sv.domainDn()));
            sm.put("replicateCmd", sv.commands().replicate());
            servers.add(sm);
        }
        run.put("servers", servers);
        run.put("decisionReplicateCmds", plan.decisionServers().stream().map(sv -> sv.commands().replicate())
                .filter(java.util.Objects::nonNull).toList());
        run.put("exportFile", String.join(", ", procedure.exportFiles()));
        run.put("purgeCmd", Commands.PURGE_TICKETS);
        // the script as PowerShell runs it from the report folder: the dry run, the change, its undoing
        run.put("scriptCmd", Procedure.SCRIPT);
        run.put("applyCmd", Procedure.SCRIPT_APPLY);
        run.put("rollbackCmd", Procedure.SCRIPT_ROLLBACK);
        run.put("restartCmd", Commands.RESTART_VMMS);
        run.put("recordFile", "remediation-" + run.get("shortId") + ".changes.json");
        // the configuration the closing commands name; empty: they name kcd-audit.yaml, to be replaced
        run.put("configFile", procedure.configFile() == null ? "" : procedure.configFile());
        m.put("run", run);
        m.put("changeTicket", view.changeTicket() == null ? "" : view.changeTicket());
        m.put("context", HistoryContext.lines(view, beside));
        putInputsNotUsed(m, view);
        m.put("aesNotChecked", view.aesNotChecked() == null ? "" : view.aesNotChecked());
        String notChecked = view.migrationAuthenticationNotChecked();
        m.put("migrationAuthenticationNotChecked", notChecked == null ? "" : notChecked);
        m.put("operatorsNotChecked", view.operatorsNotChecked() == null ? "" : view.operatorsNotChecked());

        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("protocolTransition", plan.protocolPolicy().word());
        policy.put("aducChoice", switch (plan.protocolPolicy()) {
            case ANY -> org.kcdauditor.remedy.Remedies.ADUC_ANY;
            case KERBEROS_ONLY -> org.kcdauditor.remedy.Remedies.ADUC_KERBEROS;
            case EITHER -> "keep each host's current choice";
        });
        policy.put("services", doc.policy() == null || doc.policy().services() == null ? List.of()
                : clean(doc.policy().services()));
        m.put("policy", policy);

        Map<String, Object> summary = new LinkedHashMap<>();
        FindingsDocument.Summary s = doc.summary();
        summary.put("hosts", s == null ? 0 : s.hosts());
        summary.put("clusters", view.clusters().size());
        summary.put("compliancePercent", Words.percent(s == null ? null : s.compliancePercent()));
        for (Severity sev : Severity.values()) {
            summary.put(sev.name().toLowerCase(Locale.ROOT), view.counts().open(sev));
        }
        summary.put("waived", view.counts().waivedTotal());
        summary.put("pairs", view.pairs());
        summary.put("pairsOk", view.pairsOk());
        // the node pairs and the paths to a file server apart, as page 1 and the mail count them
        summary.put("pairsOkText", view.pairsOkInWords());
        summary.put("decisions", view.decisions().size());
        summary.put("decisionCount", plan.decisionCount());
        summary.put("objectsChanged", plan.objectsChanged());
        summary.put("decision", view.decision());
        summary.put("headline", view.headline());
        summary.put("notAudited", view.notAudited());
        summary.put("neededBefore", view.neededBefore());
        m.put("summary", summary);

        List<Object> phases = new ArrayList<>();
        Map<String, Object> phase = new LinkedHashMap<>();
        for (Procedure.PhaseView p : procedure.phases()) {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("number", p.number());
            pm.put("key", p.phase().name().toLowerCase(Locale.ROOT));
            pm.put("title", p.title());
            pm.put("summary", p.summary());
            phases.add(pm);
            phase.put(p.phase().name().toLowerCase(Locale.ROOT), pm);
        }
        m.put("phases", phases);
        m.put("phase", phase);

        List<Procedure.Step> changeSteps = procedure.steps(Procedure.Phase.CHANGE);
        List<Object> hosts = new ArrayList<>();
        for (HostChange h : plan.hosts()) {
            List<Procedure.Step> mine = changeSteps.stream().filter(st -> h.name().equals(st.host())
                    && !(st.change() instanceof Action.UnregisterSpn)).toList();
            Map<String, Object> hm = new LinkedHashMap<>();
            hm.put("name", h.name());
            hm.put("identity", plan.commandsFor(h.name()).account(h.name())); // the sAMAccountName the cmdlets take
            hm.put("dnsHostName", s(h.dnsHostName()));
            hm.put("cluster", s(h.cluster()));
            hm.put("os", s(h.operatingSystem()));
            hm.put("currentMode", s(h.currentMode()));
            hm.put("aducProtocol", h.aducProtocol());
            hm.put("protocolBasis", s(h.protocolBasis()));
            hm.put("unconstrained", h.unconstrained());
            hm.put("setTrustedToAuth", h.trustedToAuth() == null ? "" : h.trustedToAuth().toString());
            hm.put("currentTrustedToAuth", String.valueOf(Boolean.TRUE.equals(h.currentTrustedToAuth())));
            hm.put("changesDelegationTab", h.changesDelegationTab());
            hm.put("add", peers(h.add(), plan, mine));
            List<Object> remove = peers(h.remove(), plan, mine);
            for (int i = 0; i < remove.size(); i++) {
                // why each goes, as the Runbook sheet and the PDF label it: "Remove delegation to domain controller DC1
                // (security)", "Remove stale delegation to HV15"
                @SuppressWarnings("unchecked")
                Map<String, Object> pm = (Map<String, Object>) remove.get(i);
                pm.put("label", plan.removal(h, h.remove().get(i)));
            }
            hm.put("remove", remove);
            hm.put("register", shown(h.register()));
            hm.put("addCount", h.addCount());
            hm.put("removeCount", h.removeCount());
            // values no typed command carries, as the checklist shows them: remediation.ps1 changes them by their
            // exact stored bytes
            List<String> untyped = shown(java.util.stream.Stream.concat(h.add().stream(), h.remove().stream())
                    .flatMap(p -> p.spns().stream()).filter(v -> !Values.typeableEntry(v)).toList());
            hm.put("untyped", untyped.size());
            hm.put("untypedEntries", untyped);
            hm.put("directory", s(h.directory()));
            hm.put("domainDn", plan.servers().stream().filter(sv -> sv.directory().equals(h.directory()))
                    .map(RemediationPlan.Server::domainDn).findFirst().orElse(view.domainDn()));
            hm.put("server", s(plan.commandsFor(h.name()).server()));
            hm.put("rbcd", h.rbcdAdded().stream().map(p -> p.name() != null ? p.name() + (p.domain() == null ? ""
                    : " (" + p.domain() + ")") : s(p.sid())).toList());
            List<Object> steps = steps(mine, plan);
            for (Object o : steps) {
                @SuppressWarnings("unchecked")
                Map<String, Object> st = (Map<String, Object>) o;
                if ("flags".equals(st.get("kind"))) {
                    // the undo sets back what the step changes: unconstrained on again, the previous protocol choice
                    st.put("undoTrustedForDelegation", h.unconstrained() ? "true" : "");
                    st.put("undoTrustedToAuth", h.trustedToAuth() == null ? "" : String.valueOf(
                            Boolean.TRUE.equals(h.currentTrustedToAuth())));
                }
            }
            hm.put("steps", steps);
            hm.put("commands", mine.stream().flatMap(st -> st.commands().stream()).toList());
            hm.put("rollback", mine.stream().flatMap(st -> st.undo().stream()).toList());
            hm.put("rules", rulesOf(mine));
            hosts.add(hm);
        }
        registerFirst(hosts);
        m.put("hosts", hosts);
        m.put("objects", plan.objectNames());
        // the hosts whose live-migration setting changes (step "On the hosts"): named beside the objects, as the change
        // ticket must name them too
        m.put("settingHosts", plan.settingHosts());
        // and every action on the hosts with what it is (a password reset too), as the change ticket names them
        m.put("hostActionsListed", Procedure.hostActionsListed(plan).stream().map(h -> Map.of("host", h.host(),
                "actions", h.actions())).toList());
        m.put("hasRbcd", plan.hosts().stream().anyMatch(h -> !h.rbcd().isEmpty()));
        m.put("unregister", steps(changeSteps.stream().filter(st -> st.change() instanceof Action.UnregisterSpn)
                .toList(), plan));
        // the inverse commands newest first, as the procedure's rollback phase lists them (and -Rollback reverts)
        m.put("rollback", procedure.steps(Procedure.Phase.ROLLBACK).stream().flatMap(st -> st.commands().stream())
                .toList());
        List<Object> hostSteps = new ArrayList<>();
        // the rollback says where the migration authentication was set to Kerberos (it is not undone)
        boolean kerberosOnHosts = false;
        // and whose computer password was reset (it cannot be undone, nor need it be)
        List<String> passwordResets = new ArrayList<>();
        // and where live migration was enabled (the inverse commands leave it on: disabled, the host's pairs fail)
        List<String> migrationEnabled = new ArrayList<>();
        // the hosts step 1's check found using CredSSP, switched in the same step, before replication
        List<String> credSspFixes = new ArrayList<>();
        // the Get-VMHost exports to make again, in place of the files whose rows block a host
        List<String> reexports = new ArrayList<>();
        for (Procedure.Step st : procedure.steps(Procedure.Phase.HOSTS)) {
            if (st.change() == null && Procedure.CREDSSP_SWITCH.equals(st.action())) {
                credSspFixes.addAll(st.commands());
                kerberosOnHosts = true;
                continue;
            }
            if (st.change() == null && st.action().startsWith(Procedure.REEXPORT)) {
                // after the switch: the export's row that blocks counts until its file no longer holds it
                reexports.add(st.action() + "; " + st.detail());
                continue;
            }
            kerberosOnHosts |= st.change() instanceof Action.SetMigrationAuthentication;
            if (st.change() instanceof Action.ResetMachinePassword) {
                passwordResets.add(s(st.host()));
            }
            if (st.change() instanceof Action.EnableMigration) {
                migrationEnabled.add(s(st.host()));
            }
            Map<String, Object> hm = new LinkedHashMap<>();
            hm.put("host", Values.visibleAccount(s(st.host())));
            hm.put("action", st.action());
            hm.put("detail", s(st.detail()));
            hm.put("cmd", st.command());
            hm.put("noCommand", st.noCommand());
            hm.put("rules", st.rules());
            hostSteps.add(hm);
        }
        m.put("hostSteps", hostSteps);
        m.put("credSspFixes", credSspFixes);
        m.put("reexports", reexports);
        // what an account needs to start a move remotely or check a storage path (a double hop), in one wording, and
        // the operators this audit found without it
        m.put("delegable", Procedure.DELEGABLE);
        m.put("notDelegable", Procedure.notDelegableOperators(doc));
        // one unit for the steps on the hosts: "3 actions on 2 hosts"
        m.put("hostActions", Procedure.hostActions(plan));
        m.put("kerberosOnHosts", kerberosOnHosts);
        m.put("passwordResets", passwordResets);
        m.put("migrationEnabled", migrationEnabled);

        List<Object> refused = new ArrayList<>();
        for (RemediationPlan.Refused r : plan.refused()) {
            Map<String, Object> rm = new LinkedHashMap<>();
            rm.put("name", Values.visibleAccount(s(r.name())));
            lookAlike(rm, r.name(), plan);
            rm.put("reason", s(r.reason()));
            // no delegation is added to or from a refused object; the keys stay, empty, for custom templates
            rm.put("add", List.of());
            rm.put("addByCode", List.of());
            rm.put("remove", shown(r.remove()));
            refused.add(rm);
        }
        m.put("refused", refused);

        List<Object> validate = new ArrayList<>();
        List<Procedure.Step> validation = procedure.steps(Procedure.Phase.VALIDATE);
        for (int i = 0; i < plan.validate().size(); i++) {
            RemediationPlan.Pair p = plan.validate().get(i);
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("cluster", s(p.cluster()));
            pm.put("from", s(p.from()));
            pm.put("to", s(p.to()));
            // where the move is started: the source computer, which a node renamed in ADUC names otherwise than its cn
            pm.put("on", s(plan.machine(p.from())));
            pm.put("cmd", validation.get(i).command());
            // a move into a node of another cluster (a migration group): a shared-nothing Move-VM, and what it takes
            pm.put("across", s(p.toCluster()));
            pm.put("acrossNote", p.toCluster() == null ? "" : Procedure.acrossNote(plan, p));
            pm.put("noCommand", validation.get(i).noCommand());
            pm.put("logged", s(plan.unexplainedFailure(p)));
            validate.add(pm);
        }
        m.put("validate", validate);
        List<Object> preChecks = new ArrayList<>();
        for (Procedure.Step st : procedure.steps(Procedure.Phase.BEFORE)) {
            if (!st.host().isEmpty()) {
                Map<String, Object> pm = new LinkedHashMap<>();
                pm.put("host", Values.visibleAccount(st.host()));
                pm.put("cmd", st.command());
                pm.put("noCommand", st.noCommand());
                preChecks.add(pm);
            }
        }
        m.put("preChecks", preChecks);
        // what the imported Get-VMHost exports found, as of their time: the hosts found using Kerberos are not checked
        // by hand; those checked by hand are in preChecks, their one check in checkCmd
        Procedure.MigrationAuth auth = procedure.migrationAuth();
        Map<String, Object> ma = new LinkedHashMap<>();
        ma.put("exports", auth.exports());
        ma.put("kerberos", clusterHosts(auth.kerberos()));
        ma.put("credSsp", clusterHosts(auth.credSsp()));
        ma.put("checkCmd", auth.checkCommand() == null ? "" : auth.checkCommand());
        m.put("migrationAuth", ma);
        // the storage paths (node -> file server) the change fixes, checked after the test moves
        List<Object> storage = new ArrayList<>();
        for (Procedure.Step st : validation.subList(Math.min(plan.validate().size(), validation.size()),
                validation.size())) {
            Map<String, Object> sm = new LinkedHashMap<>();
            sm.put("action", st.action());
            sm.put("detail", s(st.detail()));
            sm.put("cmd", st.command());
            storage.add(sm);
        }
        m.put("storage", storage);
        List<Object> closing = new ArrayList<>();
        for (Procedure.Step st : procedure.steps(Procedure.Phase.CONFIRM)) {
            Map<String, Object> cm = new LinkedHashMap<>();
            cm.put("action", st.action());
            cm.put("detail", st.detail());
            cm.put("cmd", st.command());
            closing.add(cm);
        }
        m.put("closing", closing);
        m.put("purgeHosts", plan.purgeHosts());

        List<Object> decisions = new ArrayList<>();
        List<Procedure.Step> decide = procedure.steps(Procedure.Phase.DECIDE);
        for (int i = 0; i < plan.decisionSteps().size(); i++) {
            RemediationPlan.DecisionStep group = plan.decisionSteps().get(i);
            RemediationPlan.Decision d = group.first();
            Map<String, Object> fm = new LinkedHashMap<>();
            fm.put("id", s(d.finding().id()));
            // several findings, one per entry, that ask one question about one host: their count and their entries
            // by peer, in place of each finding's words
            fm.put("findings", group.decisions().size());
            // a peer named like another computer, which a yes has picked by hand, says what tells it apart
            List<Object> entries = new ArrayList<>();
            for (PeerSpns p : group.grouped() ? group.entries() : List.<PeerSpns>of()) {
                Map<String, Object> em = new LinkedHashMap<>();
                em.put("peer", Values.visibleAccount(p.peer()));
                lookAlike(em, p.peer(), plan);
                em.put("spns", p.spns().stream().map(Values::visibleSpn).toList());
                entries.add(em);
            }
            fm.put("entries", entries);
            fm.put("alike", group.grouped() ? Procedure.unreadable(group) : "");
            fm.put("severity", d.finding().severity().name());
            fm.put("rule", s(d.finding().rule()));
            fm.put("title", s(view.rule(d.finding().rule()).title()));
            fm.put("cluster", s(d.finding().cluster()));
            fm.put("host", Values.visibleAccount(s(d.finding().host())));
            fm.put("message", s(d.finding().message()));
            fm.put("what", s(d.what()));
            fm.put("yes", d.yes());
            fm.put("proposed", decide.get(i).commands());
            fm.put("undo", decide.get(i).undo());
            fm.put("noCommand", decide.get(i).noCommand());
            int step = plan.hosts().stream().map(HostChange::name).toList().indexOf(d.coveredBy());
            Procedure.PhaseView change = procedure.phase(Procedure.Phase.CHANGE);
            fm.put("coveredStep", step < 0 || change == null ? "" : change.number() + "." + (step + 1));
            decisions.add(fm);
        }
        m.put("decisions", decisions);

        Map<String, Object> rules = new LinkedHashMap<>();
        view.byRule().keySet().forEach(r -> rules.put(r.id(), Map.of("title", s(r.title()), "why", s(r.why()),
                "reference", s(r.reference()))));
        m.put("rules", rules);
        m.put("hasChanges", plan.hasChanges());
        m.put("scripted", plan.scripted());
        m.put("nothingToRollBack", Procedure.NOTHING_TO_ROLL_BACK);
        m.put("changeToSign", view.changeToSign());
        return m;
    }

    /**
     * The steps as the script needs them: the command to show, its undo, and the typed change
     * ({@code kind} add | remove | register | unregister | flags with its values).
     */
    private static List<Object> steps(List<Procedure.Step> steps, RemediationPlan plan) {
        List<Object> out = new ArrayList<>();
        for (Procedure.Step st : steps) {
            Map<String, Object> sm = new LinkedHashMap<>();
            sm.put("action", st.action());
            sm.put("detail", s(st.detail()));
            sm.put("cmd", st.command());
            sm.put("noCommand", st.noCommand());
            sm.put("undo", String.join("\n", st.undo()));
            sm.put("rules", st.rules());
            Action a = st.change();
            if (a instanceof Action.AddDelegation d) {
                kind(sm, "add", d.host(), d.spns());
            } else if (a instanceof Action.RemoveDelegation d) {
                kind(sm, "remove", d.host(), d.spns());
            } else if (a instanceof Action.RegisterSpn r) {
                kind(sm, "register", r.host(), List.of(r.spn()));
            } else if (a instanceof Action.UnregisterSpn u) {
                kind(sm, "unregister", Values.visibleAccount(u.holder()), List.of(u.spn()));
                sm.put("dn", s(u.dn()));
                // a holder's DN with a control, bidirectional or invisible character (a CN made by a script) would be
                // shown escaped (backslash, u, code) in the script's quotes and then name no object: the script
                // decodes its exact bytes
                sm.put("dnB64", Values.shownAsStored(u.dn()) ? "" : Values.base64(u.dn()));
                sm.put("account", s(u.account()));
                // with several domains, the directory (domain) of its DN, whose DC remediation.ps1 writes to
                RemediationPlan.Server sv = plan.serverFor(u);
                sm.put("directory", sv == null ? "" : s(sv.directory()));
            } else if (a instanceof Action.ReplaceUnconstrained r) {
                kind(sm, "flags", r.host(), List.of());
                sm.put("trustedForDelegation", "false");
                sm.put("trustedToAuth", String.valueOf(r.protocolTransition()));
            } else if (a instanceof Action.SetEncryptionTypes t) {
                kind(sm, "encryption", t.host(), List.of());
                sm.put("value", String.valueOf(t.value()));
                sm.put("clearDesOnly", t.clearDesOnly());
                sm.put("previous", t.previous() == null ? "" : String.valueOf(t.previous()));
                // for the ADUC step (Attribute Editor): what the value allows, and whether only the DES flag changes
                sm.put("keepsValue", t.keepsValue());
                sm.put("types", String.join(", ", org.kcdauditor.model.EncryptionTypes.names(t.value())));
            } else if (a instanceof Action.SetProtocolTransition p) {
                kind(sm, "flags", p.host(), List.of());
                sm.put("trustedForDelegation", "");
                sm.put("trustedToAuth", String.valueOf(p.enabled()));
            } else if (a instanceof Action.AddRbcd r) {
                kind(sm, "rbcd", r.host(), List.of());
                sm.put("principals", principals(r.principals(), plan.commandsFor(r.host())));
            }
            // the account the cmdlets take: the sAMAccountName, which is not always the host's name with $
            Object subject = sm.get("subject");
            if (!(a instanceof Action.UnregisterSpn)) { // there: the account of the object losing the SPN, above
                sm.put("account", subject instanceof String h && !h.isEmpty() ? plan.commandsFor(h).account(h) : "");
            }
            out.add(sm);
        }
        return out;
    }

    /**
     * The change's kind, object and values; each value as {@code text}, or, when it cannot be typed (a stale
     * entry with control or bidirectional characters, or a letter outside ASCII that may imitate another), as
     * {@code b64} (its UTF-8 bytes) for the script to decode, so that it removes exactly the value stored, with
     * {@code text} as {@link Values#visibleSpn} shows it.
     */
    private static void kind(Map<String, Object> sm, String kind, String subject, List<String> values) {
        sm.put("kind", kind);
        sm.put("subject", s(subject));
        List<Object> vs = new ArrayList<>();
        for (String v : values) {
            boolean typeable = Values.typeableEntry(v);
            vs.add(Map.of("text", typeable ? v : Values.visibleSpn(v), "b64", typeable ? "" : Values.base64(v)));
        }
        sm.put("values", vs);
    }

    /** Each principal of an RBCD list: its name and domain where known (resolved there), and its SID. */
    private static List<Object> principals(List<Action.Principal> principals, org.kcdauditor.remedy.Commands commands) {
        List<Object> out = new ArrayList<>();
        for (Action.Principal p : principals) {
            boolean named = p.name() != null && commands.named(p.name());
            out.add(Map.of("name", named ? p.name() : "", "domain", named && p.domain() != null
                    && Values.validHostName(p.domain()) ? p.domain() : "", "sid", s(p.sid()),
                    "account", named ? commands.account(p.name()) : ""));
        }
        return out;
    }

    /** Each cluster ({@code cluster}, "" for none) with its hosts ({@code hosts}, as a checklist shows names). */
    private static List<Object> clusterHosts(List<Procedure.ClusterHosts> list) {
        return list.stream().<Object>map(c -> Map.of("cluster", c.cluster(), "hosts", c.hosts().stream()
                .map(h -> Values.visibleAccount(s(h))).toList())).toList();
    }

    private static List<String> rulesOf(List<Procedure.Step> steps) {
        Set<String> out = new LinkedHashSet<>();
        steps.forEach(st -> out.addAll(st.rules()));
        return List.copyOf(out);
    }

    /**
     * Each peer with its entries, its name as {@link Values#visibleAccount} shows it ({@code shown}). A peer shown by
     * its code ({@link #lookAlike}) is not to be picked by a typed name in ADUC's Add dialog: the command of its step
     * ({@code cmd}: empty where its entries cannot be typed) names the entries only.
     */
    private static List<Object> peers(List<PeerSpns> list, RemediationPlan plan, List<Procedure.Step> steps) {
        List<Object> out = new ArrayList<>();
        for (PeerSpns p : list) {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("peer", s(p.peer()));
            pm.put("shown", Values.visibleAccount(s(p.peer())));
            if (lookAlike(pm, p.peer(), plan)) {
                pm.put("cmd", steps.stream().filter(st -> st.change() instanceof Action.AddDelegation d
                        && p.peer().equals(d.peer())).map(Procedure.Step::command).findFirst().orElse(""));
            }
            pm.put("spns", shown(p.spns()));
            Set<String> services = new LinkedHashSet<>();
            for (String spn : p.spns()) {
                Spn parsed = Spn.parse(spn);
                if (parsed != null) {
                    services.add(parsed.service());
                }
            }
            pm.put("services", List.copyOf(services));
            out.add(pm);
        }
        return out;
    }

    /**
     * ADUC's Add dialog offers only the SPNs the chosen account registers (HOST/ standing for cifs): an entry naming an
     * SPN the plan registers on that peer can be picked only once it is registered. Each such add gets the SPNs
     * ({@code registerFirst}) and the number of the peer's section ({@code registerStep}, 1-based).
     */
    @SuppressWarnings("unchecked")
    private static void registerFirst(List<Object> hosts) {
        // the sections by host name, once: a plan may touch every host of a large directory
        Map<String, Integer> section = new HashMap<>();
        for (int j = 0; j < hosts.size(); j++) {
            section.putIfAbsent(((String) ((Map<String, Object>) hosts.get(j)).get("name")).toLowerCase(Locale.ROOT), j);
        }
        for (Object o : hosts) {
            for (Object a : (List<Object>) ((Map<String, Object>) o).get("add")) {
                Map<String, Object> pm = (Map<String, Object>) a;
                Integer j = section.get(((String) pm.get("peer")).toLowerCase(Locale.ROOT));
                if (j == null) {
                    continue;
                }
                List<String> register = (List<String>) ((Map<String, Object>) hosts.get(j)).get("register");
                if (register.isEmpty()) {
                    continue;
                }
                Set<String> adds = new HashSet<>();
                ((List<String>) pm.get("spns")).forEach(spn -> adds.add(Spn.wholeKeyOf(spn)));
                List<String> first = register.stream().filter(spn -> adds.contains(Spn.wholeKeyOf(spn))).toList();
                if (!first.isEmpty()) {
                    pm.put("registerFirst", first);
                    pm.put("registerStep", j + 1);
                }
            }
        }
    }

    /**
     * For a node or file server whose name {@link Values#visibleAccount} shows by its code (a letter of another script
     * that reads like a Latin one, a character that shows as nothing), what a person finding it in ADUC tells it apart
     * by: the characters ({@code notAsStored}, empty for any other name), its DN and its account name (unique in the
     * domain), each shown so too. Whether it is such a name.
     */
    private static boolean lookAlike(Map<String, Object> m, String name, RemediationPlan plan) {
        String notAsStored = Values.notAsStored(name);
        m.put("notAsStored", notAsStored);
        String account = plan.commandsFor(name).account(name);
        m.put("dn", Values.visibleAccount(s(plan.dn(name))));
        m.put("account", account == null ? "" : Values.visibleAccount(account));
        return !notAsStored.isEmpty();
    }

    private static List<String> clean(List<String> values) {
        return values.stream().map(RunbookModel::s).toList();
    }

    /** SPNs as a checklist shows them ({@link Values#visibleSpn}): a look-alike reads apart from what it imitates. */
    private static List<String> shown(List<String> spns) {
        return spns.stream().map(v -> Values.visibleSpn(s(v))).toList();
    }

    private static String s(String v) {
        return v == null ? "" : v;
    }
}
