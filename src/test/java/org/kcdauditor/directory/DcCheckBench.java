package org.kcdauditor.directory;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.DcRead;
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
 * What {@code preflight --all-dcs} adds to a run: N in-memory DCs holding the same M-node cluster (each node
 * delegating to every other, 4 values per peer) and W other computers; the DC check alone. A benchmark, not a timed
 * test: {@code mvn -o test -Dtest.excludedGroups=integration -Dtest=DcCheckBench}; it prints figures.
 */
@Tag("bench")
class DcCheckBench {
    @TempDir
    Path tmp;

    @Test
    void dcsTimesNodesNotDomainSize() throws Exception {
        System.out.println("dc-check: DCs nodes values/node domain  reads  check-ms  ms/read");
        for (int domain : new int[]{1_000, 20_000}) {
            for (int nodes : new int[]{16, 64, 256}) {
                for (int dcs : new int[]{2, 4, 8}) {
                    if (domain > 1_000 && dcs > 4) {
                        continue; // 8 servers of 20,000 entries do not fit the test JVM's heap
                    }
                    measure(dcs, nodes, domain);
                }
            }
        }
    }

    /** The DC check alone (what --all-dcs adds), best of 3, after one collection of the audited DC. */
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
            Path cfg = TestDirectory.config(tmp, urls.get(0), names, "allowInsecureBind: true", "pageSize: 1000");
            AuditConfig config = ConfigLoader.load(cfg);
            Secrets secrets = new Secrets(Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD));
            Snapshot s = new DirectoriesCollector(config, secrets, Clock.systemUTC(), null).collect(n -> { });
            List<AdObject> scope = new NodeSelector(config.clusters()).select(s.objects(), s.managedServiceAccounts());
            LdapConnector connector = new LdapConnector(config, secrets);
            long best = Long.MAX_VALUE;
            for (int i = 0; i < 3; i++) {
                long t = System.nanoTime();
                List<DcRead> read = DomainControllers.read(connector, DomainControllers.listed(urls), scope, s.dc(),
                        urls.get(0), false, null);
                best = Math.min(best, System.nanoTime() - t);
                assertEquals(dcs - 1, read.stream().filter(x -> !x.audited() && x.objects().size() == nodes).count());
            }
            int reads = (dcs - 1) * nodes;
            System.out.printf(Locale.ROOT, "dc-check: %3d %5d %11d %6d %6d %9.0f %8.2f%n", dcs, nodes,
                    scope.get(0).delegateTo().size(), domain, reads, best / 1e6, best / 1e6 / reads);
        } finally {
            servers.forEach(x -> x.shutDown(true));
        }
    }
}
