package org.kcdauditor.rules;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What a rule is about. Reports group findings by it (the Drift sheet and the PDF's drift table take
 * the {@link #DRIFT} rules), so no writer keeps a list of rule ids. In findings.json it is the word.
 */
public enum Category {
    EVENTS("events", "Observed migration failures"),
    PATCHES("patches", "Hardening updates and patch data"),
    DELEGATION("delegation", "Delegation between hosts"),
    SPN("spn", "Service principal names"),
    KERBEROS("kerberos", "Kerberos keys and encryption types"),
    HOSTS("hosts", "Hyper-V host settings"),
    ACCOUNTS("accounts", "Accounts that start migrations"),
    INVENTORY("inventory", "Hosts and configuration"),
    HYGIENE("hygiene", "Clean-up"),
    REPLICATION("replication", "Replication between domain controllers"),
    DRIFT("drift", "Drift against the baseline and the previous run");

    private final String word;
    private final String title;

    Category(String word, String title) {
        this.word = word;
        this.title = title;
    }

    @JsonValue
    public String word() {
        return word;
    }

    /** The heading reports give the group. */
    public String title() {
        return title;
    }

    /** The category of a word; null for one this version does not know (a newer findings.json). */
    @JsonCreator
    public static Category of(String word) {
        for (Category c : values()) {
            if (c.word.equalsIgnoreCase(word)) {
                return c;
            }
        }
        return null;
    }
}
