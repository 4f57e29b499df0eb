package org.kcdauditor.report;

import org.kcdauditor.support.TestFindings;
import org.kcdauditor.audit.Timings;
import org.kcdauditor.config.ReportsConfig;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.Uac;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Not a unit test: renders every format for a synthetic directory of N hosts (default 20,000 in
 * ~2,000 clusters, one of 64 nodes) and prints time and peak heap per writer. Run with -Xmx512m:
 * <pre>java -Xmx512m -cp target/classes:target/test-classes:$(cat cp.txt) org.kcdauditor.report.ReportBench 20000 /tmp/bench</pre>
 */
public final class ReportBench {
    public static void main(String[] args) throws Exception {
        int hosts = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        Path out = Path.of(args.length > 1 ? args[1] : "/tmp/kcd-bench");
        Files.createDirectories(out);
        long t0 = System.nanoTime();
        FindingsDocument doc = large(hosts);
        System.out.printf("document: %d hosts, %d clusters, %d findings, built in %d ms, heap used %d MB%n",
                doc.hosts().size(), doc.clusters().size(), doc.findings().size(), (System.nanoTime() - t0) / 1_000_000,
                used() / 1_048_576);
        Reports reports = Reports.standard(Path.of("templates"), new ReportsConfig(null, null));
        for (Format format : Format.values()) {
            System.gc();
            resetPeaks();
            Timings t = new Timings();
            List<Path> files = reports.writeAll(doc, out, Set.of(format), t);
            Path file = files.get(files.size() - 1);
            System.out.printf("%-5s %6d ms  peak heap %4d MB  %s %d KB%n", format,
                    t.millis().getOrDefault(format.word(), 0L), peak() / 1_048_576, file.getFileName(), Files.size(file) / 1024);
        }
    }

    /** N hosts: one 64-node cluster (one host delegating to nobody), the rest in clusters of 10; 5 % broken. */
    public static FindingsDocument large(int n) {
        List<FindingsDocument.ClusterDoc> clusters = new ArrayList<>();
        List<FindingsDocument.HostDoc> hosts = new ArrayList<>();
        List<Finding> findings = new ArrayList<>();
        List<String> services = List.of("Microsoft Virtual System Migration Service", "cifs");
        int made = 0;
        int c = 0;
        while (made < n) {
            int size = c == 0 ? Math.min(64, n) : Math.min(10, n - made);
            String cluster = String.format("HVC%04d", c);
            List<String> nodes = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                nodes.add(String.format("HV%05d", made + i));
            }
            boolean broken = c == 0 || c % 20 == 7;
            List<FindingsDocument.PairDoc> matrix = new ArrayList<>();
            Map<String, List<String>> delegate = new HashMap<>();
            int present = 0;
            int pairsOk = 0;
            for (String a : nodes) {
                List<String> mine = new ArrayList<>();
                for (String b : nodes) {
                    if (a.equals(b)) {
                        continue;
                    }
                    List<String> req = new ArrayList<>();
                    for (String s : services) {
                        req.add(s + "/" + b);
                        req.add(s + "/" + b.toLowerCase() + ".contoso.com");
                    }
                    boolean miss = broken && a.equals(nodes.get(1)) && (c == 0 || b.equals(nodes.get(2)));
                    if (miss) {
                        for (String spn : req) {
                            findings.add(TestFindings.legacy("MISSING_DELEGATION", Severity.HIGH, cluster, a, b, spn,
                                    a + " is not allowed to delegate to " + spn + ", so live migration " + a + " -> " + b
                                            + " fails.", "Add '" + spn + "' to " + a + "'s msDS-AllowedToDelegateTo."));
                        }
                        matrix.add(new FindingsDocument.PairDoc(a, b, 4, 0, false, List.of(), req, List.of(), false, false));
                    } else {
                        mine.addAll(req);
                        present += 4;
                        pairsOk++;
                        matrix.add(new FindingsDocument.PairDoc(a, b, 4, 4, true, List.of(), List.of(), List.of(), false, false));
                    }
                }
                delegate.put(a, mine);
            }
            if (broken) {
                String h = nodes.get(0);
                findings.add(TestFindings.legacy("STALE_DELEGATION", Severity.LOW, cluster, h, "gone", "cifs/GONE" + c,
                        h + " delegates to cifs/GONE" + c + " but no computer named gone exists.", "Remove it."));
            }
            int pairs = size * (size - 1);
            Map<String, Integer> sev = Map.of("HIGH", broken ? (c == 0 ? 252 : 4) : 0, "MEDIUM", 0, "LOW", broken ? 1 : 0, "INFO", 0);
            clusters.add(new FindingsDocument.ClusterDoc(cluster, nodes, List.of(), List.of(), pairs, pairsOk, pairs * 4,
                    present, pairs == 0 ? null : Math.round(1000.0 * present / (pairs * 4)) / 10.0, sev, null, null,
                    matrix));
            for (String h : nodes) {
                List<String> spns = new ArrayList<>();
                for (String s : List.of("HOST", "RestrictedKrbHost", "WSMAN", "Microsoft Virtual System Migration Service",
                        "Microsoft Virtual Console Service")) {
                    spns.add(s + "/" + h);
                    spns.add(s + "/" + h.toLowerCase() + ".contoso.com");
                }
                int uac = Uac.WORKSTATION_TRUST_ACCOUNT | Uac.TRUSTED_TO_AUTH_FOR_DELEGATION;
                hosts.add(new FindingsDocument.HostDoc(h, h.toLowerCase() + ".contoso.com", cluster, uac, delegate.get(h),
                        spns, "Windows Server 2022 Datacenter", "10.0 (20348)", h + "$",
                        "CN=" + h + ",OU=" + cluster + ",OU=Hyper-V,DC=contoso,DC=com", "S-1-5-21-1-2-3-" + (1000 + made),
                        true, Uac.flagNames(uac), List.of(), Instant.parse("2026-10-20T08:30:00Z"), 20000L + made,
                        Instant.parse("2026-11-20T08:30:00Z")));
            }
            made += size;
            c++;
        }
        int required = clusters.stream().mapToInt(FindingsDocument.ClusterDoc::requiredEntries).sum();
        int present = clusters.stream().mapToInt(FindingsDocument.ClusterDoc::presentEntries).sum();
        Map<String, Integer> sev = new HashMap<>(Map.of("HIGH", 0, "MEDIUM", 0, "LOW", 0, "INFO", 0));
        findings.forEach(f -> sev.merge(f.severity().name(), 1, Integer::sum));
        FindingsDocument.Summary summary = new FindingsDocument.Summary(hosts.size(), clusters.size(),
                clusters.stream().mapToInt(FindingsDocument.ClusterDoc::pairs).sum(), required, present,
                Math.round(1000.0 * present / required) / 10.0, sev);
        return new FindingsDocument(1, "b3nch000-0000-4000-8000-000000000000", Instant.parse("2026-11-26T06:00:00Z"),
                Instant.parse("2026-11-26T06:01:00Z"), new FindingsDocument.Directory("ldaps://dc1.contoso.com:636",
                "DC=contoso,DC=com"), summary, new FindingsDocument.Policy(services, List.of("netbios", "fqdn"), org.kcdauditor.config.ProtocolTransition.ANY,
                List.of(), null), clusters, hosts, findings, null);
    }

    private static long used() {
        return Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            p.resetPeakUsage();
        }
    }

    private static long peak() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
