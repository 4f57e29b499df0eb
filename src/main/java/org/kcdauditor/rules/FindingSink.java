package org.kcdauditor.rules;

import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.remedy.Values;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Collects the findings of one evaluation. A rule starts one with {@link #add}, fills it in and {@link Draft#emit emits} it. */
public final class FindingSink {
    private final List<Finding> findings = new ArrayList<>();
    private final org.kcdauditor.remedy.Commands commands;
    /** The names {@link Values#visibleAccount} shows by their code. */
    private final List<String> lookAlikes;

    /** A sink whose findings' remediation sentences take their commands from {@code commands}. */
    public FindingSink(org.kcdauditor.remedy.Commands commands) {
        this(commands, List.of());
    }

    /**
     * The same; {@code names} are the names of the objects the rules may name (the directory's): each that holds a
     * letter of another script or a character that shows as nothing ({@code НV06} with a Cyrillic Н reads as a Latin
     * HV06) is written into a finding's message by its code, as the reports' tables and the remediation name it.
     */
    public FindingSink(org.kcdauditor.remedy.Commands commands, Collection<String> names) {
        this.commands = commands;
        this.lookAlikes = names.stream().filter(n -> !Values.readsAsStored(n)).distinct().toList();
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
            // a decision's question is a sentence too: the runbooks' "To decide" and the remediation read it
            List<Action> shown = new ArrayList<>(actions.size());
            for (Action a : actions) {
                if (a instanceof Action.Manual m) {
                    String what = byCode(m.what(), host, peer);
                    // a question without a look-alike name is kept as it is, not copied
                    a = what == m.what() ? m : new Action.Manual(what, m.proposed(), m.yes());
                }
                shown.add(a);
            }
            findings.add(Finding.of(rule.id(), severity, cluster, host, peer, spn, idSpnSet ? idSpn : spn,
                    byCode(message, host, peer), evidence, shown, commands)); // the finding keeps a copy
        }

        /**
         * {@code message} (or a decision's question) with each look-alike name in it (the sink's, and the finding's
         * host and peer, which may come from the configuration or a baseline) by its code: each rule writes its own
         * sentence, and a person reads it; the finding's fields keep the names as stored.
         */
        private String byCode(String message, String host, String peer) {
            if (lookAlikes.isEmpty() && Values.readsAsStored(host) && Values.readsAsStored(peer)) {
                return message; // nearly every directory: no such name, and no message read again
            }
            List<String> names = new ArrayList<>(lookAlikes);
            names.add(host);
            names.add(peer);
            return Values.visibleAccounts(message, names);
        }
    }
}
