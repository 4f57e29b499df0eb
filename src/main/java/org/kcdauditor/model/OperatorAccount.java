package org.kcdauditor.model;

/**
 * A user behind {@code policy.operators}, with the facts that decide whether constrained delegation
 * can carry its credentials.
 *
 * @param protectedUsers whether it is a member, directly or through nested groups, of Protected Users
 *                       (the group with RID 525), its primary group ({@code primaryGroupID}) included; null when the domain has no such group (before Windows
 *                       Server 2012 R2, or not Active Directory), so membership could not be checked
 */
public record OperatorAccount(String samAccountName, String dn, int userAccountControl, Boolean protectedUsers) {

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
}
