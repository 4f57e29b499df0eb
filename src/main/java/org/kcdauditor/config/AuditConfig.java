package org.kcdauditor.config;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.RDN;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A loaded and validated configuration. {@code baseDir} is the folder of the file it came from:
 * relative paths in the file resolve against it.
 *
 * <p>History keys (all optional): {@code store}, {@code baseline} (default {@code baseline.yaml}
 * next to the config file; or {@code baseline.file} with {@code baseline.maxWaiverDays}), {@code patches}, {@code hardeningCatalogue} (default the shipped
 * {@code config/hardening-kbs.yaml}), {@code events}, {@code hostSettings}.
 *
 * <p>Scheduling keys (all optional): {@code schedule} (the daemon's jobs), {@code mail} (notices),
 * {@code daemon} (Quartz settings).
 *
 * <p>Directories: {@code directory:} alone is one directory named {@value #DEFAULT_DIRECTORY}; {@code directories:}
 * names several (one per domain), and each cluster names its own ({@code clusters[].directory}). Either way
 * {@link #directories()} holds them all, in the file's order, and {@link #directory()} is the first.
 *
 * <p>{@code sourceSha256}: the SHA-256 (hex) of the bytes of {@code source} this configuration was parsed from, taken
 * when it was loaded ({@code summary.configSha256}: the daemon keeps a configuration until it is restarted, so the
 * file may hold another one by the time a run writes its reports); null for one not loaded from a file.
 */
public record AuditConfig(Path source, Path baseDir, DirectoryConfig directory, List<ClusterConfig> clusters,
                          PolicyConfig policy, ReportsConfig reports, StoreConfig store, BaselineConfig baseline,
                          PatchesConfig patches, String hardeningCatalogue, EventsConfig events,
                          List<ScheduleConfig> schedule, MailConfig mail, DaemonConfig daemon,
                          HostSettingsConfig hostSettings, Map<String, DirectoryConfig> directories,
                          String sourceSha256) {

    public static final String DEFAULT_BASELINE = "baseline.yaml";
    /** The name of the directory {@code directory:} configures. */
    public static final String DEFAULT_DIRECTORY = "default";

    /** Every optional section is present after construction, with its defaults: callers never null-check one. */
    public AuditConfig {
        Map<String, DirectoryConfig> dirs = new LinkedHashMap<>();
        if (directories != null && !directories.isEmpty()) {
            dirs.putAll(directories);
            if (directory == null) {
                directory = directories.values().iterator().next();
            }
        } else if (directory != null) {
            dirs.put(DEFAULT_DIRECTORY, directory);
        }
        directories = Collections.unmodifiableMap(dirs);
        // a cluster of the only directory needs not name it
        String only = dirs.size() == 1 ? dirs.keySet().iterator().next() : null;
        List<ClusterConfig> named = new ArrayList<>(clusters.size());
        for (ClusterConfig c : clusters) {
            named.add(c != null && c.directory() == null && only != null ? c.inDirectory(only) : c);
        }
        clusters = List.copyOf(named);
        policy = policy == null ? PolicyConfig.defaults() : policy;
        reports = reports == null ? ReportsConfig.defaults() : reports;
        store = store == null ? StoreConfig.defaults() : store;
        patches = patches == null ? PatchesConfig.none() : patches;
        events = events == null ? EventsConfig.none() : events;
        schedule = schedule == null ? List.of() : List.copyOf(schedule);
        daemon = daemon == null ? DaemonConfig.defaults() : daemon;
        hostSettings = hostSettings == null ? HostSettingsConfig.none() : hostSettings;
    }

    /** Not loaded from a file's bytes ({@code sourceSha256} null). */
    public AuditConfig(Path source, Path baseDir, DirectoryConfig directory, List<ClusterConfig> clusters,
                       PolicyConfig policy, ReportsConfig reports, StoreConfig store, BaselineConfig baseline,
                       PatchesConfig patches, String hardeningCatalogue, EventsConfig events,
                       List<ScheduleConfig> schedule, MailConfig mail, DaemonConfig daemon,
                       HostSettingsConfig hostSettings, Map<String, DirectoryConfig> directories) {
        this(source, baseDir, directory, clusters, policy, reports, store, baseline, patches, hardeningCatalogue,
                events, schedule, mail, daemon, hostSettings, directories, null);
    }

    /** One directory ({@code directory:}). */
    public AuditConfig(Path source, Path baseDir, DirectoryConfig directory, List<ClusterConfig> clusters,
                       PolicyConfig policy, ReportsConfig reports, StoreConfig store, BaselineConfig baseline,
                       PatchesConfig patches, String hardeningCatalogue, EventsConfig events,
                       List<ScheduleConfig> schedule, MailConfig mail, DaemonConfig daemon,
                       HostSettingsConfig hostSettings) {
        this(source, baseDir, directory, clusters, policy, reports, store, baseline, patches, hardeningCatalogue,
                events, schedule, mail, daemon, hostSettings, null);
    }

    /** Without host-settings exports. */
    public AuditConfig(Path source, Path baseDir, DirectoryConfig directory, List<ClusterConfig> clusters,
                       PolicyConfig policy, ReportsConfig reports, StoreConfig store, BaselineConfig baseline,
                       PatchesConfig patches, String hardeningCatalogue, EventsConfig events,
                       List<ScheduleConfig> schedule, MailConfig mail, DaemonConfig daemon) {
        this(source, baseDir, directory, clusters, policy, reports, store, baseline, patches, hardeningCatalogue,
                events, schedule, mail, daemon, null);
    }

    /** Without the scheduling keys. */
    public AuditConfig(Path source, Path baseDir, DirectoryConfig directory, List<ClusterConfig> clusters,
                       PolicyConfig policy, ReportsConfig reports, StoreConfig store, BaselineConfig baseline,
                       PatchesConfig patches, String hardeningCatalogue, EventsConfig events) {
        this(source, baseDir, directory, clusters, policy, reports, store, baseline, patches, hardeningCatalogue,
                events, null, null, null);
    }

    /** This configuration reading the one directory {@code d} (the demo's in-process directory). */
    public AuditConfig withDirectory(DirectoryConfig d) {
        return new AuditConfig(source, baseDir, d, clusters.stream().map(c -> c.inDirectory(null)).toList(), policy,
                reports, store, baseline, patches, hardeningCatalogue, events, schedule, mail, daemon, hostSettings,
                null, sourceSha256);
    }

    /** Whether the file configures several directories (one per domain). */
    public boolean multiDirectory() {
        return directories.size() > 1;
    }

    /**
     * The config-key path of a directory's settings, for messages: {@code directory} for the one of
     * {@code directory:}, else {@code directories.<name>}.
     */
    public String directoryKey(String name) {
        return directories.size() == 1 && DEFAULT_DIRECTORY.equals(name) ? "directory" : "directories." + name;
    }

    /** The directory a cluster's computer objects are read from (its own, or the only one). */
    public String directoryOf(ClusterConfig c) {
        return c.directory() != null ? c.directory() : directories.keySet().iterator().next();
    }

    /**
     * The cluster named {@code cluster} (case-insensitive) and those it shares a {@code policy.migrationGroups} entry
     * with, in the order of {@code clusters:}: the clusters whose pairs its preflight verdict rests on.
     */
    public List<ClusterConfig> migratingWith(String cluster) {
        java.util.Set<String> wanted = new java.util.HashSet<>();
        wanted.add(cluster.toLowerCase(java.util.Locale.ROOT));
        for (List<String> group : policy().migrationGroups()) {
            if (group.stream().anyMatch(g -> g != null && g.equalsIgnoreCase(cluster))) {
                group.stream().filter(Objects::nonNull).forEach(g -> wanted.add(g.toLowerCase(java.util.Locale.ROOT)));
            }
        }
        return clusters.stream().filter(c -> c != null && c.name() != null
                && wanted.contains(c.name().toLowerCase(java.util.Locale.ROOT))).toList();
    }

    /** The same configuration with other {@code reports:} options (a --change-ticket given on the command line). */
    public AuditConfig withReports(ReportsConfig r) {
        return new AuditConfig(source, baseDir, directory, clusters, policy, r, store, baseline, patches,
                hardeningCatalogue, events, schedule, mail, daemon, hostSettings, directories, sourceSha256);
    }

    /** Resolves a path written in the config file against that file's folder. */
    public Path resolve(String path) {
        Path p = Path.of(path);
        if (p.isAbsolute()) {
            return p;
        }
        return (baseDir == null ? Path.of("").toAbsolutePath() : baseDir).resolve(p).normalize();
    }

    /** The documented baseline: {@code baseline} (or {@code baseline.file}), else {@code baseline.yaml} next to the config file. */
    public Path baselinePath() {
        String file = baseline == null ? null : baseline.file();
        return resolve(file == null || file.isBlank() ? DEFAULT_BASELINE : file);
    }

    /**
     * The baseline the config names explicitly ({@code baseline} or {@code baseline.file}) when that file does not
     * exist, else null: no drift is checked against it and no waiver applies, which a typo should not hide.
     */
    public Path missingExplicitBaseline() {
        String file = baseline == null ? null : baseline.file();
        if (file == null || file.isBlank()) {
            return null;
        }
        Path p = baselinePath();
        return java.nio.file.Files.exists(p) ? null : p;
    }

    /**
     * One warning per directory whose {@code baseDn} is below its domain ({@link #narrowBaseDn}); empty for the usual
     * domain roots.
     */
    public List<String> narrowBaseDns() {
        return directories.keySet().stream().map(this::narrowBaseDn).filter(Objects::nonNull).toList();
    }

    /**
     * The warning for directory {@code name} when its {@code baseDn} is below its domain (an OU or container, not only
     * {@code DC=} parts): a node, file server or cluster OU outside it is not read. The hosts outside it that the nodes
     * delegate to and the other holders of their SPNs are looked up in the domain (DirectoryCollector), so those
     * are judged as with the domain's DN. Null for a domain root (or a DN the validation refused).
     */
    public String narrowBaseDn(String name) {
        String base = directories.get(name).baseDn();
        try {
            StringBuilder domain = new StringBuilder();
            boolean narrow = false;
            for (RDN rdn : new DN(base).getRDNs()) {
                if (rdn.getAttributeNames().length == 1 && rdn.getAttributeNames()[0].equalsIgnoreCase("dc")) {
                    domain.append(domain.length() == 0 ? "" : ",").append(rdn);
                } else {
                    narrow = true;
                }
            }
            return !narrow ? null : directoryKey(name) + ".baseDn " + base + " is below the domain" + (domain.length()
                    == 0 ? "" : " (" + domain + ")") + ": a node or file server outside it is not found"
                    + " (HOST_NOT_FOUND), nor a cluster's ou outside it; the hosts the nodes delegate to and other holders"
                    + " of their SPNs are looked up in the whole domain";
        } catch (LDAPException e) {
            return null;
        }
    }

    /** {@code baseline.maxWaiverDays}: longer waivers get a WAIVER_TOO_LONG finding (default 365). */
    public int maxWaiverDays() {
        return baseline == null ? BaselineConfig.DEFAULT_MAX_WAIVER_DAYS : baseline.maxWaiverDaysOrDefault();
    }

    /** The display name of the config file for error messages. */
    public String sourceName() {
        return source == null ? "<built-in>" : source.toString();
    }

    /**
     * What the history store files this config's runs under (the previous run is the last successful one
     * with the same key): {@code store.configName}, else the config file's absolute path without {@code .} and
     * {@code ..} (config/x.yaml from the install folder and ../config/x.yaml from bin/ are one history; the store
     * maps it to an earlier spelling of the same path: {@code RunStore.historyKey}).
     */
    public String historyKey() {
        if (store.configName() != null) {
            return store.configName().strip();
        }
        return source == null ? sourceName() : source.normalize().toString();
    }

    /** {@code store.retain}, its defaults when not given. */
    public RetainConfig retain() {
        return store.retain();
    }
}
