package org.kcdauditor.config;

import com.fasterxml.jackson.annotation.JsonValue;

/** What the organisation's policy demands of TRUSTED_TO_AUTH_FOR_DELEGATION on the hosts. */
public enum ProtocolTransition {
    /** "Use any authentication protocol": protocol transition on (Microsoft's guidance since 2016). */
    ANY("any"),
    /** "Use Kerberos only": protocol transition off. */
    KERBEROS_ONLY("kerberos-only"),
    /** Either is accepted; Kerberos-only hosts on Windows Server 2016+ get an advisory. */
    EITHER("either");

    private final String word;

    ProtocolTransition(String word) {
        this.word = word;
    }

    @JsonValue
    public String word() {
        return word;
    }
}
