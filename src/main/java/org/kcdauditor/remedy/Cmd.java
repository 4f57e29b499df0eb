package org.kcdauditor.remedy;

import java.util.regex.Pattern;

/**
 * Arguments of native programs (repadmin, the cluster commands) as an administrator types them into cmd.exe or a
 * PowerShell prompt: the one quoting path for every such command the reports show.
 */
public final class Cmd {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*\\$?");

    private Cmd() {
    }

    /**
     * {@code value} as one argument: bare when it is a plain name ({@code svc-vmm}, {@code HV01$},
     * {@code dc1.contoso.com}), else in double quotes ({@code "Microsoft Virtual System Migration
     * Service/HV02"}). Null when no quoting keeps it one literal argument in both shells: it is not
     * {@linkplain Values#typeable typeable}, holds {@code %} or {@code !} (cmd expands them inside quotes),
     * {@code $} other than at the end (PowerShell expands it inside double quotes), ends with a backslash that
     * would stand before the closing quote ({@code "HV C\"}: a program's argument parser reads {@code \"} as a
     * quote and runs the argument on into the next), or starts with {@code -} or {@code /} (read as a switch).
     */
    public static String arg(String value) {
        if (!Values.typeable(value) || value.charAt(0) == '-' || value.charAt(0) == '/') {
            return null;
        }
        if (PLAIN.matcher(value).matches()) {
            return value;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%' || c == '!' || c == '$' && i < value.length() - 1) {
                return null;
            }
        }
        return value.endsWith("\\") ? null : "\"" + value + "\"";
    }
}
