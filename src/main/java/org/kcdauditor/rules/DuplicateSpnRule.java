package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.Spn;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

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
                String key = Spn.keyOf(spn);
                if (owners.size() < 2 || !reported.add(key)) {
                    continue;
                }
                List<AdObject> others = owners.stream().filter(o -> o != node).toList();
                List<String> commands = new ArrayList<>();
                for (AdObject o : others) {
                    // setspn -D needs the value exactly as that account stores it (case, trailing dot, third part).
                    for (String stored : o.spns()) {
                        if (Spn.keyOf(stored).equals(key)) {
                            commands.add(removal(o, stored));
                        }
                    }
                }
                out.add(INFO, ctx.clusterOf(node).name(), node.name(), null, spn,
                        spn + " is registered on " + node.name() + " and also on " + others.stream()
                                .map(o -> o.name() + " (" + o.dn() + ")").collect(Collectors.joining(", ")) + ".",
                        "Remove it from the account that does not run the service; from "
                                + String.join("; from ", commands) + "; then check with setspn -X.");
            }
        }
    }

    /** {@code svc-vmm: setspn -D "HTTP/x" svc-vmm}, or how to remove it by hand when setspn cannot take the values. */
    private static String removal(AdObject owner, String stored) {
        String account = owner.samAccountName() != null ? owner.samAccountName() : owner.name();
        String spnArg = setspnArgument(stored);
        String accountArg = setspnArgument(account);
        if (spnArg == null || accountArg == null) {
            return owner.name() + ": in ADUC (Attribute Editor, servicePrincipalName) remove the value '" + stored
                    + "' (setspn cannot take it as typed)";
        }
        return owner.name() + ": setspn -D " + spnArg + " " + accountArg;
    }

    private static final Pattern PLAIN_ACCOUNT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*\\$?");

    /**
     * {@code value} as one argument of setspn typed into cmd.exe or PowerShell alike: bare when it is
     * a plain account name ({@code svc-vmm}, {@code HV01$}), else in double quotes. Null when a shell
     * would change it inside double quotes ({@code "}, PowerShell's {@code $} except at the end and
     * backtick, cmd's {@code %} and {@code !}, typographic double quotes, control characters) or
     * setspn would read it as a switch (leading {@code -} or {@code /}).
     */
    static String setspnArgument(String value) {
        if (value == null || value.isEmpty() || value.charAt(0) == '-' || value.charAt(0) == '/') {
            return null;
        }
        if (PLAIN_ACCOUNT.matcher(value).matches()) {
            return value;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '`' || c == '%' || c == '!' || c == '$' && i < value.length() - 1
                    || c >= '\u201C' && c <= '\u201E' || Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                return null;
            }
        }
        return "\"" + value + "\"";
    }
}
