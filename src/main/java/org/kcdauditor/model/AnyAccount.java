package org.kcdauditor.model;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The SIDs a resource-based delegation descriptor may name that hold every account, or every computer: Everyone
 * (S-1-1-0), Authenticated Users (S-1-5-11), This Organization (S-1-5-15) and a domain's Domain Computers (RID 515,
 * every computer's primary group). The KDC checks the descriptor against the token of whichever account asks to
 * delegate (MS-SFU 3.2.5.2.3), so a descriptor that allows one of them lets any such account impersonate users to
 * the target.
 *
 * <p>Of these, the token the KDC checks is known to hold Everyone and Authenticated Users (Samba's KDC adds both, and
 * Windows' access check of an authenticated account does): {@link #inEveryToken}. A computer's primary group is read
 * from the directory like any group ({@link RbcdPrincipal}). This Organization is not known to be in it (Samba's KDC
 * does not add it), so it allows no pair.
 */
public final class AnyAccount {
    public static final String EVERYONE = "S-1-1-0";
    public static final String AUTHENTICATED_USERS = "S-1-5-11";
    public static final String THIS_ORGANIZATION = "S-1-5-15";
    private static final Pattern DOMAIN_COMPUTERS = Pattern.compile("S-1-5-21-[0-9]+-[0-9]+-[0-9]+-515");

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
            default -> DOMAIN_COMPUTERS.matcher(sid).matches() ? "Domain Computers" : null;
        };
    }

    /** Who holds it, for people: {@code every authenticated account's token holds Authenticated Users}. */
    public static String holders(String sid) {
        return switch (sid) {
            case EVERYONE -> "every account's token holds Everyone";
            case AUTHENTICATED_USERS -> "every authenticated account's token holds Authenticated Users";
            case THIS_ORGANIZATION -> "on Windows every account of the forest holds This Organization";
            default -> "every computer account of the domain holds Domain Computers, its primary group";
        };
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
