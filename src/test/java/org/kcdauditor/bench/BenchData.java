package org.kcdauditor.bench;

import org.kcdauditor.config.ClusterConfig;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Snapshot;
import org.kcdauditor.support.Hosts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The benchmarks' directory: a snapshot and its clusters. */
public record BenchData(Snapshot snapshot, List<ClusterConfig> clusters) {
    /** {@link #hosts} at 20,000: 19,994 hosts in 1,994 clusters, 80,000 other computers. */
    public static BenchData twentyThousandHosts() {
        return hosts(20_000);
    }

    /**
     * Hosts in one cluster of 64 nodes and as many clusters of 10 as fit in the given number (the rest left out),
     * every 50th host missing one delegation entry, plus four times the given number of other computers; each
     * distinct delegation value is one String, as collected.
     */
    public static BenchData hosts(int hostCount) {
        List<AdObject> objects = new ArrayList<>();
        Map<String, String> values = new HashMap<>();
        List<ClusterConfig> clusters = new ArrayList<>();
        int host = 0;
        int[] sizes = new int[1 + (hostCount - 64) / 10];
        Arrays.fill(sizes, 10);
        sizes[0] = 64;
        for (int c = 0; c < sizes.length && host < hostCount; c++) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < sizes[c] && host < hostCount; i++) {
                names.add(String.format("HV%05d", ++host));
            }
            for (String n : names) {
                Hosts h = Hosts.host(n).delegatesTo(names.stream().filter(p -> !p.equals(n)).toArray(String[]::new));
                if (objects.size() % 50 == 0) {
                    String peer = names.get(0).equals(n) ? names.get(1) : names.get(0);
                    h.without("cifs/" + Hosts.fqdn(peer));
                }
                objects.add(canonical(h.build(), values));
            }
            clusters.add(new ClusterConfig("C" + c, names, null, null));
        }
        for (int i = 0; i < 4 * hostCount; i++) {
            objects.add(Hosts.host(String.format("WS%06d", i)).build());
        }
        return new BenchData(new Snapshot(Instant.EPOCH, "ldap://bench", "DC=contoso,DC=com", objects), clusters);
    }

    /** The host with each distinct delegation value as one instance, as the directory collector keeps them. */
    private static AdObject canonical(AdObject o, Map<String, String> values) {
        List<String> delegateTo = o.delegateTo().stream().map(v -> values.computeIfAbsent(v, k -> k)).toList();
        return new AdObject(o.dn(), o.cn(), o.samAccountName(), o.dnsHostName(), o.userAccountControl(), o.spns(),
                delegateTo, o.rbcdPresent(), o.rbcdSids(), o.objectSid(), o.operatingSystem(),
                o.operatingSystemVersion(), o.whenChanged(), o.usnChanged(), o.lastLogon());
    }
}
