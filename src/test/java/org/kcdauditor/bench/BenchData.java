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
record BenchData(Snapshot snapshot, List<ClusterConfig> clusters) {
    /**
     * 20,000 hosts in 2,000 clusters (one of 64 nodes, the others of 10), every 50th host missing one
     * delegation entry, plus 80,000 other computers; each distinct delegation value is one String, as collected.
     */
    static BenchData twentyThousandHosts() {
        List<AdObject> objects = new ArrayList<>();
        Map<String, String> values = new HashMap<>();
        List<ClusterConfig> clusters = new ArrayList<>();
        int host = 0;
        int[] sizes = new int[1994];
        Arrays.fill(sizes, 10);
        sizes[0] = 64;
        for (int c = 0; c < sizes.length && host < 20_000; c++) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < sizes[c] && host < 20_000; i++) {
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
        for (int i = 0; i < 80_000; i++) {
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
