package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.PairStatus;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.EncryptionTypes;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.Uac;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.remedy.Values;

import java.util.List;
import java.util.Locale;

/** Shared by the encryption rules: which pairs an account's problem breaks, and whether it runs Windows. */
final class EncryptionRules {
    static final String REFERENCE = "KB5073381 / CVE-2026-20833 (RC4 default disablement: AES-SHA1-only tickets"
            + " for accounts without explicit msDS-SupportedEncryptionTypes from the April 2026 updates, no rollback"
            + " from July 2026); KB5021131 / CVE-2022-37966; MS-KILE 2.2.7;"
            + " PingCastle S-AesNotEnabled";

    private EncryptionRules() {
    }

    /** The directed pairs into and out of {@code o}, each once. */
    static List<Evidence.PairRef> pairs(AuditContext ctx, AdObject o) {
        return pairs(ctx.pairsFrom(o), ctx.pairsTo(o));
    }

    /**
     * The directed pairs whose tickets use {@code o}'s keys, each once: those out of it, and those into it or into a
     * file server whose cifs SPNs it serves as a service account ({@link AuditContext#pairsKeyedOn}).
     */
    static List<Evidence.PairRef> keyedPairs(AuditContext ctx, AdObject o) {
        return pairs(ctx.pairsFrom(o), ctx.pairsKeyedOn(o));
    }

    private static List<Evidence.PairRef> pairs(List<PairStatus> from, List<PairStatus> into) {
        List<Evidence.PairRef> out = new java.util.ArrayList<>();
        for (List<PairStatus> list : List.of(from, into)) {
            for (PairStatus p : list) {
                out.add(new Evidence.PairRef(p.source().name(), p.target().name()));
            }
        }
        return out;
    }

    /**
     * For a file server every pair into which has its tickets issued in the keys of the service accounts registering its
     * cifs SPNs ({@link AuditContext#serviceAccounts}; {@code pairs}, those using its own keys, empty): "; no live
     * migration uses NAS01's keys: the tickets for cifs/NAS01 and … are issued in svc-nas's, so this blocks no pair";
     * else empty. Its own account's problem then blocks no pair and does not make a cluster NO-GO ({@link #severity}).
     */
    static String unused(AuditContext ctx, AdObject o, List<Evidence.PairRef> pairs) {
        java.util.Map<String, AdObject> held = ctx.serviceAccounts().get(o);
        if (held == null || !pairs.isEmpty()) {
            return "";
        }
        List<String> accounts = held.values().stream().distinct().map(a -> Values.visibleAccount(a.name()) + "'s")
                .toList();
        return "; no live migration uses " + Values.visibleAccount(o.name()) + "'s keys: the tickets for "
                + and(held.keySet().stream().map(Values::visibleSpn).toList()) + " are issued in " + and(accounts)
                + ", the account" + (accounts.size() == 1 ? " they are" : "s they are") + " registered on, so this"
                + " blocks no pair";
    }

    /** The rule's severity, or MEDIUM for an account whose keys no pair uses ({@link #unused} not empty). */
    static Severity severity(RuleInfo info, String unused) {
        return unused.isEmpty() ? info.severity() : Severity.MEDIUM;
    }

    private static String and(List<String> items) {
        return items.size() == 1 ? items.get(0) : String.join(", ", items.subList(0, items.size() - 1)) + " and "
                + items.get(items.size() - 1);
    }

    /** "; it breaks 6 directed pairs" or empty. */
    static String breaks(List<Evidence.PairRef> pairs) {
        return pairs.isEmpty() ? "" : "; " + (pairs.size() == 1 ? "the pair " + pairs.get(0).from() + " -> "
                + pairs.get(0).to() + " cannot migrate" : pairs.size() + " directed pairs cannot migrate");
    }

