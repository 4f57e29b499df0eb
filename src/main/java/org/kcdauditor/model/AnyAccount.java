package org.kcdauditor.model;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The SIDs a resource-based delegation descriptor may name that hold every account, every computer or every user:
 * Everyone (S-1-1-0), Authenticated Users (S-1-5-11), This Organization (S-1-5-15), BUILTIN\Users (S-1-5-32-545), and
 * a domain's Domain Computers (RID 515, every computer's primary group) and Domain Users (RID 513, every user's). The
 * KDC checks the descriptor against the token of whichever account asks to delegate (MS-SFU 3.2.5.2.3), so a
 * descriptor that allows one of them lets any such account impersonate users to the target: a user account without
 * an SPN too, through S4U2self with user-to-user authentication.
 *
 * <p>Of these, the token the KDC checks is known to hold Everyone and Authenticated Users (Samba's KDC adds both, and
 * Windows' access check of an authenticated account does): {@link #inEveryToken}. A computer's primary group, Domain
 * Computers, is read from the directory like any group ({@link RbcdPrincipal}), and so is Domain Users, which holds no
 * computer unless the directory lists it there. This Organization is not known to be in that token (Samba's KDC does
 * not add it), nor is BUILTIN\Users, a group of the built-in domain (S-1-5-32) that a ticket's PAC is not documented
 * to carry (MS-PAC 2.5 lists the account's domain groups, MS-KILE 3.3.5.7.3 adds the domain-local groups of the
 * service's domain): neither allows a pair ({@link #notCounted}).
 */
public final class AnyAccount {
    public static final String EVERYONE = "S-1-1-0";
    public static final String AUTHENTICATED_USERS = "S-1-5-11";
    public static final String THIS_ORGANIZATION = "S-1-5-15";
    public static final String BUILTIN_USERS = "S-1-5-32-545";
    private static final Pattern DOMAIN_GROUP = Pattern.compile("S-1-5-21-[0-9]+-[0-9]+-[0-9]+-(51[35])");

    private AnyAccount() {
    }

    /** The principal's name ({@code Everyone}, {@code Domain Computers} …), or null for any other SID. */
    public static String name(String sid) {
        if (sid == null) {
            return null;
        }
        return switch (sid) {
            case EVERYONE -> "Everyone";
            case AUTHENTICATED_USERS -> "Authenticated Users";
            case THIS_ORGANIZATION -> "This Organization";
            case BUILTIN_USERS -> "BUILTIN\\Users";
            default -> domainUsers(sid) ? "Domain Users" : domainGroup(sid) ? "Domain Computers" : null;
        };
    }

    /** Whether {@code sid} is a domain's Domain Users or Domain Computers (RID 513, 515): that domain's accounts only. */
    public static boolean domainGroup(String sid) {
        return sid != null && DOMAIN_GROUP.matcher(sid).matches();
    }

    /** Whether {@code sid} is a domain's Domain Users (RID 513), which holds user accounts only. */
    public static boolean domainUsers(String sid) {
        var m = DOMAIN_GROUP.matcher(sid);
        return m.matches() && m.group(1).equals("513");
    }

    /** Who holds it, for people: {@code every authenticated account's token holds Authenticated Users}. */
    public static String holders(String sid) {
        return switch (sid) {
            case EVERYONE -> "every account's token holds Everyone";
            case AUTHENTICATED_USERS -> "every authenticated account's token holds Authenticated Users";
            case THIS_ORGANIZATION -> "on Windows every account of the forest holds This Organization";
            case BUILTIN_USERS -> "on Windows every account of the domain holds BUILTIN\\Users, whose members include"
                    + " Domain Users and Authenticated Users";
            default -> domainUsers(sid) ? "every user account of the domain holds Domain Users, its primary group"
                    : "every computer account of the domain holds Domain Computers, its primary group";
        };
    }

    /**
     * Why kcd-audit does not count a grant of {@code sid} as allowing {@code sources} ({@code HV02}, {@code their
     * sources}), which the directory does not show as holding it; null for Everyone and Authenticated Users, which
     * allow every source their descriptor does not refuse.
     */
    public static String notCounted(String sid, String sources) {
        return switch (sid) {
            case EVERYONE, AUTHENTICATED_USERS -> null;
            case THIS_ORGANIZATION -> "the token the KDC checks is known to hold Everyone, Authenticated Users and the"
                    + " account's groups, not This Organization (Samba's KDC does not add it)";
            case BUILTIN_USERS -> "whether the token the KDC checks holds BUILTIN\\Users, a group of the built-in domain"
                    + " (S-1-5-32) that a ticket's PAC is not documented to carry, is not something kcd-audit can know";
            default -> domainUsers(sid) ? "a computer account's primary group is Domain Computers, not Domain Users,"
                    + " and the directory does not list " + sources + " in Domain Users" : "the directory does not"
                    + " list " + sources + " in Domain Computers, as primary group or member";
        };
    }

    /** Whether the token the KDC checks is not known to hold {@code sid}: This Organization, BUILTIN\Users. */
    public static boolean unknownInToken(String sid) {
        return sid.equals(THIS_ORGANIZATION) || sid.equals(BUILTIN_USERS);
    }

    /** The SIDs of {@code sids} that hold every account or every computer, in order. */
    public static List<String> of(List<String> sids) {
        List<String> out = new ArrayList<>(0);
        for (String sid : sids) {
            if (name(sid) != null) {
                out.add(sid);
            }
        }
        return out;
    }

    /**
     * The grants to every account or computer of {@code target}'s resource-based delegation, in order; empty when an
     * access-denied entry refuses every account, which takes them all back.
     */
    public static List<String> grants(AdObject target) {
        return inEveryToken(target.rbcdDeniedSids()) ? List.of() : of(target.rbcdSids());
    }

    /** Whether {@code sids} name Everyone or Authenticated Users, which the token the KDC checks always holds. */
    public static boolean inEveryToken(List<String> sids) {
        return !sids.isEmpty() && (sids.contains(EVERYONE) || sids.contains(AUTHENTICATED_USERS));
    }

    /** {@code Everyone (S-1-1-0)}. */
    public static String shown(String sid) {
        return name(sid) + " (" + sid + ")";
    }
}
