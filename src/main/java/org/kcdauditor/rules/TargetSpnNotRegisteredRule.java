package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.PairStatus;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.Spn;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * TARGET_SPN_NOT_REGISTERED: an SPN that sources must delegate to is not registered on the target.
 * {@code cifs/X} is served by {@code HOST/X} through AD's default sPNMappings, so HOST satisfies it.
 */
public final class TargetSpnNotRegisteredRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("TARGET_SPN_NOT_REGISTERED", Severity.HIGH, "spn",
            "A required target SPN is not registered on the peer",
            "A delegation entry naming an SPN that the peer's account does not register does nothing: the KDC"
                    + " cannot find the service account, so the migration still fails. The Virtual Machine"
                    + " Management Service registers its SPNs when Hyper-V is installed; a renamed or re-joined"
                    + " host may lack them.",
            "MS-KILE 3.3.5.1.1 (SPN lookup); sPNMappings in CN=Directory Service,CN=Windows NT,CN=Services");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        Set<String> reported = new HashSet<>();
        for (PairStatus p : ctx.pairs()) {
            AdObject target = p.target();
            for (String spn : p.unregistered()) {
                if (!reported.add(target.dn() + "|" + Spn.keyOf(spn))) {
                    continue;
                }
                List<AdObject> elsewhere = ctx.spnOwners(spn);
                String where = elsewhere.isEmpty() ? "no object registers it"
                        : "it is registered on " + String.join(", ", elsewhere.stream().map(AdObject::name).toList())
                        + " instead";
                out.add(INFO, p.cluster(), target.name(), null, spn,
                        spn + " is not registered on " + target.name() + " (" + where + "), so delegation to it"
                                + " cannot work.",
                        "Register it on the host's account: setspn -S " + spn + " " + target.name()
                                + " (on a Hyper-V host, restarting vmms re-registers its SPNs).");
            }
        }
    }
}
