package org.kcdauditor.model;

/** DNS host names as the directory, the config and SPNs write them. */
public final class DnsNames {
    private DnsNames() {
    }

    /**
     * {@code name} without the dots at its end: {@code dc1.contoso.com.} (the name made absolute with the root's dot)
     * is {@code dc1.contoso.com}, as its certificate, its Kerberos name and AD's dNSHostName spell it. Every trailing
     * dot goes ({@code hv01..} is {@code hv01}), and only those: case, spaces, a port or a {@code $} are the caller's
     * ({@code hv01.:389} and {@code hv01$.} keep theirs); a name of dots only is empty. Not null.
     */
    public static String withoutTrailingDots(String name) {
        int end = name.length();
        while (end > 0 && name.charAt(end - 1) == '.') {
            end--;
        }
        return end == name.length() ? name : name.substring(0, end);
    }
}
