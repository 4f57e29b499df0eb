package org.kcdauditor.model;

import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Findings counted per severity: {@code open} (no waiver suppresses them: these count) and {@code waived}.
 * findings.json's {@code bySeverity} and every report take their numbers from here.
 */
public record Counts(Map<Severity, Integer> open, Map<Severity, Integer> waived) {

    public Counts {
        open = filled(open);
        waived = filled(waived);
    }

    public static Counts of(Collection<Finding> findings) {
        Map<Severity, Integer> open = new EnumMap<>(Severity.class);
        Map<Severity, Integer> waived = new EnumMap<>(Severity.class);
        for (Finding f : findings) {
            if (f != null && f.severity() != null) {
                (f.isWaived() ? waived : open).merge(f.severity(), 1, Integer::sum);
            }
        }
        return new Counts(open, waived);
    }

    public int open(Severity s) {
        return open.get(s);
    }

    public int waived(Severity s) {
        return waived.get(s);
    }

    public int openTotal() {
        return open.values().stream().mapToInt(Integer::intValue).sum();
    }

    public int waivedTotal() {
        return waived.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Open findings above INFO. */
    public int openAboveInfo() {
        return open(Severity.HIGH) + open(Severity.MEDIUM) + open(Severity.LOW);
    }

    /** {@code {"HIGH": n, "MEDIUM": n, "LOW": n, "INFO": n}} of the open findings: findings.json's bySeverity. */
    public Map<String, Integer> bySeverity() {
        Map<String, Integer> out = new LinkedHashMap<>();
        open.forEach((s, n) -> out.put(s.name(), n));
        return out;
    }

    private static Map<Severity, Integer> filled(Map<Severity, Integer> m) {
        Map<Severity, Integer> out = new EnumMap<>(Severity.class);
        for (Severity s : Severity.values()) {
            out.put(s, m == null ? 0 : m.getOrDefault(s, 0));
        }
        return java.util.Collections.unmodifiableMap(out);
    }
}
