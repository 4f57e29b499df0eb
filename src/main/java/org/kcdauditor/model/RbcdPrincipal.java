package org.kcdauditor.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A principal that the resource-based delegation ({@code msDS-AllowedToActOnBehalfOfOtherIdentity}) of a node or
 * file server allows and that is no object of the sweep: a group above all, read by its SID after the sweep. The KDC
 * checks the descriptor against the token of the delegating host, built from the PAC of its TGT, which holds the
 * host's groups, nested ones and its primary group included (MS-SFU 3.2.5.2.3): a group the descriptor names allows
 * each of its members.
 *
 * @param sid      as the descriptor names it
 * @param dn       the object's DN
 * @param name     its cn (else sAMAccountName)
 * @param kind     what it is
 * @param members  for a group: the accounts that are its members, through nested groups too, and, of the nodes and
 *                 file servers whose descriptors were read, those whose primaryGroupID is its RID (or a nested
 *                 group's), by SID, each with its name (null when unknown), in the order read; empty for anything
 *                 else. Groups themselves are not listed
 * @param complete false when members are missing: the expansion stopped at its bound, or other accounts have the
 *                 group (or a nested one) as their primary group, which are not read (Domain Users holds every user)
 */
public record RbcdPrincipal(String sid, String dn, String name, Kind kind, Map<String, String> members,
                            boolean complete) {

    /** What the SID turned out to name. */
    public enum Kind {
        GROUP, USER, COMPUTER,
        /** Anything else: a foreign security principal, a managed service account … */
        OTHER
    }

    /** How many member names {@link #label()} lists. */
    private static final int NAMED = 5;

    public RbcdPrincipal {
        members = members == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(members));
    }

    /** Whether the principal allows the account with this SID: it is the account, or the account is a member. */
    public boolean allows(String accountSid) {
        return accountSid != null && (accountSid.equals(sid) || members.containsKey(accountSid));
    }

    /** Its name for people: the cn (else sAMAccountName), else the DN, else the SID: never null. */
    public String displayName() {
        return name != null ? name : dn != null ? dn : sid;
    }

    /**
     * The principal for people: {@code HVHosts, group, 1 member: HV72}; {@code adm-x, user}. A group lists its first
     * members by name (a SID where the name is unknown); one whose members were not all read says {@code at least 2
     * members}, or {@code members not all read} where none was found.
     */
    public String label() {
        StringBuilder b = new StringBuilder(displayName()).append(", ")
                .append(kind.name().toLowerCase(java.util.Locale.ROOT));
        if (kind != Kind.GROUP) {
            return b.toString();
        }
        int n = members.size();
        if (n == 0 && !complete) {
            // "at least 0 members" would read as an empty group: Domain Users, whose users are not read, is none
            return b.append(", members not all read").toString();
        }
        b.append(", ").append(complete ? "" : "at least ").append(n == 0 ? "no" : String.valueOf(n))
                .append(n == 1 ? " member" : " members");
        List<String> names = new ArrayList<>(NAMED);
        for (Map.Entry<String, String> m : members.entrySet()) {
            if (names.size() == NAMED) {
                break;
            }
            names.add(m.getValue() != null ? m.getValue() : m.getKey());
        }
        if (!names.isEmpty()) {
            b.append(": ").append(String.join(", ", names)).append(n > NAMED ? " …" : "");
        }
        return b.toString();
    }
}