    /**
     * "; it breaks …" as {@link #breaks(List)}, for an account whose explicit msDS-SupportedEncryptionTypes allows RC4
     * (without USE_DES_KEY_ONLY) conditioned on RC4: KB5073381's AES-SHA1-only default covers accounts without an
     * explicit value, so the KDC still issues it RC4 tickets wherever the DCs and hosts allow RC4, which the audit does
     * not read. Its pairs stay blocked; the sentence says where they fail.
     */
    static String breaks(List<Evidence.PairRef> pairs, AdObject o) {
        Integer set = o.supportedEncryptionTypes();
        boolean rc4 = EncryptionTypes.explicit(set) && (set & EncryptionTypes.RC4_HMAC) != 0
                && !Uac.has(o.userAccountControl(), Uac.USE_DES_KEY_ONLY);
        return rc4 && !pairs.isEmpty() ? breaks(pairs) + " wherever the domain controllers or the hosts do not allow"
                + " RC4 (KB5073381's AES-only default covers accounts without an explicit"
                + " msDS-SupportedEncryptionTypes: with its " + EncryptionTypes.describe(set) + " it still gets RC4"
                + " tickets where RC4 is allowed)" : breaks(pairs);
    }

    /**
     * A Windows account: a Windows computer (it writes its own encryption types and can reset its own password), or
     * a failover cluster's network name account (CNO, or a clustered role's VCO such as a Scale-Out File Server's),
     * which records no operatingSystem but whose keys Windows makes, with no keytab ({@link AdObject#isClusterNameObject}).
     */
    static boolean windows(AdObject o) {
        return o.isClusterNameObject()
                || o.operatingSystem() != null && o.operatingSystem().toLowerCase(Locale.ROOT).contains("windows");
    }

    /**
     * A user or managed service account (gMSA, sMSA) whose keys a file server's keytab holds, not a computer joined
     * with keys of its own: its advice is {@link #keyedOn}.
     */
    static boolean keyed(AuditContext ctx, AdObject o) {
        return !o.isComputer() || ctx.snapshot().isManagedServiceAccount(o);
    }

    /**
     * The decision for a {@link #keyed} account: "Check that the keytab made for svc-nas (ktpass -mapuser) holds AES
     * keys (…), then record what it supports:", proposing {@code wanted} as its msDS-SupportedEncryptionTypes (and
     * USE_DES_KEY_ONLY cleared where {@code desOnly}) on the account itself, a user's with Set-ADUser, a gMSA's or
     * sMSA's with Set-ADServiceAccount (whose password AD sets, so no ktpass with a new one); Set-ADComputer finds
     * neither. {@code previous}: its value today (null: not set).
     */
    static Action.Manual keyedOn(AuditContext ctx, AdObject o, int wanted, boolean desOnly, Integer previous) {
        boolean managed = ctx.snapshot().isManagedServiceAccount(o);
        return new Action.Manual("Check that the keytab made for " + Values.visibleAccount(o.name())
                + (managed ? "" : " (ktpass -mapuser)") + " holds AES keys (klist -kte on it lists"
                + " aes256-cts-hmac-sha1-96 or aes128-cts-hmac-sha1-96; a NAS shows them in its own Kerberos settings;"
                + " none: make it again " + (managed ? "with AES keys" : "with -crypto AES256-SHA1 and a new password")
                + "), then record what it supports:", List.of(new Action.SetEncryptionTypes(o.name(), wanted, desOnly,
                previous, serviceAccount(ctx, o))));
    }

    /** {@code o} as the AD cmdlets for users and managed service accounts take it: its sAMAccountName (else its name). */
    static Action.ServiceAccount serviceAccount(AuditContext ctx, AdObject o) {
        return new Action.ServiceAccount(o.samAccountName() == null ? o.name() : o.samAccountName(),
                ctx.snapshot().isManagedServiceAccount(o), ctx.directoryOf(o));
    }

    /** A user account's name as PowerShell's -Identity takes it: its sAMAccountName (else its name), quoted. */
    static String userIdentity(AdObject o) {
        return org.kcdauditor.remedy.Ps.quote(org.kcdauditor.remedy.Values.visible(o.samAccountName() == null
                ? o.name() : o.samAccountName()));
    }

    /**
     * The cluster a host belongs to; for a service account a file server's cifs SPNs are keyed on ({@link
     * AuditContext#serviceAccounts}), the first cluster listing a file server it serves, as a file server's own is the
     * first cluster listing it ({@link AuditContext#clusterOfHost}); else null.
     */
    static String cluster(AuditContext ctx, AdObject o) {
        return ctx.ownCluster(o);
    }
}
