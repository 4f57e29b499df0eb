package org.kcdauditor.model;

import java.time.Instant;

/**
 * A user behind {@code policy.operators}, with the facts that decide whether constrained delegation
 * can carry its credentials.
 *
 * @param protectedUsers whether it is a member, directly or through nested groups, of Protected Users
 *                       (the group with RID 525), its primary group ({@code primaryGroupID}) included; null when the domain has no such group (before Windows
 *                       Server 2012 R2, or not Active Directory), so membership could not be checked
 * @param accountExpires {@code accountExpires}: when the account expires; null when absent, 0 or
 *                       0x7FFFFFFFFFFFFFFF ("never")
 */
public record OperatorAccount(String samAccountName, String dn, int userAccountControl, Boolean protectedUsers,
                              Instant accountExpires) {

    /** "Account is sensitive and cannot be delegated" (UAC 0x100000). */
    public boolean notDelegated() {
        return Uac.has(userAccountControl, Uac.NOT_DELEGATED);
    }

    /** Neither marked sensitive nor in Protected Users (as far as could be checked). */
    public boolean delegable() {
        return !notDelegated() && !Boolean.TRUE.equals(protectedUsers);
    }

    public boolean disabled() {
        return Uac.has(userAccountControl, Uac.ACCOUNTDISABLE);
    }

    /**
     * Whether the account had expired at {@code at} ({@code accountExpires} at or before it): the KDC then issues it no
     * ticket-granting ticket (KDC_ERR_CLIENT_REVOKED), as for a disabled account.
     */
    public boolean expiredAt(Instant at) {
        return accountExpires != null && at != null && !accountExpires.isAfter(at);
    }
}
