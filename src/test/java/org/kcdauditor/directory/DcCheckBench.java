package org.kcdauditor.directory;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.model.DirectoryPart;
import org.kcdauditor.model.Snapshot;
import org.kcdauditor.support.TestDirectory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What {@code preflight --all-dcs} adds to a run: N in-memory DCs holding the same M-node cluster and W other
 * computers; the collection with the DC check of the cluster minus the one without. A benchmark, not a timed
 * test: {@code mvn -o test -Dtest.excludedGroups=integration -Dtest=DcCheckBench}; it prints figures.
 */
@Tag("bench")
class DcCheckBench {
    @TempDir
    Path tmp;

    @Test
    void dcsTimesNodesNotDomainSize() throws Exception {
        System.out.println("dc-check: DCs nodes domain   collect-ms  with-check-ms  check-ms  reads");
        for (int domain : new int[]{1_000, 20_000}) {
            for (int nodes : new int[]{16, 64, 256}) {
                for (int dcs : new int[]{1, 2, 4, 8}) {
                    if (domain > 1_000 && dcs > 4) {
                        continue; // 8 servers of 20,000 entries do not fit the test JVM's heap
                    }
                    measure(dcs, nodes, domain);
                }
            }
        }
    }

    private void measure(int dcs, int nodes, int domain) throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            names.add(String.format(Locale.ROOT, "HV%04d", i));
        }
        List<InMemoryDirectoryServer> servers = new ArrayList<>();
        try {
            for (int d = 0; d < dcs; d++) {
                InMemoryDirectoryServer s = TestDirectory.startDomain(TestDirectory.BASE, "dc" + (d + 1) + ".contoso.com");
                TestDirectory.addCluster(s, names);
                TestDirectory.addWorkstations(s, domain);
                servers.add(s);
            }
            List<String> urls = servers.stream().map(s -> "ldap://127.0.0.1:" + s.getListenPort()).toList();
            Path cfg = TestDirectory.config(tmp, urls.get(0), names, "allowInsecureBind: true", "pageSize: 1000",
                    "domainControllers: [" + String.join(", ", urls) + "]");
            AuditConfig config = ConfigLoader.load(cfg);
            Secrets secrets = new Secrets(Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD));
            long plain = Long.MAX_VALUE;
            long checked = Long.MAX_VALUE;
            for (int i = 0; i < 3; i++) {
                long t = System.nanoTime();
                new DirectoriesCollector(config, secrets, Clock.systemUTC(), null).collect(n -> { });
                plain = Math.min(plain, System.nanoTime() - t);
                t = System.nanoTime();
                Snapshot s = new DirectoriesCollector(config, secrets, Clock.systemUTC(), "HVC1").collect(n -> { });
                checked = Math.min(checked, System.nanoTime() - t);
                DirectoryPart p = s.directories().get(0);
                assertEquals(dcs, p.domainControllers().size());
                assertEquals(dcs - 1, p.domainControllers().stream().filter(x -> !x.audited() && x.reachable()
                        && x.objects().size() == nodes).count());
            }
            System.out.printf(Locale.ROOT, "dc-check: %3d %5d %6d %12.0f %14.0f %9.0f %6d%n", dcs, nodes, domain,
                    plain / 1e6, checked / 1e6, (checked - plain) / 1e6, (dcs - 1) * nodes);
        } finally {
            servers.forEach(s -> s.shutDown(true));
        }
    }
}
