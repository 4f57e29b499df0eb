import com.unboundid.ldap.sdk.LDAPConnection;
import org.kcdauditor.audit.AuditResult;
import org.kcdauditor.audit.Auditor;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.directory.DirectoryCollector;
import org.kcdauditor.directory.LdapConnector;
import org.kcdauditor.model.Snapshot;
import org.kcdauditor.rules.RuleCatalogue;

import java.nio.file.Path;
import java.time.Clock;

/**
 * Times the tool's own stages (config, connect, collect, evaluate) without the CLI or writers:
 * a stand-in until `kcd-audit run --timings` exists, and a way to profile one stage.
 * scripts/bench/probe/probe.sh [run] --config kcd-audit.yaml [ignored CLI arguments]
 */
public final class StageProbe {
    /** Live heap after a full GC, only when PROBE_LIVE is set (the GC distorts the stage times). */
    private static long liveMiB() {
        if (!"1".equals(System.getenv("PROBE_LIVE"))) {
            return -1;
        }
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return (rt.totalMemory() - rt.freeMemory()) >> 20;
    }

    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        String file = args[0];
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--config")) {
                file = args[i + 1];
            }
        }
        AuditConfig cfg = ConfigLoader.load(Path.of(file));
        long t1 = System.nanoTime();
        Snapshot snap;
        long t2;
        try (LDAPConnection c = new LdapConnector(cfg, Secrets.fromEnvironment()).connect()) {
            t2 = System.nanoTime();
            snap = new DirectoryCollector(cfg, Clock.systemUTC()).collect(c, n -> { });
        }
        long t3 = System.nanoTime();
        long afterCollect = liveMiB();
        AuditResult r = new Auditor(RuleCatalogue.standard()).evaluate(snap, cfg.clusters(), cfg.policy());
        long t4 = System.nanoTime();
        Runtime rt = Runtime.getRuntime();
        if ("1".equals(System.getenv("PROBE_LIVE"))) {
            System.err.printf("liveAfterCollectMiB=%d liveAfterEvaluateMiB=%d%n", afterCollect, liveMiB());
        }
        if (System.getenv("PROBE_PAUSE") != null) {
            System.err.println("pid=" + ProcessHandle.current().pid() + " pausing");
            Thread.sleep(Long.parseLong(System.getenv("PROBE_PAUSE")) * 1000);
            System.err.println(r.pairs() + " " + snap.objects().size());
        }
        System.err.printf("timing config: %.3f s%ntiming connect: %.3f s%ntiming collect: %.3f s%ntiming evaluate: %.3f s%n",
                (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9, (t4 - t3) / 1e9);
        System.err.printf("objects=%d findings=%d heapUsedMiB=%d%n", snap.objects().size(), r.findings().size(),
                (rt.totalMemory() - rt.freeMemory()) >> 20);
    }
}
