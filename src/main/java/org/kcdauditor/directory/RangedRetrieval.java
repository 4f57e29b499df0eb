package org.kcdauditor.directory;

import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchScope;
import org.kcdauditor.remedy.Values;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Active Directory's ranged retrieval. A DC returns at most MaxValRange values (1500 by default, 1000
 * on old DCs) of a multi-valued attribute per entry; an entry holding more comes back with
 * {@code attr;range=0-1499} in place of {@code attr}. {@link #incomplete} spots such entries, and
 * {@link #complete} reads the remaining chunks with base-scope searches for {@code attr;range=<next>-*}
 * until a chunk's range ends in {@code *}. An answer that does not continue exactly where the previous
 * chunk ended, an entry that is gone, or one whose {@code uSNChanged} moved between two chunks (values
 * added or removed meanwhile shift the ranges, so one would be skipped or read twice) fails the read:
 * values are never silently truncated. Attribute names and the {@code range} option are matched
 * case-insensitively.
 */
final class RangedRetrieval {
    /** The multi-valued attributes the audit reads: the ones AD may return in ranges. */
    static final List<String> MULTI_VALUED = List.of("servicePrincipalName", "msDS-AllowedToDelegateTo");

    private static final String OPTION = "range=";
    /** Raised by every change of the object on this DC: the same value before and after means the same lists. */
    private static final String USN = "uSNChanged";
    private static final Pattern RANGE = Pattern.compile("range=(\\d{1,9})-(\\d{1,9}|\\*)", Pattern.CASE_INSENSITIVE);
    /** The high bound of a range ending in {@code *}: the last chunk. */
    private static final int LAST = -1;

    private RangedRetrieval() {
    }

    /** One chunk of values: {@code attribute;range=low-high}, {@code high} {@link #LAST} for {@code *}. */
    private record Chunk(Attribute attribute, int low, int high) {
        boolean last() {
            return high == LAST;
        }

        String range() {
            return low + "-" + (last() ? "*" : String.valueOf(high));
        }
    }

    /** Whether {@code entry} carries any of the {@link #MULTI_VALUED} attributes in ranges. */
    static boolean incomplete(Entry entry) {
        return incomplete(entry, MULTI_VALUED);
    }

    /** Whether {@code entry} carries any of {@code attributes} in ranges. */
    static boolean incomplete(Entry entry, List<String> attributes) {
        // runs for every entry of the sweep: only a name with options (";range=…") is looked at further
        for (Attribute a : entry.getAttributes()) {
            if (a.hasOptions() && ranged(a) && attributes.stream().anyMatch(a.getBaseName()::equalsIgnoreCase)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code partial} with every ranged {@link #MULTI_VALUED} attribute replaced by the plain attribute
     * holding all its values, read with one base-scope search per further chunk.
     *
     * @param where    the directory URL, for messages
     * @param deadline bounds each read
     */
    static Entry complete(LDAPConnection connection, Entry partial, String where, Deadline deadline)
            throws DirectoryException {
        return complete(connection, partial, where, MULTI_VALUED, deadline);
    }

    /**
     * Every value of a group's {@code member}, read in full where the server returned it in ranges; none (an empty
     * array) where the group has no member.
     */
    static String[] members(LDAPConnection connection, Entry group, String where, Deadline deadline)
            throws DirectoryException {
        Entry full = incomplete(group, List.of("member"))
                ? complete(connection, group, where, List.of("member"), deadline) : group;
        String[] values = full.getAttributeValues("member");
        return values == null ? new String[0] : values;
    }

    /** {@code partial} with each ranged one of {@code attributes} read in full (a group's {@code member}). */
    static Entry complete(LDAPConnection connection, Entry partial, String where, List<String> attributes,
                          Deadline deadline)
            throws DirectoryException {
        Entry full = partial.duplicate();
        String usn = partial.getAttributeValue(USN);
        for (String attribute : attributes) {
            Chunk chunk = chunk(partial, attribute, where);
            if (chunk == null) {
                continue;
            }
            if (chunk.low() != 0) {
                throw broken(where, partial.getDN(), attribute, "the search returned range=" + chunk.range()
                        + ", which does not start at 0");
            }
            List<String> values = new ArrayList<>(Arrays.asList(chunk.attribute().getValues()));
            full.removeAttribute(chunk.attribute().getName());
            while (!chunk.last()) {
                int next = chunk.high() + 1;
                Entry more = fetch(connection, partial.getDN(), attribute, next, where, deadline);
                if (usn != null && !usn.equals(more.getAttributeValue(USN))) {
                    throw new DirectoryException(where + ": " + Values.visible(partial.getDN()) + " changed while its "
                            + attribute + " values were being read (uSNChanged " + Values.visible(usn) + " -> "
                            + Values.visible(more.getAttributeValue(USN))
                            + "), so a range could skip or repeat a value; run the audit again");
                }
                chunk = chunk(more, attribute, where);
                if (chunk == null || chunk.low() != next) {
                    throw broken(where, partial.getDN(), attribute, "asked for range=" + next + "-*, the server"
                            + " answered " + (chunk == null ? "without that attribute" : "range=" + chunk.range()));
                }
                values.addAll(Arrays.asList(chunk.attribute().getValues()));
            }
            full.addAttribute(attribute, values);
        }
        return full;
    }

    private static Entry fetch(LDAPConnection connection, String dn, String attribute, int low, String where,
                               Deadline deadline) throws DirectoryException {
        String requested = attribute + ";" + OPTION + low + "-*";
        SearchResult result;
        try {
            result = deadline.call(() -> connection.search(dn, SearchScope.BASE,
                    Filter.createPresenceFilter("objectClass"), requested, USN));
        } catch (LDAPException e) {
            DirectoryException late = deadline.failure(where, e);
            if (late != null) {
                throw late;
            }
            if (e.getResultCode() == ResultCode.NO_SUCH_OBJECT) {
                throw vanished(where, dn, attribute, e);
            }
            throw new DirectoryException(where + ": reading " + requested + " of " + Values.visible(dn) + " failed: "
                    + Values.visible(DirectoryCollector.reason(e)), e);
        }
        if (result.getEntryCount() == 0) {
            throw vanished(where, dn, attribute, null);
        }
        return result.getSearchEntries().get(0);
    }

    /**
     * The entry's ranged chunk of {@code attribute}, or null when it carries the attribute plainly or not at
     * all. An empty chunk beside a non-empty one (some servers echo the requested {@code range=n-*} with no
     * values) is ignored; two chunks with values are refused.
     */
    private static Chunk chunk(Entry entry, String attribute, String where) throws DirectoryException {
        List<Chunk> chunks = new ArrayList<>();
        for (Attribute a : entry.getAttributes()) {
            if (!ranged(a) || !a.getBaseName().equalsIgnoreCase(attribute)) {
                continue;
            }
            String option = a.getOptions().stream().filter(RangedRetrieval::isRange).findFirst().orElseThrow();
            Matcher m = RANGE.matcher(option);
            if (!m.matches()) {
                throw broken(where, entry.getDN(), attribute, "the server returned an unreadable option "
                        + Values.visible(option));
            }
            int low = Integer.parseInt(m.group(1));
            Chunk chunk = new Chunk(a, low, "*".equals(m.group(2)) ? LAST : Integer.parseInt(m.group(2)));
            if (!chunk.last() && (chunk.high() < low || a.size() != chunk.high() - low + 1)) {
                throw broken(where, entry.getDN(), attribute, "range=" + chunk.range() + " carried " + a.size()
                        + " values");
            }
            chunks.add(chunk);
        }
        if (chunks.size() > 1) {
            chunks.removeIf(c -> c.attribute().size() == 0);
        }
        if (chunks.size() > 1) {
            throw broken(where, entry.getDN(), attribute, "the server returned " + chunks.stream()
                    .map(c -> "range=" + c.range()).toList() + " in one answer");
        }
        return chunks.isEmpty() ? null : chunks.get(0);
    }

    private static boolean ranged(Attribute a) {
        return a.getOptions().stream().anyMatch(RangedRetrieval::isRange);
    }

    private static boolean isRange(String option) {
        return option.regionMatches(true, 0, OPTION, 0, OPTION.length());
    }

    private static DirectoryException broken(String where, String dn, String attribute, String what) {
        return new DirectoryException(where + ": ranged retrieval of " + attribute + " of " + Values.visible(dn)
                + " broke off: " + what + "; refusing to audit a possibly truncated value list");
    }

    private static DirectoryException vanished(String where, String dn, String attribute, LDAPException cause) {
        return new DirectoryException(where + ": " + Values.visible(dn) + " disappeared while the rest of its "
                + attribute + " values were being read (deleted or moved during the audit); run the audit again",
                cause);
    }
}
