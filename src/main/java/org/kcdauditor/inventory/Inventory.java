package org.kcdauditor.inventory;

import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.model.EventRecord;
import org.kcdauditor.model.HostSettings;
import org.kcdauditor.model.PatchRecord;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Imports the patch, event and host-settings exports a config names. Records of hosts that {@code node}
 * does not name (not a cluster node) are counted per file as {@link ImportResult#notAudited}, their hosts named once
 * each (at most {@link ImportResult#MAX_PROBLEMS} per file), and dropped while streaming, so memory stays bounded by
 * the nodes. KDCSVC events of domain controllers are kept when {@code keepKdc} accepts the account or the
 * service they name. A file that fails is reported in its {@link ImportResult}; the others are still read.
 */
public final class Inventory {
    /** Everything imported for one run. */
    public record Imported(List<PatchRecord> patches, List<EventRecord> events, List<HostSettings> hostSettings,
                           List<ImportResult> results) {
        public Imported {
            patches = List.copyOf(patches);
            events = List.copyOf(events);
            hostSettings = List.copyOf(hostSettings);
            results = List.copyOf(results);
        }
    }

    private Inventory() {
    }

    /**
     * @param node    the cluster node a host name ({@code HV01}, {@code hv01.contoso.com}) names, as one key for
     *                every form of its name; null when it names none
     * @param keepKdc whether an account or service named by a KDCSVC event ({@code HV01$}, {@code CONTOSO\NAS01$},
     *                {@code cifs/nas01.contoso.com}) is an object the audit looks at
     * @param today   the day of the run (UTC): an update installed after it is kept with a note (a date read in the
     *                wrong order, or a wrong clock)
     */
    public static Imported load(AuditConfig config, Function<String, String> node, Predicate<String> keepKdc,
                                LocalDate today) {
        Predicate<String> keep = name -> node.apply(name) != null;
        List<ImportResult> results = new ArrayList<>();
        Map<String, PatchRecord> patches = new LinkedHashMap<>();
        SourceFiles.Expansion ps = SourceFiles.expand(config.patches().sources(), config::resolve);
        ps.problems().forEach(p -> results.add(new ImportResult(p.pattern(), "patches", null, 0, 0, p.reason(), List.of())));
        PatchImporter pi = new PatchImporter(config.patches().mappings());
        for (Path f : ps.files()) {
            NotAudited other = new NotAudited();
            List<PatchRecord> later = new ArrayList<>();
            results.add(afterToday(other.into(pi.read(f, r -> {
                // one node's updates exported under its NetBIOS name and its FQDN are counted once
                String host = node.apply(r.host());
                if (host == null) {
                    other.add(r.host(), r.origin());
                } else {
                    if (r.installedOn() != null && r.installedOn().isAfter(today)) {
                        later.add(r);
                    }
                    String key = host + "|" + r.kb();
                    PatchRecord prev = patches.get(key);
                    if (prev == null || (prev.installedOn() == null && r.installedOn() != null)) {
                        patches.put(key, r);
                    }
                }
            }, p -> { })), later, today));
        }
        List<EventRecord> events = new ArrayList<>();
        // one event exported twice (overlapping exports, a file copied) is one event: counted once, the first kept
        java.util.Set<String> seen = new java.util.HashSet<>();
        SourceFiles.Expansion es = SourceFiles.expand(config.events().sources(), config::resolve);
        es.problems().forEach(p -> results.add(new ImportResult(p.pattern(), "events", null, 0, 0, p.reason(), List.of())));
        EventImporter ei = new EventImporter(config.events().ids(), config.events().zone());
        for (Path f : es.files()) {
            NotAudited other = new NotAudited();
            results.add(other.into(ei.read(f, e -> {
                boolean wanted = e.kdc()
                        ? (e.accountName() != null && keepKdc.test(e.accountName()))
                        || (e.serviceName() != null && keepKdc.test(e.serviceName()))
                        : keep.test(e.host()) || (e.sourceHost() != null && keep.test(e.sourceHost()));
                if (!wanted) {
                    other.add(e.kdc() ? (e.accountName() != null ? e.accountName() : e.serviceName()) : e.host(),
                            e.origin());
                } else if (seen.add((e.host() == null ? "" : e.host().toLowerCase(Locale.ROOT)) + "|" + e.eventId()
                        + "|" + e.timeCreated() + "|" + e.message())) {
                    events.add(e);
                }
            }, p -> { })));
        }
        // one record per node (hv01 and hv01.contoso.com alike): the first file in glob order that names it, unless a
        // later one blocks the node where it does not (CredSSP, migration disabled): exports of different days may
        // disagree, and a GO must not rest on the one that allows the move
        Map<String, HostSettings> settings = new LinkedHashMap<>();
        SourceFiles.Expansion hs = SourceFiles.expand(config.hostSettings().sources(), config::resolve);
        hs.problems().forEach(p -> results.add(new ImportResult(p.pattern(), "hostSettings", null, 0, 0, p.reason(),
                List.of())));
        HostSettingsImporter hi = new HostSettingsImporter();
        for (Path f : hs.files()) {
            NotAudited other = new NotAudited();
            results.add(other.into(hi.read(f, r -> {
                String host = node.apply(r.computer());
                if (host == null) {
                    other.add(r.computer(), r.origin());
                } else {
                    // the other rows are kept with it: the finding names those that do not count
                    settings.merge(host, r, (kept, later) -> later.blocks() > kept.blocks() ? later.over(kept)
                            : kept.over(later));
                }
            }, p -> { })));
        }
        return new Imported(new ArrayList<>(patches.values()), events, new ArrayList<>(settings.values()), results);
    }

    /**
     * One file's records for hosts not audited: how many, and each host (the first {@link ImportResult#MAX_PROBLEMS},
     * by name as written, case-insensitively) with its first line and its number of records.
     */
    /**
     * {@code r} with a note for each record installed after {@code today} (kept: the update is there, its date is not
     * to be trusted): an export read with the day and month swapped, or a host whose clock was wrong.
     */
    private static ImportResult afterToday(ImportResult r, List<PatchRecord> later, LocalDate today) {
        if (later.isEmpty()) {
            return r;
        }
        List<ImportProblem> problems = new ArrayList<>(r.problems());
        for (PatchRecord p : later) {
            if (problems.size() < ImportResult.MAX_PROBLEMS) {
                problems.add(new ImportProblem(r.file(), NotAudited.line(p.origin()), "InstalledOn " + p.installedOn()
                        + " is after the day of this run (" + today + "): a date read in the wrong order (the"
                        + " export's locale) or a wrong clock on " + CsvInput.shown(p.host()), false));
            }
        }
        problems.sort(java.util.Comparator.comparingLong(ImportProblem::line));
        return new ImportResult(r.file(), r.kind(), r.format(), r.records(), r.skipped(), r.error(), problems,
                r.notAudited(), r.notAuditedHosts(), r.modified());
    }

    private static final class NotAudited {
        private record Host(String name, long line, long[] rows) {
        }

        private final Map<String, Host> hosts = new LinkedHashMap<>();
        private long count;

        void add(String name, String origin) {
            count++;
            String shown = name == null ? "" : name;
            Host h = hosts.get(shown.toLowerCase(Locale.ROOT));
            if (h != null) {
                h.rows()[0]++;
            } else if (hosts.size() < ImportResult.MAX_PROBLEMS) {
                hosts.put(shown.toLowerCase(Locale.ROOT), new Host(shown, line(origin), new long[]{1}));
            }
        }

        /** {@code r} with these records moved from {@code records} to {@code notAudited}, each host a problem. */
        ImportResult into(ImportResult r) {
            if (count == 0) {
                return r;
            }
            List<ImportProblem> problems = new ArrayList<>(r.problems());
            for (Host h : hosts.values()) {
                if (problems.size() < ImportResult.MAX_PROBLEMS) {
                    problems.add(new ImportProblem(r.file(), h.line(), (h.name().isEmpty() ? "no host named"
                            : "host '" + CsvInput.shown(h.name()) + "'") + " is not audited (no node of a configured"
                            + " cluster): " + (h.rows()[0] == 1 ? "its record was" : "its " + h.rows()[0]
                            + " records were") + " read, not used", false, true));
                }
            }
            problems.sort(java.util.Comparator.comparingLong(ImportProblem::line));
            return new ImportResult(r.file(), r.kind(), r.format(), r.records() - count, r.skipped(), r.error(),
                    problems, count, hosts.values().stream().map(Host::name).toList(), r.modified());
        }

        /** The line of an origin {@code file:line}; 0 when it names none. */
        private static long line(String origin) {
            try {
                return origin == null ? 0 : Long.parseLong(origin.substring(origin.lastIndexOf(':') + 1));
            } catch (NumberFormatException e) {
                return 0;
            }
        }
    }
}
