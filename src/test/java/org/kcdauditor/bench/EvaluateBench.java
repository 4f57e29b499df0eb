package org.kcdauditor.bench;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.kcdauditor.audit.AuditResult;
import org.kcdauditor.audit.Auditor;
import org.kcdauditor.config.ClusterConfig;
import org.kcdauditor.config.PolicyConfig;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Snapshot;
import org.kcdauditor.rules.RuleCatalogue;
import org.kcdauditor.support.Hosts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Evaluation cost at scale: 20,000 hosts in 2,000 clusters (one of 64 nodes) plus 80,000 other
 * computers. A benchmark, not a timed test: run with
 * {@code mvn -o test -Dtest.excludedGroups=integration -Dtest=EvaluateBench}; it prints figures.
 */
@Tag("bench")
class EvaluateBench {
    @Test
    void twentyThousandHosts() {
        List<AdObject> objects = new ArrayList<>();
        List<ClusterConfig> clusters = new ArrayList<>();
        int host = 0;
        int[] sizes = new int[1994];
        java.util.Arrays.fill(sizes, 10);
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
                objects.add(h.build());
            }
            clusters.add(new ClusterConfig("C" + c, names, null, null));
        }
        for (int i = 0; i < 80_000; i++) {
            objects.add(Hosts.host(String.format("WS%06d", i)).build());
        }
        Snapshot snapshot = new Snapshot(Instant.EPOCH, "ldap://bench", "DC=contoso,DC=com", objects);
        Auditor auditor = new Auditor(RuleCatalogue.standard());
        AuditResult r = null;
        long best = Long.MAX_VALUE;
        long bestCpu = Long.MAX_VALUE;
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 5; i++) {
            long cpu = threads.getCurrentThreadCpuTime();
            long t = System.nanoTime();
            r = auditor.evaluate(snapshot, clusters, PolicyConfig.defaults());
            best = Math.min(best, System.nanoTime() - t);
            bestCpu = Math.min(bestCpu, threads.getCurrentThreadCpuTime() - cpu);
        }
        Runtime rt = Runtime.getRuntime();
        System.out.printf("evaluate: %d hosts, %d clusters, %d objects, %d pairs, %d required entries, %d findings:"
                        + " best of 5 %.0f ms wall, %.0f ms CPU of the evaluating thread; heap used after %.0f MB%n",
                r.context().nodes().size(), clusters.size(), objects.size(), r.pairs(), r.requiredEntries(),
                r.findings().size(), best / 1e6, bestCpu / 1e6,
                (rt.totalMemory() - rt.freeMemory()) / 1e6);
        assertTrue(r.pairs() > 180_000);
    }
}
