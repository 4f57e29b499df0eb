package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.Blocker;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.EncryptionTypes;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.Uac;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.remedy.Values;

import java.util.List;

/**
 * AES_NOT_ENABLED: an account whose keys a migration's tickets use (a node, a file server, a host the nodes
 * delegate to) has msDS-SupportedEncryptionTypes set without an AES bit, or USE_DES_KEY_ONLY on: it is limited
 * to RC4 or DES, which the 2026 updates (KB5073381) phase out (their AES-only default covers accounts without an
 * explicit value).
 */
public final class AesNotEnabledRule implements Rule {
    static final RuleInfo INFO = new RuleInfo(Blocker.AES_NOT_ENABLED, Severity.HIGH, Category.KERBEROS,
            "An account a migration needs has no AES encryption type",
            "a node, file server or delegation target (or the service account a file server's `cifs` SPNs are"
                    + " registered on) has `msDS-SupportedEncryptionTypes` set, non-zero and without AES (`0x8`,"
                    + " `0x10`), or USE_DES_KEY_ONLY (`0x200000`): blocks its pairs; MEDIUM,"
                    + " blocking none, for a file server's own account where that service"
                    + " account's keys encrypt every ticket into it",
            "An account whose msDS-SupportedEncryptionTypes allows no AES (or that has USE_DES_KEY_ONLY) is limited"
                    + " to RC4 or DES: DES is off by default since Windows Server 2008 R2, and the 2026 Kerberos updates"
                    + " phase RC4 out (AES-SHA1-only tickets for accounts without an explicit value from April 2026,"
                    + " no rollback of that default from July 2026). Wherever a host or DC no longer allows RC4 (or"
                    + " DES), such an account gets no ticket, and live migration and SMB to or from it fail even with"
                    + " complete delegation.",
            EncryptionRules.REFERENCE);

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        KdcEvents events = new KdcEvents(ctx);
        for (AdObject o : ctx.encryptionSubjects()) {
            if (!ctx.encryptionProblems(o).contains(Blocker.AES_NOT_ENABLED)) {
                continue;
            }
            Integer set = o.supportedEncryptionTypes();
            boolean desOnly = Uac.has(o.userAccountControl(), Uac.USE_DES_KEY_ONLY);
            // an explicit value without AES gets AES128+AES256 in place of RC4 and DES, its other bits kept; a value
            // that allows AES is kept, only USE_DES_KEY_ONLY was wrong; an unset one is made explicit AES
            boolean noAes = EncryptionTypes.explicit(set) && !EncryptionTypes.hasAes(set);
            int wanted = !EncryptionTypes.explicit(set) ? EncryptionTypes.AES
                    : noAes ? EncryptionTypes.aesInsteadOfRc4AndDes(set) : set;
            List<Evidence.PairRef> pairs = EncryptionRules.keyedPairs(ctx, o);
            Action fix = new Action.SetEncryptionTypes(o.name(), wanted, desOnly, set);
            String what = (noAes ? "its msDS-SupportedEncryptionTypes is " + EncryptionTypes.describe(set)
                    + (EncryptionTypes.namesNoTicketType(set) ? ", which names no ticket encryption type (0x20 only"
                    + " asks for AES session keys and the bits from 0x10000 on are features, MS-KILE 2.2.7; a value"
                    + " other than 0 is not the domain default), so the KDC finds no encryption type for its tickets"
                    : "") : "")
                    + (noAes && desOnly ? " and " : "")
                    + (desOnly ? "'Use only Kerberos DES encryption types' (USE_DES_KEY_ONLY) is set" : "");
            String unused = EncryptionRules.unused(ctx, o, pairs);
            out.add(INFO).cluster(EncryptionRules.cluster(ctx, o)).host(o.name())
                    .severity(EncryptionRules.severity(INFO, unused))
                    .evidence(events.attach(o, Evidence.builder().attribute("msDS-SupportedEncryptionTypes")
                            .encryptionTypes(set).actual(set == null ? List.of() : EncryptionTypes.names(set))
                            .expected(EncryptionTypes.names(wanted)).userAccountControl(o.userAccountControl())
                            .uacBits(Uac.flagNames(o.userAccountControl())).pairs(pairs)
                            .operatingSystem(o.operatingSystem())).build())
                    .message(o.name() + " cannot get AES tickets: " + what + EncryptionRules.breaks(pairs, o) + unused + "."
                            + events.sentence(o))
                    .action(EncryptionRules.windows(o) ? fix : EncryptionRules.keyed(ctx, o)
                            ? EncryptionRules.keyedOn(ctx, o, wanted, desOnly, set)
                            : new Action.Manual("Check that " + o.name()
                            + "'s keytab holds AES keys (on a Linux or Samba server, klist -kte on its keytab, usually"
                            + " /etc/krb5.keytab, lists aes256-cts-hmac-sha1-96 or aes128-cts-hmac-sha1-96 for "
                            + principal(o) + "; a NAS shows them in its own Kerberos settings; none: re-join it or"
                            + " regenerate the keytab); " + directoryKeys(o, ctx.aesKeysSince(o))
                            + "; then allow AES on its account:", List.of(fix)))
                    .emit();
        }
    }

    /** The principal a keytab holds keys for: the account's own name, also where it is not the cn with $. */
    private static String principal(AdObject o) {
        return o.samAccountName() == null ? o.name() + "$" : Values.visible(o.samAccountName());
    }

    /**
     * Whether the directory holds AES keys for the account, which the keytab's must match: AD derives them when a
     * password is set, and only since the domain's AES keys (AES_KEYS_MISSING reports an account set before).
     */
    private static String directoryKeys(AdObject o, java.time.Instant aesSince) {
        java.time.Instant set = o.pwdLastSet();
        if (set == null || aesSince == null) {
            return "whether the directory holds AES keys for " + o.name() + "'s account is not known (" + (set == null
                    ? "its pwdLastSet gives no date: 0 means the password was never set, or that 'must change password"
                    + " at next logon' was set, which keeps the keys the account has; a new password gives it AES keys"
                    : "the date of the domain's AES keys is not known") + ")";
        }
        String day = set.toString().substring(0, 10);
        return set.isAfter(aesSince)
                ? "the directory holds AES keys for " + o.name() + "'s account (its password was set " + day
                        + ", after the domain's AES keys)"
                : "the directory holds no AES keys for " + o.name() + "'s account yet (its password was set " + day
                        + ", before the domain's AES keys): a re-join or a new password gives it some";
    }
}
