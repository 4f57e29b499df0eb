package org.kcdauditor.baseline;

import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Spn;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code waivers[i]} in the baseline: a documented exception (Chef InSpec style). It suppresses the
 * findings of {@code rule} on {@code host} (and, when given, {@code peer} and {@code spn}) until the
 * end of {@code expires} (UTC); after that the findings count again and WAIVER_EXPIRED says so. Its audit trail,
 * optional so that every earlier baseline loads: who granted it ({@code approvedBy}), on which day ({@code approvedOn})
 * and under which ticket ({@code ticket}); null where the file does not say.
 */
public record Waiver(String rule, String host, String peer, String spn, String justification, LocalDate expires,
                     String approvedBy, LocalDate approvedOn, String ticket) {

    /** A waiver without an audit trail (no approver, approval day or ticket recorded). */
    public Waiver(String rule, String host, String peer, String spn, String justification, LocalDate expires) {
        this(rule, host, peer, spn, justification, expires, null, null, null);
    }

    /** Active on the day of {@code now} (UTC), {@code expires} included. */
    public boolean activeAt(Instant now) {
        return !LocalDate.ofInstant(now, ZoneOffset.UTC).isAfter(expires);
    }

    /**
     * The waiver that waives {@code f} at {@code now}: the first in the baseline's order that is active and matches it,
     * or null. A later one that matches too (a duplicate, a broader one) waives nothing of it.
     */
    public static Waiver applying(List<Waiver> waivers, Finding f, Instant now) {
        for (Waiver w : waivers) {
            if (w.activeAt(now) && w.matches(f)) {
                return w;
            }
        }
        return null;
    }

    /**
     * The drift rules whose finding on one delegation entry states again what a finding of another rule on that entry
     * of the same host says: an entry the baseline lists is gone (BASELINE_ENTRY_REMOVED) where MISSING_DELEGATION
     * finds it missing; an entry the baseline does not list is there (BASELINE_ENTRY_ADDED) where STALE_DELEGATION
     * finds it stale. A waiver of the second waives the first (see {@link #applying(List, List, Instant)}).
     */
    private static final Map<String, String> TWIN_OF = Map.of("BASELINE_ENTRY_REMOVED", "MISSING_DELEGATION",
            "BASELINE_ENTRY_ADDED", "STALE_DELEGATION");

    /**
     * The waiver that waives each of {@code findings} at {@code now}, in their order (null: none). A finding's own
     * waiver is {@link #applying(List, Finding, Instant)}'s. A drift finding of a delegation entry without one
     * (BASELINE_ENTRY_REMOVED / _ADDED) takes the waiver of its twin, the finding on the same entry of the same host
     * that a waiver accepts (MISSING_DELEGATION / STALE_DELEGATION): the waiver accepts that entry missing or present,
     * so the entry's drift from the baseline is the same accepted fact, not another HIGH finding whose remedy (add it
     * back, remove it) would undo what the waiver approved. Its twin's waiver ends with it, and both count again.
     */
    public static List<Waiver> applying(List<Waiver> waivers, List<Finding> findings, Instant now) {
        List<Waiver> out = new ArrayList<>(findings.size());
        Map<String, Waiver> twins = new HashMap<>();
        for (Finding f : findings) {
            Waiver w = waivers.isEmpty() ? null : applying(waivers, f, now);
            out.add(w);
            if (w != null && f.spn() != null && TWIN_OF.containsValue(f.rule())) {
                twins.putIfAbsent(entryKey(f.rule(), f), w);
            }
        }
        if (!twins.isEmpty()) {
            for (int i = 0; i < findings.size(); i++) {
                Finding f = findings.get(i);
                String twin = TWIN_OF.get(f.rule());
                if (out.get(i) == null && twin != null && f.spn() != null) {
                    out.set(i, twins.get(entryKey(twin, f)));
                }
            }
        }
        return out;
    }

    /** Rule, host and entry of {@code f}, as waivers compare them (the entry as the KDC matches a delegation entry). */
    private static String entryKey(String rule, Finding f) {
        return rule + "|" + nameKey(nz(f.host())) + "|" + Spn.keyOf(f.spn());
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
