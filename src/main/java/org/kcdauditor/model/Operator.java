package org.kcdauditor.model;

import java.util.List;

/**
 * One entry of {@code policy.operators} as the directory resolved it: a user, or a group whose users
 * (nested groups included) start live migrations remotely. A name the directory does not know is kept
 * with {@link Kind#NOT_FOUND}: that is a finding too.
 *
 * @param name      as configured (sAMAccountName, {@code DOMAIN\name}, userPrincipalName or DN)
 * @param dn        the object it named; for a name not found, the DN it was looked up under (the domain, also where
 *                  directory.baseDn is an OU), or null where it was not looked up
 * @param accounts  the user itself, or the group's users (each once); empty when not found
 * @param expansion how the group was expanded ({@link Expansion#NONE} for a user or a name not found)
 * @param note      why the expansion fell back to the member attribute (the server's refusal of the
 *                  in-chain rule), or why a name was not looked up ({@code DOMAIN\name} of another domain), else null
 * @param foreignMembers a group's members, nested included, of another domain, whose "sensitive" flag and Protected
 *                  Users membership this directory does not hold: the SID of a foreign security principal (an account
 *                  of a trusted domain, {@code CN=<SID>,CN=ForeignSecurityPrincipals,<domain>}) or the DN of another
 *                  domain of the forest; each once, in the order met; empty for a user or a name not found
 * @param prefixUnmatched a {@code DOMAIN\name} looked up here although DOMAIN could not be matched to this
 *                  directory's NetBIOS name (which could not be read): found, it is this domain's account only if no
 *                  directory matches DOMAIN and no other holds that name; not found, it says nothing of DOMAIN's
 *                  (DirectoriesCollector)
 */
public record Operator(String name, Kind kind, String dn, List<OperatorAccount> accounts, Expansion expansion,
                       String note, List<String> foreignMembers, boolean prefixUnmatched) {

    /** What the configured name turned out to be. */
    public enum Kind {
        USER, GROUP, NOT_FOUND,
        /** Found, but neither a user nor a group (a contact, an OU …): it has no accounts. */
        OTHER
    }

    /** How a group's users were found. */
    public enum Expansion {
        NONE,
        /** One search with LDAP_MATCHING_RULE_IN_CHAIN (1.2.840.113556.1.4.1941): the DC follows the nesting. */
        IN_CHAIN,
        /** The client read {@code member} group by group (servers without the in-chain rule), cycles cut. */
        MEMBER_ATTRIBUTE
    }

    public Operator {
        accounts = accounts == null ? List.of() : List.copyOf(accounts);
        foreignMembers = foreignMembers == null ? List.of() : List.copyOf(foreignMembers);
    }

    /** An operator whose name's domain prefix, if any, was matched to this directory (or needed no match). */
    public Operator(String name, Kind kind, String dn, List<OperatorAccount> accounts, Expansion expansion,
                    String note, List<String> foreignMembers) {
        this(name, kind, dn, accounts, expansion, note, foreignMembers, false);
    }

    /** This operator, its {@code DOMAIN\} prefix not matched to the directory that found it. */
    public Operator withPrefixUnmatched() {
        return new Operator(name, kind, dn, accounts, expansion, note, foreignMembers, true);
    }

    /** A user, a name not found, or a group with no member of another domain. */
    public Operator(String name, Kind kind, String dn, List<OperatorAccount> accounts, Expansion expansion,
                    String note) {
        this(name, kind, dn, accounts, expansion, note, List.of());
    }

    public boolean found() {
        return kind != Kind.NOT_FOUND;
    }
}
