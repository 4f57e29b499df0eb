package org.kcdauditor.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A host's changes since the previous run (a CHANGED_SINCE_LAST_RUN finding's, a timeline row's) as the PDF says them:
 * a node that lost its delegation has one change per entry, 252 for a node of a 64-node cluster, which read as pages of
 * "HV10: delegation entry removed: …" again and again. More than {@link #IN_FULL} changes of one kind are counted
 * ("HV10: 252 delegation entries removed (towards 63 hosts: HV01, HV02, HV03, …)"); every change stays in the
 * workbook's Timeline sheet and findings.json.
 */
public final class ChangesInWords {
    /** Up to this many changes of one kind are listed as they are. */
    public static final int IN_FULL = 4;
    /** The hosts named in a counted kind; the others are counted. */
    private static final int PEERS_NAMED = 3;
    /** "HV10: delegation entry removed: cifs/HV01": the host and kind, then the value. */
    private static final Pattern ITEM = Pattern.compile(
            "(.+?): ((?:delegation entry|SPN|resource-based delegation grant) (?:removed|added)): (.+)", Pattern.DOTALL);
    /** What Drift.describe appends to a change where the directory says when it was written. */
    private static final String WHEN = " — ";

    private ChangesInWords() {
    }

    /**
     * {@code changes} (one change each, as {@code evidence.changes} or a timeline row joined with "; " lists them) with
     * more than {@link #IN_FULL} of one host and kind counted, in the place of the first of them; the others as they are.
     */
    public static List<String> condensed(List<String> changes) {
        Map<String, List<String>> byKind = new LinkedHashMap<>();
        List<Object> order = new ArrayList<>();
        for (String c : changes) {
            Matcher m = c == null ? null : ITEM.matcher(c);
            if (m == null || !m.matches()) {
                order.add(c);
                continue;
            }
            String key = m.group(1) + ": " + m.group(2);
            if (!byKind.containsKey(key)) {
                order.add(new String[]{key, m.group(1), m.group(2)});
            }
            byKind.computeIfAbsent(key, k -> new ArrayList<>()).add(m.group(3));
        }
        List<String> out = new ArrayList<>();
        for (Object o : order) {
            if (o instanceof String[] k) {
                List<String> values = byKind.get(k[0]);
                if (values.size() <= IN_FULL) {
                    values.forEach(v -> out.add(k[0] + ": " + v));
                } else {
                    out.add(k[1] + ": " + values.size() + " " + plural(k[2]) + peers(k[2], values));
                }
            } else {
                out.add((String) o);
            }
        }
        return out;
    }

    /** {@code text} a list of changes joined with "; " (a timeline row's), condensed as {@link #condensed(List)}. */
    public static String condensed(String text) {
        return text == null ? null : String.join("; ", condensed(List.of(text.split("; ", -1))));
    }

    /** "delegation entries removed" of "delegation entry removed". */
    private static String plural(String kind) {
        return kind.replaceFirst("^delegation entry ", "delegation entries ").replaceFirst("^SPN ", "SPNs ")
                .replaceFirst(" grant ", " grants ");
    }

    /** " (towards 63 hosts: HV01, HV02, HV03, …)" for delegation entries; empty for other kinds. */
    private static String peers(String kind, List<String> values) {
        return kind.startsWith("delegation entry") ? " (" + towards(values) + ")" : "";
    }

    /**
     * The hosts delegation entries name: "towards HVOLD7" for one, "towards 63 hosts: HV01, HV02, HV03, …" for more.
     * Hosts, not peers: an entry removed may name a decommissioned host, and "towards 1 peer" read as a cluster peer
     * lost. {@code entries} as {@code evidence.entriesRemoved} lists them, or each with what Drift.describe appends.
     */
    public static String towards(List<String> entries) {
        // a host in any case and name form once, as the rules take an entry's host (Rules.hostOf: port, trailing dot and
        // the rest of the DNS name dropped, case folded as the KDC does, so a look-alike the KDC keeps apart is a host
        // of its own): HV01 of cifs/HV01 and of cifs/hv01.contoso.com; an entry of no service/host shape is its own
        Map<String, String> hosts = new LinkedHashMap<>();
        for (String v : entries) {
            int when = v.indexOf(WHEN);
            String entry = when < 0 ? v : v.substring(0, when);
            String key = org.kcdauditor.rules.Rules.hostOf(entry);
            hosts.putIfAbsent(key == null ? org.kcdauditor.model.Spn.fold(entry) : key, peer(entry));
        }
        List<String> named = hosts.values().stream().limit(PEERS_NAMED).toList();
        return "towards " + (hosts.size() == 1 ? named.get(0) : hosts.size() + " hosts: " + String.join(", ", named)
                + (hosts.size() > PEERS_NAMED ? ", …" : ""));
    }

    /** The host an entry names as it names it, without its domain ("HV01" of "cifs/HV01.contoso.com:445"). */
    private static String peer(String entry) {
        int slash = entry.indexOf('/');
        String host = slash < 0 ? entry : entry.substring(slash + 1);
        int end = 0;
        while (end < host.length() && ".:/".indexOf(host.charAt(end)) < 0) {
            end++;
        }
        return end == 0 ? host : host.substring(0, end);
    }
}
