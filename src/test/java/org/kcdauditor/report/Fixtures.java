package org.kcdauditor.report;

import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Findings documents for the report tests. */
public final class Fixtures {
    private Fixtures() {
    }

    /** The demo run (two clusters, typical drift) with a fixed run id, time and directory. */
    public static FindingsDocument demo() {
        try (InputStream in = Fixtures.class.getResourceAsStream("/report/findings-demo.json")) {
            return FindingsJson.MAPPER.readValue(in, FindingsDocument.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The demo with one host's fields replaced (e.g. a hostile name or an operating system). */
    public static FindingsDocument withHost(FindingsDocument d, String name, java.util.function.UnaryOperator<FindingsDocument.HostDoc> edit) {
        List<FindingsDocument.HostDoc> hosts = new ArrayList<>();
        for (FindingsDocument.HostDoc h : d.hosts()) {
            hosts.add(h.name().equals(name) ? edit.apply(h) : h);
        }
        return new FindingsDocument(d.schemaVersion(), d.runId(), d.startedAt(), d.finishedAt(), d.directory(),
                d.summary(), d.policy(), d.clusters(), hosts, d.findings());
    }

    public static FindingsDocument withFindings(FindingsDocument d, List<Finding> extra) {
        List<Finding> all = new ArrayList<>(d.findings());
        all.addAll(extra);
        return new FindingsDocument(d.schemaVersion(), d.runId(), d.startedAt(), d.finishedAt(), d.directory(),
                d.summary(), d.policy(), d.clusters(), d.hosts(), all);
    }

    /** The demo with its HV02 -> HV03 MISSING_DELEGATION findings waived until 2035-12-31. */
    public static FindingsDocument waivedHv02ToHv03() {
        FindingsDocument d = demo();
        Finding.Waiver w = new Finding.Waiver("HV03 is being rebuilt, CHG0042", java.time.LocalDate.of(2035, 12, 31));
        List<Finding> all = d.findings().stream().map(f -> "MISSING_DELEGATION".equals(f.rule())
                && "HV02".equals(f.host()) && "HV03".equals(f.peer()) ? f.withWaiver(w) : f).toList();
        return new FindingsDocument(d.schemaVersion(), d.runId(), d.startedAt(), d.finishedAt(), d.directory(),
                d.summary(), d.policy(), d.clusters(), d.hosts(), all);
    }

    /** {@code d} with every history section, its times with nanoseconds as a live run's are. */
    public static FindingsDocument withHistory(FindingsDocument d) {
        java.time.Instant at = java.time.Instant.parse("2026-11-26T22:22:17.598717496Z");
        HistorySections.HistoryDoc h = new HistorySections.HistoryDoc("6e454dae-1f2e", at, List.of(), List.of(),
                List.of(new HistorySections.ChangeDoc("6e454dae-1f2e", at, "HV01", "delegation entry added")));
        HistorySections.BaselineDoc b = new HistorySections.BaselineDoc("baseline.yaml", at, "6e454dae", "jdoe", 1,
                List.of());
        List<HistorySections.EventDoc> events = List.of(new HistorySections.EventDoc("HV02", 21502, at, "HV02",
                "HV03", "NO_CREDENTIALS", "0x8009030E", "Live migration failed.", "events.csv"));
        List<org.kcdauditor.inventory.ImportResult> imports = List.of(new org.kcdauditor.inventory.ImportResult(
                "events.csv", "events", "CSV", 1, 1, null, List.of()));
        return d.withHistory(new HistorySections.Sections(h, b,
                new HistorySections.PatchesDoc(List.of(), List.of()), events, imports));
    }

    public static Finding missing(String host, String peer, String spn) {
        return Finding.of("MISSING_DELEGATION", Severity.HIGH, "HVC1", host, peer, spn,
                host + " is not allowed to delegate to " + spn + ", so live migration " + host + " -> " + peer + " fails.",
                "Add it.");
    }

    public static FindingsDocument.HostDoc os(FindingsDocument.HostDoc h, String os) {
        return new FindingsDocument.HostDoc(h.name(), h.dnsHostName(), h.cluster(), h.userAccountControl(),
                h.delegateTo(), h.spns(), os, h.operatingSystemVersion(), h.samAccountName(), h.distinguishedName(),
                h.objectSid(), h.enabled(), h.uacFlags(), h.rbcdAllowed(), h.whenChanged(), h.uSNChanged(),
                h.lastLogonTimestamp());
    }
}
