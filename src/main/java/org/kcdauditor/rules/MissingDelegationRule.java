package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.Blocker;
import org.kcdauditor.audit.PairStatus;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.AnyAccount;
import org.kcdauditor.model.AttributeChange;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.Spn;
import org.kcdauditor.remedy.Action;

import java.util.List;

/** MISSING_DELEGATION: host A lacks {@code <service>/<form of B>} for a peer (or file server) B. */
public final class MissingDelegationRule implements Rule {
    private static final String DELEGATE_TO = "msDS-AllowedToDelegateTo";
    static final RuleInfo INFO = new RuleInfo(Blocker.MISSING_DELEGATION, Severity.HIGH, Category.DELEGATION,
            "A host cannot delegate to a peer's migration or SMB service",
            "host A lacks `<service>/<form of B>` for a peer (or file server) B — one finding per missing SPN,"
                    + " with `host`=A, `peer`=B, `spn`",
            "Without this entry in the source host's msDS-AllowedToDelegateTo, the KDC refuses the S4U2proxy"
                    + " ticket and live migration (or storage migration over SMB) to the peer fails at 80-90 %"
                    + " with event 21502/22038 once Kerberos hardening or Credential Guard is in place.",
            "MS-ADA2 2.219 msDS-AllowedToDelegateTo; Microsoft Learn: Set up hosts for live migration"
                    + " without Failover Clustering");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        for (PairStatus p : ctx.pairs()) {
            if (p.missing().isEmpty()) {
                // nothing missing (nearly every pair); across domains none is, no entry helps: CROSS_DOMAIN_NEEDS_RBCD
                continue;
            }
            String source = p.source().name();
            String target = p.target().name();
            // a grant to every account that the audit does not count for this source (This Organization, BUILTIN\Users,
            // a Domain Users or Domain Computers the directory does not list it in): said here, with why (Everyone and
            // Authenticated Users allow every source the descriptor does not refuse)
            List<String> grants = ctx.snapshot().rbcdRefuses(p.target(), p.source()) ? List.of()
                    : AnyAccount.of(p.target().rbcdSids()).stream()
                    .filter(sid -> AnyAccount.notCounted(sid, source) != null).toList();
            String notCounted = grants.isEmpty() ? "" : ". " + target + "'s resource-based delegation allows "
                    + String.join(" and ", grants.stream().map(AnyAccount::shown).toList()) + ", which kcd-audit does"
                    + " not count as allowing " + source + ": " + String.join("; ", grants.stream()
                    .map(sid -> AnyAccount.notCounted(sid, source)).toList()) + ", so as far as kcd-audit can tell ";
            AttributeChange unread = unreadable(ctx, p.source());
            for (String spn : p.missing()) {
                Spn parsed = Spn.parse(spn);
                String smb = ctx.smbReason(p, spn);
                Action add = new Action.AddDelegation(source, target, List.of(spn));
                out.add(INFO).cluster(p.cluster()).host(source).peer(target).spn(spn)
                        .evidence(Evidence.builder().service(parsed.service())
                                .nameForm(parsed.host().equalsIgnoreCase(target) ? "netbios" : "fqdn").spn(spn)
                                .attribute(DELEGATE_TO).expected(List.of(spn))
                                .fileServer(p.fileServer() ? Boolean.TRUE : null)
                                .anyAccountSids(grants.isEmpty() ? null : grants)
                                .lastChange(unread).mayBeUnreadable(unread == null ? null : Boolean.TRUE).build())
                        .message((unread == null ? "" : "As far as the bind account can read, ")
                                + source + " is not allowed to delegate to " + spn + (notCounted.isEmpty() ? ", so "
                                : notCounted)
                                + (p.fileServer() ? "VM storage on file server " + target + " cannot be reached"
                                : "live migration " + source + " -> " + target + " fails") + "."
                                + (unread == null ? "" : " " + unread.describeWithAttribute() + ", but the bind account"
                                + " read no value of it: either every entry was removed then, or the entries are hidden"
                                + " from the bind account (a deny-read ACE, which the domain controller answers by"
                                + " leaving the attribute out) and may still be there.")
                                + (p.target().isDomainController() ? " " + target + " is a domain controller: the entry"
                                + " would let whoever controls " + source + " act as any user towards it." : "")
                                + (notCounted.isEmpty() ? "" : " RBCD_ALLOWS_ANY_ACCOUNT says why the grant is a hole,"
                                + " and proposes the list naming " + source + " in place of it, which would make this"
                                + " entry unnecessary.")
                                + (smb == null ? "" : " " + smb + ": its VMMS sends the memory of a live migration to "
                                + target + "'s SMB server with delegated credentials, so " + spn + " is required although"
                                + " policy.services leaves cifs out."))
                        // delegation to a DC is what DELEGATION_TO_SENSITIVE_TARGET reports: never planned
                        .action(p.target().isDomainController() ? new Action.Manual(
                                DelegationToSensitiveTargetRule.offDomainController(target) + " instead of delegating"
                                + " to it.")
                                // entries that may be there are not added by the script: a look comes first
                                : unread != null ? new Action.Manual("Before adding entries, look at " + source + "'s "
                                + DELEGATE_TO + " as a Domain Admin on a writable domain controller: if they are there,"
                                + " give the bind account read access to it (docs/install.md, \"The service"
                                + " account\"); if they were removed, add them back.", List.of(add))
                                : add)
                        .emit();
            }
        }
    }

    /**
     * The last write of {@code source}'s msDS-AllowedToDelegateTo when the bind account read no value of it although
     * the replication metadata records writes of it (version 1 or more); null otherwise. Deleting every value leaves
     * that metadata too, so this is ambiguous: the entries may be hidden from the bind account (a deny-read ACE, which
     * AD and Samba answer by leaving the attribute out) or were all removed at that write.
     */
    private static AttributeChange unreadable(AuditContext ctx, AdObject source) {
        if (!source.delegateTo().isEmpty()) {
            return null;
        }
        AttributeChange last = ctx.lastChange(source, DELEGATE_TO);
        return last != null && last.version() >= 1 ? last : null;
    }
}
