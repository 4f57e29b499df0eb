package org.kcdauditor.model;

import java.util.Locale;

/**
 * A service principal name {@code service/host[:port][/name]} as AD stores it in
 * {@code servicePrincipalName} and {@code msDS-AllowedToDelegateTo}.
 *
 * <p>Matching follows the KDC: case-insensitive ({@link #fold}), a trailing dot on the host ignored, the optional
 * third part ({@code cifs/host.fqdn/DOMAIN}) ignored. {@link #key()} is that normal form.
 */
public record Spn(String service, String host, String raw) {

    /** Parses a value; returns null when it has no {@code service/host} shape. */
    public static Spn parse(String raw) {
        if (raw == null) {
            return null;
        }
        int slash = raw.indexOf('/');
        if (slash <= 0 || slash == raw.length() - 1) {
            return null;
        }
        String service = raw.substring(0, slash);
        String rest = raw.substring(slash + 1);
        int second = rest.indexOf('/');
        String host = second >= 0 ? rest.substring(0, second) : rest;
        if (host.isEmpty()) {
            return null;
        }
        return new Spn(service, host, raw);
    }

    /** The normal form used for every comparison. */
    public String key() {
        return key(service, host);
    }

    /** Host part without port and trailing dot, lower case: the name the SPN points at. */
    public String hostName() {
        String h = host;
        int colon = h.indexOf(':');
        if (colon >= 0) {
            h = h.substring(0, colon);
        }
        return stripDot(h).toLowerCase(Locale.ROOT);
    }

    public static String key(String service, String host) {
        return fold(service + "/" + stripDot(host));
    }

    /**
     * Case folded as the KDC compares SPNs: it upper-cases each character (a simple one-to-one mapping), so two values
     * match when their upper cases do. ASCII letters come out lower case, as before; a character whose upper case is
     * not ASCII comes out as that upper case. Java's lower case would fold more: KELVIN SIGN (U+212A) to an ASCII k,
     * which the KDC keeps apart from K, so a look-alike entry would have matched the host's name.
     */
    public static String fold(String s) {
        int i = 0;
        while (i < s.length() && s.charAt(i) < 0x80) {
            i++;
        }
        if (i == s.length()) {
            return s.toLowerCase(Locale.ROOT);
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int k = 0; k < s.length(); k++) {
            char u = Character.toUpperCase(s.charAt(k));
            out.append(u < 0x80 ? Character.toLowerCase(u) : u);
        }
        return out.toString();
    }

    /**
     * Normal form of a raw value, or the lower-cased value itself when it is not SPN-shaped. One
     * pass and usually one allocation: this runs for every SPN in the directory.
     */
    public static String keyOf(String raw) {
        int slash = raw.indexOf('/');
        int second = slash < 0 ? -1 : raw.indexOf('/', slash + 1);
        int end = second >= 0 ? second : raw.length();
        if (slash <= 0 || end == slash + 1) {
            return fold(raw);
        }
        int colon = raw.indexOf(':', slash + 1);
        int nameEnd = colon >= 0 && colon < end ? colon : end;
        int trimmed = nameEnd;
        // the host's trailing dots, as DnsNames.withoutTrailingDots takes them, counted in place (no copy of the host)
        while (trimmed > slash + 1 && raw.charAt(trimmed - 1) == '.') {
            trimmed--;
        }
        String s = trimmed == nameEnd ? raw.substring(0, end) : raw.substring(0, trimmed) + raw.substring(nameEnd, end);
        return fold(s);
    }

    /**
     * The whole SPN in normal form, as the KDC and {@code setspn -X} compare two registrations: {@link #keyOf} with
     * the third part kept ({@code HOST/hv01.contoso.com/contoso.com} is another SPN than {@code HOST/hv01.contoso.com}).
     * Ignoring the third part is for matching delegation entries only.
     */
    public static String wholeKeyOf(String raw) {
        return wholeKeyOf(raw, keyOf(raw));
    }

    /** {@link #wholeKeyOf} of {@code raw} whose {@link #keyOf} is {@code key}, already computed. */
    public static String wholeKeyOf(String raw, String key) {
        int slash = raw.indexOf('/');
        int second = slash < 0 ? -1 : raw.indexOf('/', slash + 1);
        return second > slash + 1 ? key + fold(raw.substring(second)) : key;
    }

    /**
     * The {@code HOST/X} through which AD's default sPNMappings serve a {@code cifs/X} that no account registers
     * itself, for a key in normal form ({@link #keyOf}); null for any other service.
     */
    public static String hostAlias(String key) {
        return key.startsWith("cifs/") ? "host/" + key.substring(5) : null;
    }

    /**
     * {@code keyOf(raw).hashCode()}, computed without building the normal form (for ASCII values;
     * others take the exact path).
     */
    public static int keyHash(String raw) {
        // one pass: the index of SPN owners asks this of every SPN in the directory
        int slash = raw.indexOf('/');
        int n = raw.length();
        if (slash <= 0 || slash + 1 == n || raw.charAt(slash + 1) == '/') {
            return keyOf(raw).hashCode(); // no service/host shape: its lower case
        }
        int h = 0;
        for (int i = 0; i < slash; i++) {
            char c = raw.charAt(i);
            if (c >= 0x80) {
                return keyOf(raw).hashCode();
            }
            h = 31 * h + (c >= 'A' && c <= 'Z' ? c + 32 : c);
        }
        h = 31 * h + '/';
        int i = slash + 1;
        int dots = 0; // dots not hashed yet: dropped if they end the host name
        for (; i < n; i++) {
            char c = raw.charAt(i);
            if (c == ':' || c == '/') {
                break;
            }
            if (c >= 0x80) {
                return keyOf(raw).hashCode();
            }
            if (c == '.') {
                dots++;
                continue;
            }
            for (; dots > 0; dots--) {
                h = 31 * h + '.';
            }
            h = 31 * h + (c >= 'A' && c <= 'Z' ? c + 32 : c);
        }
        // the port, up to the third part (which the normal form leaves out)
        for (; i < n && raw.charAt(i) != '/'; i++) {
            char c = raw.charAt(i);
            if (c >= 0x80) {
                return keyOf(raw).hashCode();
            }
            h = 31 * h + (c >= 'A' && c <= 'Z' ? c + 32 : c);
        }
        return h;
    }

    /** {@code host[:port]} without the trailing dots of the host name. */
    private static String stripDot(String h) {
        int colon = h.indexOf(':');
        return colon >= 0 ? DnsNames.withoutTrailingDots(h.substring(0, colon)) + h.substring(colon)
                : DnsNames.withoutTrailingDots(h);
    }
}
