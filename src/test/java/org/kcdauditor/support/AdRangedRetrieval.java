package org.kcdauditor.support;

import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchEntry;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchRequest;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes UnboundID's in-memory server answer like Active Directory with MaxValRange {@code maxValRange}
 * (the in-memory server itself does not do ranged retrieval). A search result entry holding more values
 * of {@code servicePrincipalName} or {@code msDS-AllowedToDelegateTo} (or the attributes given) carries {@code attr;range=0-(N-1)}
 * instead of the attribute; a request for {@code attr;range=a-*} or {@code attr;range=a-b} is answered
 * with the next chunk, {@code attr;range=a-b}, or {@code attr;range=a-*} on the last one. A {@link Fault}
 * breaks the follow-up answers the way a misbehaving or changing directory could.
 */
public final class AdRangedRetrieval extends InMemoryOperationInterceptor {
    private static final List<String> DELEGATION = List.of("servicePrincipalName", "msDS-AllowedToDelegateTo");
    private static final Pattern REQUEST = Pattern.compile("(.+);range=(\\d+)-(\\d+|\\*)", Pattern.CASE_INSENSITIVE);
    private static final String ASKED = "ranges asked";

    /** How follow-up requests (those naming a range) are answered. */
    public enum Fault {
        /** Like AD. */
        NONE,
        /** The chunk starts one value after the one asked for. */
        GAP,
        /** The entry no longer exists: noSuchObject, as AD answers for a deleted base DN. */
        VANISHED,
        /** The entry was modified after the first chunk: its first value is gone and uSNChanged went up. */
        CHANGED,
        /** An empty {@code attr;range=<asked>-*} comes before the real chunk (reported of some servers). */
        ECHO
    }

    private final int maxValRange;
    private final Fault fault;
    private final List<String> ranged;
    private final AtomicInteger followUps = new AtomicInteger();

    public AdRangedRetrieval(int maxValRange, Fault fault) {
        this(maxValRange, fault, DELEGATION);
    }

    /** @param attributes the attributes answered in ranges (AD: every multi-valued one, e.g. a group's member) */
    public AdRangedRetrieval(int maxValRange, Fault fault, List<String> attributes) {
        this.maxValRange = maxValRange;
        this.fault = fault;
        this.ranged = attributes.stream().map(a -> a.toLowerCase(Locale.ROOT)).toList();
    }

    /** How many requests named a range so far. */
    public int followUps() {
        return followUps.get();
    }

    @Override
    public void processSearchRequest(InMemoryInterceptedSearchRequest request) throws LDAPException {
        Map<String, int[]> asked = new HashMap<>();
        List<String> attributes = new ArrayList<>();
        for (String a : request.getRequest().getAttributeList()) {
            Matcher m = REQUEST.matcher(a);
            if (m.matches()) {
                int high = "*".equals(m.group(3)) ? Integer.MAX_VALUE : Integer.parseInt(m.group(3));
                asked.put(m.group(1).toLowerCase(Locale.ROOT), new int[] {Integer.parseInt(m.group(2)), high});
                attributes.add(m.group(1));
            } else {
                attributes.add(a);
            }
        }
        if (asked.isEmpty()) {
            return;
        }
        followUps.incrementAndGet();
        if (fault == Fault.VANISHED) {
            throw new LDAPException(ResultCode.NO_SUCH_OBJECT, "0000208D: NameErr: DSID-0310028D, problem 2001"
                    + " (NO_OBJECT), data 0, best match of: '" + TestDirectory.BASE + "'");
        }
        SearchRequest plain = request.getRequest().duplicate();
        plain.setAttributes(attributes);
        request.setRequest(plain);
        request.setProperty(ASKED, asked);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void processSearchEntry(InMemoryInterceptedSearchEntry result) {
        Map<String, int[]> asked = (Map<String, int[]>) result.getProperty(ASKED);
        Entry entry = result.getSearchEntry().duplicate();
        boolean changed = asked != null && fault == Fault.CHANGED;
        if (changed && entry.hasAttribute("uSNChanged")) {
            entry.setAttribute("uSNChanged", String.valueOf(Long.parseLong(entry.getAttributeValue("uSNChanged")) + 1));
        }
        for (Attribute a : List.copyOf(entry.getAttributes())) {
            String name = a.getName().toLowerCase(Locale.ROOT);
            int[] range = asked == null ? null : asked.get(name);
            if (!ranged.contains(name) || range == null && a.size() <= maxValRange) {
                continue;
            }
            String[] values = changed ? Arrays.copyOfRange(a.getValues(), 1, a.size()) : a.getValues();
            int low = range == null ? 0 : range[0] + (fault == Fault.GAP ? 1 : 0);
            int high = Math.min(Math.min(values.length - 1, low + maxValRange - 1), range == null ? Integer.MAX_VALUE
                    : range[1]);
            entry.removeAttribute(a.getName());
            if (range != null && fault == Fault.ECHO) {
                entry.addAttribute(new Attribute(a.getName() + ";range=" + range[0] + "-*"));
            }
            entry.addAttribute(a.getName() + ";range=" + low + "-" + (high == values.length - 1 ? "*" : high),
                    Arrays.copyOfRange(values, low, high + 1));
        }
        result.setSearchEntry(entry);
    }
}
