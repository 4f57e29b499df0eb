package org.kcdauditor.baseline;

import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Spn;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * {@code waivers[i]} in the baseline: a documented exception (Chef InSpec style). It suppresses the
 * findings of {@code rule} on {@code host} (and, when given, {@code peer} and {@code spn}) until the
 * end of {@code expires} (UTC); after that the findings count again and WAIVER_EXPIRED says so.
 */
public record Waiver(String rule, String host, String peer, String spn, String justification, LocalDate expires) {

    /** Active on the day of {@code now} (UTC), {@code expires} included. */
    public boolean activeAt(Instant now) {
        return !LocalDate.ofInstant(now, ZoneOffset.UTC).isAfter(expires);
    }

    /**
     * The waiver that waives {@code f} at {@code now}: the first in the baseline's order that is active and matches it,
     * or null. A later one that matches too (a duplicate, a broader one) waives nothing of it.
     */
    public static Waiver applying(java.util.List<Waiver> waivers, Finding f, Instant now) {
        for (Waiver w : waivers) {
            if (w.activeAt(now) && w.matches(f)) {
                return w;
            }
        }
        return null;
    }

    public boolean matches(Finding f) {
        return rule.equals(f.rule()) && matches(f.host(), f.peer(), f.spn());
    }

    /** {@link #matches(Finding)} for a finding of this waiver's rule, given by its host, peer and SPN. */
    public boolean matches(String findingHost, String findingPeer, String findingSpn) {
        return matchesPlace(findingHost, findingPeer)
                && (spn == null || (findingSpn != null && Spn.keyOf(spn).equals(Spn.keyOf(findingSpn))));
    }

    /** {@link #matches} but for the SPN: the finding is of this waiver's rule, on its host (and peer, when it names one). */
    public boolean matchesPlace(Finding f) {
        return rule.equals(f.rule()) && matchesPlace(f.host(), f.peer());
    }

    private boolean matchesPlace(String findingHost, String findingPeer) {
        return nameKey(host).equals(nameKey(nz(findingHost)))
                && (peer == null || nameKey(peer).equals(nameKey(nz(findingPeer))));
    }

    /**
     * How a waiver's host or peer is compared with a finding's: in any case, as the KDC and AD compare names ({@link
     * Spn#fold}: Java's lower case would fold a look-alike such as KELVIN SIGN to an ASCII k, so that a waiver for
     * another object waived this one's findings), and a computer's account name {@code HV01$} as {@code HV01} (nodes
     * may be configured either way; findings name them without the {@code $}).
     */
    public static String nameKey(String name) {
        String n = Spn.fold(name);
        return n.length() > 1 && n.endsWith("$") ? n.substring(0, n.length() - 1) : n;
    }

    public Finding.Waiver asFindingWaiver() {
        return new Finding.Waiver(justification, expires);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
