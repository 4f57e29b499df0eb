package org.kcdauditor.directory;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.LDAPException;
import org.kcdauditor.config.ClusterConfig;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.DnsNames;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The objects of a sweep that the configured clusters name: nodes (by NetBIOS, account or DNS name, by a host name
 * longer than a NetBIOS name, or under a cluster's OU) and file servers. Only these are read again, one by one
 * (replication metadata, other DCs), so that the extra reads grow with the clusters, not with the domain. Names are
 * matched in memory as the audit matches them; a name two objects share selects both (the audit then decides which
 * is the node).
 */
final class NodeSelector {
    private final Set<String> names = new HashSet<>();
    private final List<DN> ous = new ArrayList<>();

    NodeSelector(List<ClusterConfig> clusters) {
        for (ClusterConfig c : clusters) {
            if (c == null) {
                continue;
            }
            c.nodes().forEach(n -> add(n));
            c.fileServers().forEach(n -> add(n));
            if (c.ou() != null && !c.ou().isBlank()) {
                try {
                    ous.add(new DN(c.ou()));
                } catch (LDAPException e) {
                    // refused when the config loads
                }
            }
        }
    }

    private void add(String name) {
        if (name != null && !name.isBlank()) {
            names.add(key(name));
        }
    }

    boolean isEmpty() {
        return names.isEmpty() && ous.isEmpty();
    }

    /**
     * The selected objects, in sweep order; one whose DN (lower case) is in {@code serviceAccounts} (a managed service
     * account) only when a cluster names it, as the audit takes such an account as a node only then.
     */
    List<AdObject> select(List<AdObject> objects, Set<String> serviceAccounts) {
        List<AdObject> out = new ArrayList<>();
        if (isEmpty()) {
            return out;
        }
        for (AdObject o : objects) {
            if (o != null && o.isComputer() && (named(o) || underOu(o) && (serviceAccounts.isEmpty()
                    || !serviceAccounts.contains(o.dn().toLowerCase(Locale.ROOT))))) {
                out.add(o);
            }
        }
        return out;
    }

    private boolean named(AdObject o) {
        return o.samAccountName() != null && names.contains(key(o.samAccountName()))
                || o.cn() != null && names.contains(key(o.cn()))
                || o.dnsHostName() != null && (names.contains(key(o.dnsHostName()))
                || longHostLabel(o.dnsHostName()) && names.contains(key(o.dnsHostName().substring(0,
                o.dnsHostName().indexOf('.')))));
    }

    /**
     * Whether the first label of {@code dns}, the host name, is longer than a NetBIOS name (15 characters): the audit
     * finds a node configured by such a host name ({@code hyperv-prod-node03}, account {@code HYPERV-PROD-NOD$}).
     */
    private static boolean longHostLabel(String dns) {
        return dns.indexOf('.') > 15;
    }

    private boolean underOu(AdObject o) {
        if (ous.isEmpty()) {
            return false;
        }
        try {
            DN dn = new DN(o.dn());
            for (DN ou : ous) {
                if (dn.isDescendantOf(ou, false)) {
                    return true;
                }
            }
        } catch (LDAPException e) {
            return false;
        }
        return false;
    }

    /** As the audit compares names: case-insensitive, without a trailing {@code $} or dot. */
    private static String key(String name) {
        String s = DnsNames.withoutTrailingDots(name.strip().toLowerCase(Locale.ROOT));
        return s.endsWith("$") ? s.substring(0, s.length() - 1) : s;
    }
}
