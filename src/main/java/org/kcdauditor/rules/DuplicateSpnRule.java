package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.Spn;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** DUPLICATE_SPN: an SPN of a configured host is registered on more than one object (users included). */
public final class DuplicateSpnRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("DUPLICATE_SPN", Severity.HIGH, "spn",
            "An SPN of a host is registered on more than one object",
            "When two accounts register the same SPN the KDC cannot tell which key to use: tickets for that"
                    + " service fail (KRB_AP_ERR_MODIFIED) and delegation to it breaks. setspn -X lists these.",
            "Microsoft Learn: setspn -X; MS-KILE 3.3.5.1.1");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        Set<String> reported = new HashSet<>();
        for (AdObject node : ctx.nodes()) {
            for (String spn : node.spns()) {
                List<AdObject> owners = ctx.spnOwners(spn);
                if (owners.size() < 2 || !reported.add(Spn.keyOf(spn))) {
                    continue;
                }
                List<String> others = owners.stream().filter(o -> o != node).map(o -> o.name() + " (" + o.dn() + ")")
                        .toList();
                out.add(INFO, ctx.clusterOf(node).name(), node.name(), null, spn,
                        spn + " is registered on " + node.name() + " and also on " + String.join(", ", others) + ".",
                        "Remove it from the account that does not run the service: setspn -D " + spn + " <account>;"
                                + " check with setspn -X.");
            }
        }
    }
}
