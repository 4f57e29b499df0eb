package org.kcdauditor.history;

import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ClusterConfig;
import org.kcdauditor.config.DirectoryConfig;
import org.kcdauditor.config.EventsConfig;
import org.kcdauditor.config.PatchesConfig;
import org.kcdauditor.config.PolicyConfig;
import org.kcdauditor.config.ReportsConfig;
import org.kcdauditor.config.StoreConfig;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Snapshot;
import org.kcdauditor.model.Uac;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Snapshots and configs for the history tests: AD-shaped hosts without a directory. */
public final class HistoryTestData {
    public static final String MIG = "Microsoft Virtual System Migration Service";
    public static final int PT = Uac.WORKSTATION_TRUST_ACCOUNT | Uac.TRUSTED_TO_AUTH_FOR_DELEGATION;

    private HistoryTestData() {
    }

    public static String fqdn(String name) {
        return name.toLowerCase(Locale.ROOT) + ".contoso.com";
    }

    public static AdObject host(String name, int uac, List<String> delegateTo) {
        return new AdObject("CN=" + name + ",OU=Hyper-V,DC=contoso,DC=com", name, name + "$", fqdn(name), uac,
                List.of(MIG + "/" + name, MIG + "/" + fqdn(name), "HOST/" + name, "HOST/" + fqdn(name)), delegateTo,
                false, List.of(), "S-1-5-21-1-2-3-" + Math.abs(name.hashCode() % 10000), "Windows Server 2022",
                "10.0 (20348)", null, 1, null);
    }

    /** Every entry a node needs towards its peers (both services, both name forms). */
    public static List<String> entriesTo(String... peers) {
        List<String> out = new ArrayList<>();
        for (String p : peers) {
            out.add(MIG + "/" + p);
            out.add(MIG + "/" + fqdn(p));
            out.add("cifs/" + p);
            out.add("cifs/" + fqdn(p));
        }
        return out;
    }

    /** A fully delegated cluster of the named nodes. */
    public static List<AdObject> mesh(String... names) {
        List<AdObject> out = new ArrayList<>();
        for (String n : names) {
            out.add(host(n, PT, entriesTo(Arrays.stream(names).filter(o -> !o.equals(n)).toArray(String[]::new))));
        }
        return out;
    }

    public static Snapshot snapshot(Instant at, List<AdObject> objects) {
        return new Snapshot(at, "ldaps://dc1.contoso.com:636", "DC=contoso,DC=com", objects);
    }

    public static List<AdObject> replace(List<AdObject> objects, AdObject replacement) {
        List<AdObject> out = new ArrayList<>();
        for (AdObject o : objects) {
            out.add(o.name().equals(replacement.name()) ? replacement : o);
        }
        return out;
    }

    public static ClusterConfig cluster(String name, String... nodes) {
        return new ClusterConfig(name, List.of(nodes), null, null);
    }

    public static DirectoryConfig directory() {
        return new DirectoryConfig("ldaps://dc1.contoso.com:636", null, "svc@contoso.com", "KCD_TEST_PW", null,
                "DC=contoso,DC=com", null, null, null, null, null, null);
    }

    /** A config in {@code dir} (as if read from dir/kcd-audit.yaml) with its store in dir/data. */
    public static AuditConfig config(Path dir, List<ClusterConfig> clusters, PatchesConfig patches,
                                     EventsConfig events) {
        return new AuditConfig(dir.resolve("kcd-audit.yaml"), dir, directory(), clusters, PolicyConfig.defaults(),
                new ReportsConfig("reports", List.of("json")), new StoreConfig("jdbc:h2:file:data/history", null, null),
                null, patches, null, events);
    }
}
