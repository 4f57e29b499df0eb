package org.kcdauditor.config;

import java.nio.file.Path;
import java.util.List;

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
 */
public record AuditConfig(Path source, Path baseDir, DirectoryConfig directory, List<ClusterConfig> clusters,
                          PolicyConfig policy, ReportsConfig reports, StoreConfig store, BaselineConfig baseline,
                          PatchesConfig patches, String hardeningCatalogue, EventsConfig events,
                          List<ScheduleConfig> schedule, MailConfig mail, DaemonConfig daemon,
                          HostSettingsConfig hostSettings) {

    public static final String DEFAULT_BASELINE = "baseline.yaml";

    /** Every optional section is present after construction, with its defaults: callers never null-check one. */
    public AuditConfig {
        clusters = List.copyOf(clusters);
        policy = policy == null ? PolicyConfig.defaults() : policy;
        reports = reports == null ? ReportsConfig.defaults() : reports;
        store = store == null ? StoreConfig.defaults() : store;
        patches = patches == null ? PatchesConfig.none() : patches;
        events = events == null ? EventsConfig.none() : events;
        schedule = schedule == null ? List.of() : List.copyOf(schedule);
        daemon = daemon == null ? DaemonConfig.defaults() : daemon;
        hostSettings = hostSettings == null ? HostSettingsConfig.none() : hostSettings;
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

    /** The core configuration without history keys (store and baseline take their defaults). */
    public AuditConfig(Path source, Path baseDir, DirectoryConfig directory, List<ClusterConfig> clusters,
                       PolicyConfig policy, ReportsConfig reports) {
        this(source, baseDir, directory, clusters, policy, reports, null, null, null, null, null);
    }

    public AuditConfig withDirectory(DirectoryConfig d) {
        return new AuditConfig(source, baseDir, d, clusters, policy, reports, store, baseline, patches,
                hardeningCatalogue, events, schedule, mail, daemon, hostSettings);
    }

    /** The same configuration with other {@code reports:} options (a --change-ticket given on the command line). */
    public AuditConfig withReports(ReportsConfig r) {
        return new AuditConfig(source, baseDir, directory, clusters, policy, r, store, baseline, patches,
                hardeningCatalogue, events, schedule, mail, daemon, hostSettings);
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
     * with the same key): {@code store.configName}, else the config file's path.
     */
    public String historyKey() {
        return store.configName() != null ? store.configName().strip() : sourceName();
    }

    /** {@code store.retain}, its defaults when not given. */
    public RetainConfig retain() {
        return store.retain();
    }
}
