package org.kcdauditor.rules;

import org.kcdauditor.model.Spn;

/** Small helpers shared by rules. */
final class Rules {
    private Rules() {
    }

    /** The host part of an SPN as written (for the finding's peer), or null. */
    static String hostOf(String spn) {
        Spn s = Spn.parse(spn);
        if (s == null) {
            return null;
        }
        String h = s.host();
        int colon = h.indexOf(':');
        h = colon >= 0 ? h.substring(0, colon) : h;
        int dot = h.indexOf('.');
        return (dot > 0 ? h.substring(0, dot) : h).toUpperCase(java.util.Locale.ROOT);
    }
}
