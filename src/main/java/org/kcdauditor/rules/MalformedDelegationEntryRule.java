package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.config.PolicyConfig;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.Spn;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.remedy.Values;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * MALFORMED_DELEGATION_ENTRY: a value of a node's msDS-AllowedToDelegateTo that is no SPN. AD stores the attribute as
 * plain Unicode strings and checks nothing on write, so a script or a hand edit in ADSI Edit can leave such a value;
 * the KDC compares the SPN a ticket is asked for with each value, so it never matches one of these: it grants
 * nothing, and the plan removes exactly it. White space around or inside a value that otherwise names a host is
 * STALE_DELEGATION's (a look-alike of a peer's entry, or a host that does not exist), as is a numeric port.
 */
public final class MalformedDelegationEntryRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("MALFORMED_DELEGATION_ENTRY", Severity.LOW, Category.HYGIENE,
            "A delegation entry is no SPN",
            "a value of a node's `msDS-AllowedToDelegateTo` is no `service/host` SPN: no `/` (a `\\` typed for it), no"
                    + " service class, no host, a control character other than white space, or a host name with a port"
                    + " that is not a number from 1 to 65535 for the migration service, cifs or another policy service"
                    + " (another service's name there, `MSSQLSvc/host:instance`, is left alone); the remedy removes"
                    + " exactly that value",
            "The KDC grants S4U2proxy only to a service whose SPN equals an entry, so such a value grants nothing; it"
                    + " is left by a script or a hand edit (ADSI Edit, Set-ADObject), and where it was meant for a"
                    + " peer, the entry the pair needs is missing (MISSING_DELEGATION says so).",
            "MS-ADA2 2.219 msDS-AllowedToDelegateTo; Microsoft Learn: Name Formats for Unique SPNs"
                    + " (<service class>/<host>:<port>/<service name>); DsMakeSpnW (InstancePort)");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    /** The services whose entries the tool judges: the policy's, and always the migration service and cifs. */
    static Set<String> services(AuditContext ctx) {
        return Stream.concat(ctx.policy().services().stream(), PolicyConfig.DEFAULT_SERVICES.stream())
                .map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }

    /**
     * Why {@code entry} is no SPN, as the end of "which is not an SPN: …", or null when it is one.
     *
     * @param services {@link #services}: only these never carry a port, so only theirs is checked
     */
    static String malformed(String entry, Set<String> services) {
        for (int i = 0; i < entry.length(); i++) {
            char c = entry.charAt(i);
            if (Character.isISOControl(c) && !Character.isWhitespace(c)) {
                return String.format(Locale.ROOT, "it holds the control character U+%04X", (int) c);
            }
        }
        int slash = entry.indexOf('/');
        if (slash < 0) {
            return "it has no '/' between the service class and the host"
                    + (entry.indexOf('\\') >= 0 ? " (a '\\' stands where the '/' belongs)" : "");
        }
        if (slash == 0) {
            return "it has no service class before the '/'";
        }
        Spn spn = Spn.parse(entry);
        if (spn == null) {
            return "it names no host after the '/'";
        }
        // a host name and a port: what follows the colon of anything else (white space, quotes) is no port either, but
        // STALE_DELEGATION's look-alike or host that does not exist
        int colon = spn.host().indexOf(':');
        if (colon > 0 && Values.validHostName(spn.host().substring(0, colon))
                && services.contains(StaleDelegationRule.trimmed(spn.service()).toLowerCase(Locale.ROOT))) {
            String port = spn.host().substring(colon + 1);
            if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
                return "its port (" + Values.visibleSpn(port) + ") is not a number from 1 to 65535";
            }
        }
        return null;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        Set<String> services = services(ctx);
        for (AdObject node : ctx.nodes()) {
            for (String entry : ctx.unexpectedDelegations(node)) {
                String why = malformed(entry, services);
                if (why == null || DelegationToSensitiveTargetRule.sensitive(ctx, entry) != null) {
                    continue; // an entry naming krbtgt is DELEGATION_TO_SENSITIVE_TARGET's, which removes it too
                }
                out.add(INFO).cluster(ctx.clusterName(node)).host(node.name()).spn(entry)
                        .evidence(Evidence.builder().spn(entry).attribute("msDS-AllowedToDelegateTo")
                                .actual(List.of(entry)).build())
                        .message(node.name() + "'s msDS-AllowedToDelegateTo holds '" + Values.visibleSpn(entry)
                                + "', which is not an SPN: " + why + ". The KDC never matches it with the service a"
                                + " ticket is asked for,"
                                + " so it grants nothing; if it was meant for a peer, the entry the pair needs is"
                                + " reported apart (MISSING_DELEGATION).")
                        .action(new Action.RemoveDelegation(node.name(), null, List.of(entry))).emit();
            }
        }
    }
}
