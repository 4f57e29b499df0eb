package org.kcdauditor.config;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.RDN;
import org.kcdauditor.model.DnsNames;
import org.kcdauditor.remedy.Values;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Why a configured node or file server ({@code clusters[].nodes}, {@code clusters[].fileServers}) names no computer by
 * its name: the audit matches it against sAMAccountName, cn and dNSHostName, so a down-level logon name
 * ({@code CONTOSO\HV02}), a DN, an IP address or a name holding white space or a character no computer name or DNS
 * name holds found no object, and the run reported HOST_NOT_FOUND, "no computer object with that name exists", for one
 * that exists. So is a user principal name ({@code HV02@contoso.com}), and a name holding a character Windows refuses
 * in a computer name, or of digits only (Microsoft, "Naming conventions in Active Directory for computers, domains,
 * sites, and OUs"; Windows refuses them when a computer is named or renamed): NetBIOS allows some of them, so the
 * name was looked up as written, but no computer has it. The forms README documents ({@code HV02}, {@code HV02$},
 * {@code hv02.contoso.com}, its trailing dot) and any other name of characters a computer name may hold pass.
 */
final class HostNameForms {
    /**
     * Characters no computer name holds: those no sAMAccountName holds ({@code " / \ [ ] : ; | = , + * ? < >}) and
     * those Windows refuses in a computer name besides ({@code ` ~ ! # % ^ & ( ) { } '}); {@code @} (a UPN) and
     * {@code $} (which ends a sAMAccountName, {@code HV02$}, and nothing else) have their own messages.
     */
    private static final String NEVER_IN_A_NAME = "\"/\\[]:;|=,+*?<>`~!#%^&(){}'";
    /** A computer name of digits alone, with or without the sAMAccountName's {@code $} (not an FQDN's first label). */
    private static final Pattern ONLY_DIGITS = Pattern.compile("\\d+\\$?");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    /** Two colons or more, hex digits and dots (an embedded IPv4), and a zone ({@code %eth0}). */
    private static final Pattern IPV6 = Pattern.compile("(?=.*:.*:)[0-9A-Fa-f:.]+(%[\\w.-]+)?");
    private static final String ANY = "give the computer's NetBIOS name (its sAMAccountName without $) or FQDN (its"
            + " dNSHostName)";

    private HostNameForms() {
    }

    /**
     * Why {@code name} is no host name, and the name to give, or null for a name the audit can look up. The value is
     * shown as {@link Values#visibleAccount} shows it: a control, bidirectional or invisible character as its code.
     */
    static String problem(String name) {
        String shown = "'" + Values.visibleAccount(name) + "'";
        if (name.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c))) {
            return shown + " is not a host name (it holds white space): " + ANY;
        }
        for (int i = 0; i < name.length(); i++) {
            String c = name.substring(i, i + 1);
            if (!Values.shownAsStored(c)) {
                return shown + " is not a host name (it holds the character " + Values.visible(c) + "): " + ANY;
            }
        }
        if (IPV4.matcher(name).matches() || IPV6.matcher(name).matches()) {
            return shown + " is an IP address, not a host name: " + ANY;
        }
        int backslash = name.lastIndexOf('\\');
        if (backslash >= 0) {
            return shown + " is not a host name: " + suggest(name.substring(backslash + 1));
        }
        if (name.indexOf('=') >= 0 && DN.isValidDN(name, true)) {
            return shown + " is a distinguished name, not a host name: " + fromDn(name);
        }
        int at = name.indexOf('@');
        if (at >= 0) {
            // HV02@contoso.com, HV02$@CONTOSO.COM: the computer's name is before the '@'
            return shown + " looks like a user principal name (UPN), not a host name: " + suggest(name.substring(0, at));
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '$' && i == name.length() - 1) {
                continue; // HV02$, the sAMAccountName
            }
            if (c == '$') {
                return shown + " is not a host name (it holds '$' other than at its end): " + ANY;
            }
            if (NEVER_IN_A_NAME.indexOf(c) >= 0) {
                // hv02.contoso.com:5985: the host before the port
                String host = c == ':' ? name.substring(0, i) : null;
                return shown + " is not a host name (it holds '" + c + "'): " + (host == null ? ANY
                        : suggest(host));
            }
        }
        if (ONLY_DIGITS.matcher(name).matches()) {
            return shown + " is not a host name (a computer name is never only digits): " + ANY;
        }
        return null;
    }

    /**
     * The NetBIOS name and the FQDN to give for {@code host}, when it is a host name. An FQDN only where {@code host}
     * holds one: one built from the domain's name ({@code CONTOSO\HV04}: hv04.contoso.com) names no computer in a
     * disjoint namespace, where the dNSHostName is hv04.corp.contoso.com.
     */
    private static String suggest(String host) {
        String h = DnsNames.withoutTrailingDots(host.endsWith("$") ? host.substring(0, host.length() - 1) : host);
        if (!Values.validHostName(h)) {
            return ANY;
        }
        int dot = h.indexOf('.');
        String netbios = dot < 0 ? h : h.substring(0, dot);
        String fqdn = dot >= 0 ? h.toLowerCase(Locale.ROOT) : null;
        return "give the NetBIOS name (" + netbios + ") or the FQDN (" + (fqdn == null ? "its dNSHostName" : fqdn) + ")";
    }

    /** For a computer's DN: its cn. */
    private static String fromDn(String dn) {
        try {
            RDN[] rdns = new DN(dn).getRDNs();
            if (rdns.length == 0 || rdns[0].isMultiValued() || !rdns[0].getAttributeNames()[0].equalsIgnoreCase("cn")) {
                return ANY;
            }
            return suggest(rdns[0].getAttributeValues()[0]);
        } catch (LDAPException e) {
            return ANY;
        }
    }
}
