package org.kcdauditor.support;

import org.kcdauditor.config.ClusterConfig;
import org.kcdauditor.model.AdObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Hyper-V hosts in the benchmark generator's cluster shapes (scripts/bench/gen_ldif.py): one 64-node cluster,
 * the rest cycling 4, 8, 16, 16, 32, 8, 2, 16 nodes; each host delegates to every peer of its cluster for both
 * services in both name forms, each distinct value one String, as the collector keeps them.
 */
public record BenchShape(List<AdObject> hosts, List<ClusterConfig> clusters) {
    private static final int[] SIZES = {4, 8, 16, 16, 32, 8, 2, 16};

    public static BenchShape of(int count) {
        List<AdObject> objects = new ArrayList<>();
        List<ClusterConfig> clusters = new ArrayList<>();
        Map<String, String> canonical = new HashMap<>();
        int made = 0;
        for (int c = 0; made < count; c++) {
            int size = Math.min(count - made, c == 0 ? 64 : SIZES[(c - 1) % SIZES.length]);
            List<String> names = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                names.add(String.format("HV%06d", ++made));
            }
            for (String n : names) {
                AdObject o = Hosts.host(n).delegatesTo(names.stream().filter(p -> !p.equals(n))
                        .toArray(String[]::new)).build();
                List<String> dt = o.delegateTo().stream().map(v -> canonical.computeIfAbsent(v, k -> k)).toList();
                objects.add(new AdObject(o.dn(), o.cn(), o.samAccountName(), o.dnsHostName(), o.userAccountControl(),
                        o.spns(), dt, o.rbcdPresent(), o.rbcdSids(), o.objectSid(), o.operatingSystem(),
                        o.operatingSystemVersion(), o.whenChanged(), o.usnChanged(), o.lastLogon()));
            }
            clusters.add(new ClusterConfig("C" + c, names, null, null));
        }
        return new BenchShape(objects, clusters);
    }
}
