package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.Blocker;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.remedy.Commands;
import org.kcdauditor.remedy.Remedies;
import org.kcdauditor.remedy.Values;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/**
 * AES_KEYS_MISSING: an account's password was last set before its domain had AES keys (before its first
 * Windows Server 2008 DC, dated by the whenCreated of the RID-521 group, as PingCastle's S-AesNotEnabled
 * does; with several directories, that of the account's own), so the account has no AES keys and gets no AES
 * ticket.
 */
public final class AesKeysMissingRule implements Rule {
    static final RuleInfo INFO = new RuleInfo(Blocker.AES_KEYS_MISSING, Severity.HIGH, Category.KERBEROS,
            "An account a migration needs has no AES keys",
            "a node, file server or delegation target's (or the service account's a file server's `cifs` SPNs"
                    + " are registered on) `pwdLastSet` is older than the domain's AES keys (the whenCreated of the"
                    + " RID-521 group): blocks its pairs; MEDIUM,"
                    + " blocking none, for a file server's own account where that service"
                    + " account's keys encrypt every ticket into it",
            "AD derives an account's AES keys when its password is set, and only since the domain's first"
                    + " Windows Server 2008 domain controller. An older password means RC4 keys only; since the April"
                    + " 2026 updates DCs issue AES-SHA1-only tickets to accounts without explicit"
                    + " msDS-SupportedEncryptionTypes, so the KDC has no key to issue its ticket with (KDCSVC events"
                    + " 202, 204, 207, 209).",
            EncryptionRules.REFERENCE);

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        KdcEvents events = new KdcEvents(ctx);
        for (AdObject o : ctx.encryptionSubjects()) {
            if (!ctx.encryptionProblems(o).contains(Blocker.AES_KEYS_MISSING)) {
                continue;
            }
            List<Evidence.PairRef> pairs = EncryptionRules.keyedPairs(ctx, o);
            Instant aesSince = ctx.aesKeysSince(o);
            Action reset = new Action.ResetMachinePassword(o.name());
            String unused = EncryptionRules.unused(ctx, o, pairs);
            out.add(INFO).cluster(EncryptionRules.cluster(ctx, o)).host(o.name())
                    .severity(EncryptionRules.severity(INFO, unused))
                    .evidence(events.attach(o, Evidence.builder().attribute("pwdLastSet").pwdLastSet(o.pwdLastSet())
                            .aesKeysSince(aesSince).pairs(pairs)
                            .operatingSystem(o.operatingSystem())).build())
                    .message(o.name() + "'s password was last set on " + day(o) + ", before the domain had AES keys"
                            + " (" + LocalDate.ofInstant(aesSince, ZoneOffset.UTC) + "), so it"
                            + " has none" + EncryptionRules.breaks(pairs, o) + unused + "." + events.sentence(o))
                    .action(o.isClusterNameObject() ? repair(o) : EncryptionRules.keyed(ctx, o)
                            ? newPassword(ctx, o)
                            : EncryptionRules.windows(o) ? reset
                            : new Action.Manual("Reset " + o.name() + "'s computer account password with its own"
                            + " tools (re-join the domain, or the NAS's 'reset machine account'), so the account gets"
                            + " AES keys; then check its keytab."))
                    .emit();
        }
    }

    /**
     * A failover cluster's network name account (CNO or VCO): the cluster sets its password and rotates it while the
     * name is online. Reset-ComputerMachinePassword "on" it would run on whichever node answers for the name and reset
     * that node's own account, so the password is renewed through the cluster (Failover Clustering blog,
     * "Understanding the Repair Active Directory Object Recovery Action").
     */
    private static Action repair(AdObject o) {
        return new Action.Manual(o.name() + " is a failover cluster's network name account, whose password the"
                + " cluster sets and rotates while the name is online: bring the name online, and in Failover Cluster"
                + " Manager right-click its network name, More Actions > Repair Active Directory Object (on the cluster"
                + " name this resets the password with your credentials, which need Reset Password on the object; a"
                + " role's name is reset by the cluster name), so the account gets AES keys; then purge the nodes'"
                + " tickets (" + Commands.PURGE_TICKETS + ").");
    }

    /**
     * A user or managed service account a file server's cifs SPNs are keyed on: a new password gives it AES keys, and
     * the keytab is made again from it, since the old one's keys no longer match. For a user keying one file server and
     * holding none but its cifs SPNs, ktpass does both ({@link Action.RekeyServiceAccount}: it sets the password it
     * prompts for and writes the keytab for the file server's DNS-name cifs SPN, that principal only); keying several,
     * one password serves them all, which a ktpass per keytab would each set anew (the earlier keytabs' key version then
     * no longer matches), and holding other SPNs, their services use the same keys and need their keytabs made again
     * too, so it is said in words. Either way the password is to be set wherever else it is used
     * ({@link Remedies#ELSEWHERE}). A gMSA's or sMSA's password is set by AD, not by ktpass: an sMSA's with
     * Reset-ADServiceAccountPassword on the computer it is installed on; a gMSA's, which that cmdlet does not reset, at
     * its next password interval.
     */
    private static Action newPassword(AuditContext ctx, AdObject o) {
        String id = EncryptionRules.userIdentity(o);
        if (ctx.snapshot().isManagedServiceAccount(o)) {
            return new Action.Manual("Have AD set a new password on the managed service account " + o.name()
                    + " (an sMSA: Reset-ADServiceAccountPassword -Identity " + id + " on the computer it is installed"
                    + " on; a gMSA, which that cmdlet does not reset, gets one at its next password interval,"
                    + " msDS-ManagedPasswordInterval), so it gets AES keys, and make the file server's keytab again"
                    + " from it.");
        }
        List<AdObject> served = new java.util.ArrayList<>();
        java.util.Set<String> keyed = new java.util.HashSet<>();
        String spn = null;
        for (var e : ctx.serviceAccounts().entrySet()) {
            List<String> held = e.getValue().entrySet().stream().filter(x -> x.getValue() == o).map(
                    java.util.Map.Entry::getKey).toList();
            if (!held.isEmpty() && !served.contains(e.getKey())) {
                served.add(e.getKey());
                held.forEach(x -> keyed.add(x.toLowerCase(java.util.Locale.ROOT)));
                // the DNS-name SPN, as SMB clients ask for it; the keytab holds that principal only
                spn = held.stream().filter(x -> x.indexOf('.', x.indexOf('/') + 1) > 0).findFirst().orElse(held.get(0));
            }
        }
        // the SPNs of other services on the account (a web service, another file server the config does not list)
        List<String> others = o.spns().stream().filter(x -> !keyed.contains(x.toLowerCase(java.util.Locale.ROOT)))
                .toList();
        String realm = AuditContext.dnsDomain(o.dn());
        if (served.size() != 1 || realm == null || !others.isEmpty()) {
            return new Action.Manual("Set a new password on the user account " + o.name() + " (Set-ADAccountPassword"
                    + " -Identity " + id + " -Reset), so it gets AES keys, and make the keytab of each file server keyed"
                    + " on it again with that password (ktpass -mapuser with -crypto AES256-SHA1 and -pass, imported on"
                    + " the file server)" + (others.isEmpty() ? "" : "; " + o.name() + " also holds "
                    + others.stream().map(x -> "'" + Values.visibleSpn(x) + "'").collect(
                    java.util.stream.Collectors.joining(", ")) + ", whose services use the same keys: make their"
                    + " keytabs again with that password too (so no ktpass keying one file server is given here)")
                    + ". " + Remedies.ELSEWHERE);
        }
        AdObject fs = served.get(0);
        String principal = spn + "@" + realm.toUpperCase(java.util.Locale.ROOT);
        return new Action.Manual(o.name() + "'s keys date from before the domain's AES keys: a new password gives it AES"
                + " keys, and " + fs.name() + "'s keytab, made with the old one, must be made again with it. "
                + Remedies.rekeyCaveats(o.name(), fs.name(), principal) + " The password and the keytab:",
                List.of(new Action.RekeyServiceAccount(o.name(), o.samAccountName() == null ? o.name()
                        : o.samAccountName(), fs.name(), principal, ctx.directoryOf(o))));
    }

    private static LocalDate day(AdObject o) {
        return LocalDate.ofInstant(o.pwdLastSet(), ZoneOffset.UTC);
    }
}
