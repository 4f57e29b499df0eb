package org.kcdauditor.rules;

import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;

import java.util.ArrayList;
import java.util.List;

/** Collects the findings of one evaluation. A rule starts one with {@link #add}, fills it in and {@link Draft#emit emits} it. */
public final class FindingSink {
    private final List<Finding> findings = new ArrayList<>();
    private final org.kcdauditor.remedy.Commands commands;

    /** A sink whose findings' remediation sentences take their commands from {@code commands}. */
    public FindingSink(org.kcdauditor.remedy.Commands commands) {
        this.commands = commands;
    }

    /** A finding of {@code rule} at its usual severity. */
    public Draft add(RuleInfo rule) {
        return new Draft(rule);
    }

    public List<Finding> findings() {
        return findings;
    }

    /** One finding being built: where, what was judged (evidence), the sentence, and what fixes it (actions). */
    public final class Draft {
        private final RuleInfo rule;
        private Severity severity;
        private String cluster;
        private String host;
        private String peer;
        private String spn;
        private String idSpn;
        private boolean idSpnSet;
        private Evidence evidence = Evidence.NONE;
        private String message;
        private final List<Action> actions = new ArrayList<>();

        private Draft(RuleInfo rule) {
            this.rule = rule;
            this.severity = rule.severity();
        }

        public Draft severity(Severity s) {
            severity = s;
            return this;
        }

        public Draft cluster(String c) {
            cluster = c;
            return this;
        }

        public Draft host(String h) {
            host = h;
            return this;
        }

        public Draft peer(String p) {
            peer = p;
            return this;
        }

        public Draft spn(String s) {
            spn = s;
            return this;
        }

        /** The fourth part of the stable id when it is not {@code spn} (keeps ids of earlier runs). */
        public Draft idSpn(String s) {
            idSpn = s;
            idSpnSet = true;
            return this;
        }

        public Draft evidence(Evidence e) {
            evidence = e;
            return this;
        }

        public Draft message(String m) {
            message = m;
            return this;
        }

        public Draft action(Action a) {
            actions.add(a);
            return this;
        }

        public Draft actions(List<? extends Action> a) {
            actions.addAll(a);
            return this;
        }

        /** Adds the finding; its remediation sentence is rendered from the actions. */
        public void emit() {
            if (message == null || actions.isEmpty()) {
                throw new IllegalStateException(rule.id() + ": a finding needs a message and at least one action");
            }
            findings.add(Finding.of(rule.id(), severity, cluster, host, peer, spn, idSpnSet ? idSpn : spn, message,
                    evidence, actions, commands));
        }
    }
}
