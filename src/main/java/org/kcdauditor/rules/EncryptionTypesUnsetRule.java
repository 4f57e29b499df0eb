package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.Blocker;
import org.kcdauditor.audit.ResolvedCluster;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.EncryptionTypes;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * ENCRYPTION_TYPES_UNSET: a file server that is not Windows (a NAS, a Linux SMB server) has no explicit
 * msDS-SupportedEncryptionTypes. The KDC then issues AES-only tickets (since April 2026), which its keytab
 * may not hold keys for.
 */
public final class EncryptionTypesUnsetRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("ENCRYPTION_TYPES_UNSET", Severity.LOW, Category.KERBEROS,
            "A non-Windows file server has no explicit encryption types",
            "a file server whose `operatingSystem` is not Windows has no explicit `msDS-SupportedEncryptionTypes`"
                    + " (or the user or managed service account its `cifs` SPNs are registered on, and then the file"
                    + " server itself only where its own keys serve a pair)",
            "Windows computers write their encryption types themselves; a NAS or Linux SMB server does not. Without"
                    + " an explicit value the KDC issues AES-only tickets since the April 2026 updates, and a keytab"
                    + " made with RC4 keys only cannot read them: storage access from the hosts fails.",
            EncryptionRules.REFERENCE);

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        KdcEvents events = new KdcEvents(ctx);
        Set<AdObject> seen = new LinkedHashSet<>();
        for (ResolvedCluster c : ctx.clusters()) {
            for (AdObject fs : c.fileServers()) {
                java.util.Map<String, AdObject> held = ctx.serviceAccounts().getOrDefault(fs, java.util.Map.of());
                for (AdObject account : held.values()) {
                    // the account a file server's cifs SPNs are keyed on (ktpass): the keytab holds its keys
                    if (seen.add(account) && !EncryptionTypes.explicit(account.supportedEncryptionTypes())) {
                        keyedOn(ctx, fs, account, out);
                    }
                }
                // a Scale-Out File Server's role account (VCO) records no operatingSystem, but Windows made its keys;
                // a file server every pair into which a service account's keys serve has no key a ticket uses
                if (!seen.add(fs) || EncryptionRules.windows(fs)
                        || EncryptionTypes.explicit(fs.supportedEncryptionTypes())
                        || !held.isEmpty() && EncryptionRules.keyedPairs(ctx, fs).isEmpty()) {
                    continue;
                }
                // with AES_KEYS_MISSING beside it the account has no AES keys to match a keytab yet: those come first
                boolean noKeys = ctx.encryptionProblems(fs).contains(Blocker.AES_KEYS_MISSING);
                out.add(INFO).cluster(c.name()).host(fs.name())
                        .evidence(events.attach(fs, Evidence.builder().attribute("msDS-SupportedEncryptionTypes")
                                .operatingSystem(fs.operatingSystem()).fileServer(true)).build())
                        .message("File server " + fs.name() + " (" + (fs.operatingSystem() == null ? "operating system"
                                + " not recorded" : fs.operatingSystem()) + ") has no explicit"
                                + " msDS-SupportedEncryptionTypes, so the KDC issues it AES-only tickets; " + (noKeys
                                ? "its account has no AES keys yet (AES_KEYS_MISSING), and its keytab will need them."
                                : "its keytab must hold AES keys.") + events.sentence(fs))
                        .action(new Action.Manual((noKeys ? "Once " + fs.name() + "'s password is reset"
                                + " (AES_KEYS_MISSING), check that its keytab holds AES keys"
                                : "Check that " + fs.name() + "'s keytab holds AES keys") + ", then record"
                                + " what it supports:", List.of(new Action.SetEncryptionTypes(fs.name(),
                                EncryptionTypes.AES, false, fs.supportedEncryptionTypes()))))
                        .emit();
            }
        }
    }

    /**
     * The user or managed service account {@code fs}'s cifs SPNs are keyed on, without explicit encryption types: the
     * KDC issues it AES-only tickets, which a keytab made with RC4 keys only (ktpass -crypto RC4-HMAC-NT) cannot read.
     */
    private static void keyedOn(AuditContext ctx, AdObject fs, AdObject account, FindingSink out) {
        String name = org.kcdauditor.remedy.Values.visibleAccount(account.name());
        out.add(INFO).cluster(EncryptionRules.cluster(ctx, account)).host(account.name())
                .evidence(Evidence.builder().attribute("msDS-SupportedEncryptionTypes")
                        .pairs(EncryptionRules.keyedPairs(ctx, account)).build())
                .message(name + ", the account " + fs.name() + "'s cifs SPNs are registered on, has no explicit"
                        + " msDS-SupportedEncryptionTypes, so the KDC issues it AES-only tickets; the keytab made for it"
                        + (ctx.snapshot().isManagedServiceAccount(account) ? "" : " (ktpass -mapuser)")
                        + " must hold AES keys.")
                .action(EncryptionRules.keyedOn(ctx, account, EncryptionTypes.AES, false,
                        account.supportedEncryptionTypes()))
                .emit();
    }
}
