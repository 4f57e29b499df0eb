package org.kcdauditor.config;

import java.util.List;
import java.util.Locale;

/** Validation of the history keys: store, baseline, patches, hardeningCatalogue, events, hostSettings. */
final class HistoryConfigValidation {
    private HistoryConfigValidation() {
    }

    /**
     * Whether a lower-cased H2 URL names an H2 server ({@code tcp://}, {@code ssl://}, several hosts by comma) that is not
     * on this machine: H2's TLS checks no certificate, and {@code tcp://} encrypts nothing.
     */
    static boolean h2ServerElsewhere(String url) {
        for (String prefix : new String[]{"jdbc:h2:tcp://", "jdbc:h2:ssl://"}) {
            if (url.startsWith(prefix)
                    && StoreConfig.hosts(url.substring(prefix.length())).stream()
                    .anyMatch(h -> !ScheduleConfigValidation.isLoopback(h))) {
                return true;
            }
        }
        return false;
    }

    static void validate(AuditConfig c, List<String> errors) {
        StoreConfig s = c.store();
        if (s.url() != null && s.url().isBlank()) {
            errors.add("store.url: empty (jdbc:h2:file:data/kcd-audit or jdbc:postgresql://host/db; leave it out"
                    + " for the default)");
        } else if (s.url() != null && s.url().contains("://") && ConfigLoader.holdsUserInfo(s.url())) {
            errors.add("store.url: " + ConfigLoader.USER_INFO + "; put credentials in store.userEnv/store.passwordEnv,"
                    + " not in the URL");
        } else if (s.url() != null) {
            String u = s.url().toLowerCase(Locale.ROOT);
            if (!u.startsWith("jdbc:h2:") && !u.startsWith("jdbc:postgresql:")) {
                errors.add("store.url: must start with jdbc:h2: or jdbc:postgresql: " + ConfigLoader.got(s.url()));
            } else if (h2ServerElsewhere(u)) {
                errors.add("store.url: an H2 server on another machine (jdbc:h2:tcp:// or jdbc:h2:ssl://) is reached"
                        + " without checking its certificate, so whoever sits on the path reads and alters the history;"
                        + " use PostgreSQL (jdbc:postgresql://host/db, TLS verified) for a store on another machine, or"
                        + " an H2 file (jdbc:h2:file:…) on this one");
            }
        }
        if (s.url() != null && ConfigLoader.holdsCredentialParameter(s.url())) {
            errors.add("store.url: put credentials in store.userEnv/store.passwordEnv, not in the URL");
        }
        Secrets.checkEnvName("store.userEnv", s.userEnv(), errors);
        Secrets.checkEnvName("store.passwordEnv", s.passwordEnv(), errors);
        if (s.retain().runs() != null && s.retain().runs() < 0) {
            errors.add("store.retain.runs: 0 (no limit) or more (got " + s.retain().runs() + ")");
        }
        if (s.retain().days() != null && s.retain().days() < 0) {
            errors.add("store.retain.days: 0 (no limit) or more (got " + s.retain().days() + ")");
        }
        if (s.configName() != null && (s.configName().isBlank() || s.configName().length() > 200)) {
            errors.add("store.configName: give a short name such as contoso-hyperv (1 to 200 characters), or"
                    + " leave it out to file runs under the config file's path");
        }
        if (c.baseline() != null && c.baseline().file() != null && c.baseline().file().isBlank()) {
            errors.add(c.baseline().maxWaiverDays() == null ? "baseline: empty path" : "baseline.file: empty path");
        }
        if (c.baseline() != null && c.baseline().maxWaiverDays() != null && c.baseline().maxWaiverDays() < 1) {
            errors.add("baseline.maxWaiverDays: must be at least 1 (days a waiver may run; default "
                    + BaselineConfig.DEFAULT_MAX_WAIVER_DAYS + ")");
        }
        if (c.hardeningCatalogue() != null && c.hardeningCatalogue().isBlank()) {
            errors.add("hardeningCatalogue: empty path");
        }
        sources("patches.sources", c.patches().sources(), errors);
        List<PatchMapping> mappings = c.patches().mappings();
        for (int i = 0; i < mappings.size(); i++) {
            PatchMapping m = mappings.get(i);
            String at = "patches.mappings[" + i + "]";
            if (ConfigLoader.blank(m.name())) {
                errors.add(at + ".name: missing (e.g. wsus, configmgr)");
            }
            if (ConfigLoader.blank(m.computer())) {
                errors.add(at + ".computer: missing (the column naming the computer)");
            }
            if (ConfigLoader.blank(m.hotFixId())) {
                errors.add(at + ".hotFixId: missing (the column holding the KB id or update title)");
            }
        }
        sources("events.sources", c.events().sources(), errors);
        sources("hostSettings.sources", c.hostSettings().sources(), errors);
        if (!c.events().zoneValid()) {
            errors.add("events.timeZone: '" + c.events().timeZone() + "' is not a time zone id; give an IANA id such as"
                    + " Europe/Berlin or America/New_York (the exporting hosts' zone), or UTC");
        }
        for (int i = 0; i < c.events().ids().size(); i++) {
            Integer id = c.events().ids().get(i);
            if (id == null || id <= 0 || id > 65535) {
                errors.add("events.ids[" + i + "]: an event id between 1 and 65535");
            }
        }
    }

    private static void sources(String key, List<String> sources, List<String> errors) {
        for (int i = 0; i < sources.size(); i++) {
            if (ConfigLoader.blank(sources.get(i))) {
                errors.add(key + "[" + i + "]: empty glob");
            }
        }
    }
}
