package org.kcdauditor.model;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** The name meant by a misspelt one, for a "did you mean": a config key, a rule id. */
public final class Spelling {
    /** At most this many edits apart (insertions, deletions, substitutions), case aside. */
    public static final int MAX_EDITS = 2;

    private Spelling() {
    }

    /** The candidate closest to {@code typed} and at most {@link #MAX_EDITS} edits from it, case-insensitively. */
    public static Optional<String> closest(String typed, Collection<String> candidates) {
        String wanted = typed.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = MAX_EDITS + 1;
        for (String c : candidates) {
            int d = editDistance(wanted, c.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Levenshtein distance: insertions, deletions and substitutions. */
    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }
}
