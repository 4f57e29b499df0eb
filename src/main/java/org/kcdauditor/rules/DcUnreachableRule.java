package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.model.DcRead;
import org.kcdauditor.model.DirectoryPart;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;

/**
 * DC_UNREACHABLE: {@code preflight --all-dcs} could not read one of the domain's controllers (no connection, TLS,
 * bind refused), or could not search it for other holders of the nodes' SPNs ({@link DcRead#holdersError}). Whether it
 * has the delegation change, or a duplicate of a node's SPN, is unknown; the preflight says how many DCs agreed, and
 * the clusters whose pairs it serves are NO-GO ({@code GoVerdict#DC_NOT_READ}).
 */
public final class DcUnreachableRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("DC_UNREACHABLE", Severity.MEDIUM, Category.REPLICATION,
            "A domain controller could not be read",
            "`preflight --all-dcs`: a domain controller of the domain could not be connected to or read — one"
                    + " finding per DC; whether it has replicated the change is unknown, so the clusters whose pairs"
                    + " its KDC serves — those of its domain, and those migrating with them across domains"
                    + " (`policy.migrationGroups`) — are NO-GO (verdict reason `DC_NOT_READ`, exit 3) until it answers"
                    + " or is taken out of `domainControllers`; also a DC that was read but"
                    + " refused (or cut short: a size or time limit) the search for other holders of the nodes' SPNs,"
                    + " whose duplicates are then unknown (before, that search was dropped as if it had found none),"
                    + " with the same NO-GO; a DC of a domain none of a cluster's pairs reaches does not hold it",
            "Hosts whose site uses that DC get their tickets from it. If it cannot be read, the preflight cannot"
                    + " show that it has the delegation change; a DC that is really down also stops replication"
                    + " through it.",
            "Microsoft Learn: repadmin /showrepl; dcdiag");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        for (DirectoryPart part : ctx.snapshot().directories()) {
            for (DcRead dc : part.domainControllers()) {
                if (dc.reachable() && dc.holdersError() == null) {
                    continue;
                }
                String named = "Domain controller " + dc.name() + (dc.url() == null || dc.url().equals(dc.name())
                        ? "" : " (" + dc.url() + ")");
                out.add(INFO).idSpn(dc.name())
                        .evidence(Evidence.builder().dc(dc.name()).auditedDc(part.dc()).build())
                        .message(dc.reachable()
                                ? named + " was read, but " + dc.holdersError() + ". Whether another object registers"
                                + " a node's SPN there, so that its KDC refuses the tickets for it, is unknown."
                                : named + " could not be read: " + dc.error()
                                + ". Whether it holds the delegation change is unknown.")
                        .action(new Action.Manual(dc.reachable()
                                ? "Look for other holders of the nodes' SPNs on " + dc.name() + " as a Domain Admin"
                                + " (Get-ADObject -Server <that DC> -LDAPFilter '(servicePrincipalName=<spn>)' for each"
                                + " SPN), or find why it refused the bind account's search (its LDAP policy, a time"
                                + " limit, the account's read access); then run the preflight with --all-dcs again."
                                : "Check that " + dc.name() + " is up and reachable from here (port 636"
                                + " or 389), or, when it is decommissioned, remove it from"
                                + " the domain (metadata cleanup) or from domainControllers in the configuration; then"
                                + " run the preflight with --all-dcs again."))
                        .emit();
            }
        }
    }
}
