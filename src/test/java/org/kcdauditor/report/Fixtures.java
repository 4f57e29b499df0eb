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
