package org.kcdauditor.report;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.AuditResult;
import org.kcdauditor.audit.ClusterSummary;
import org.kcdauditor.audit.PairStatus;
import org.kcdauditor.audit.ResolvedCluster;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigException;
import org.kcdauditor.io.IoErrors;
import org.kcdauditor.config.PolicyConfig;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.RbcdPrincipal;
import org.kcdauditor.model.DcRead;
import org.kcdauditor.model.DirectoryPart;
import org.kcdauditor.model.Snapshot;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;
import org.kcdauditor.rules.RuleCatalogue;
import org.kcdauditor.rules.RuleInfo;
import org.kcdauditor.model.Uac;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Builds {@link FindingsDocument} from an audit and reads/writes {@code findings.json}. */
public final class FindingsJson {
    public static final String FILE_NAME = "findings.json";

    /**
     * How every instant of findings.json is written: UTC, exactly six fraction digits (the history store keeps
     * microseconds, and the run cuts its own times to them before storing them) and Z,
     * {@code 2026-12-07T10:41:03.294817Z}; finer digits (an export's 100-ns ticks) are cut. Instant's own form has 0, 3,
     * 6 or 9 digits by the value, which a parser given one fixed pattern reads in some runs only.
     */
    private static final java.time.format.DateTimeFormatter INSTANT = new java.time.format.DateTimeFormatterBuilder()
            .appendInstant(6).toFormatter(Locale.ROOT);

    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            // after the JavaTimeModule: its serializer of Instant is replaced, its reader (any number of digits) kept
            .addModule(new com.fasterxml.jackson.databind.module.SimpleModule("findings-instants")
                    .addSerializer(Instant.class, new com.fasterxml.jackson.databind.ser.std.StdSerializer<>(
                            Instant.class) {
                        @Override
                        public void serialize(Instant value, com.fasterxml.jackson.core.JsonGenerator gen,
                                              com.fasterxml.jackson.databind.SerializerProvider provider)
                                throws IOException {
                            gen.writeString(INSTANT.format(value));
                        }
                    }))
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .defaultPrettyPrinter(new FindingsLayout(Set.of("clusters")))
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private FindingsJson() {
    }

    public static FindingsDocument build(String runId, Instant startedAt, Instant finishedAt, AuditConfig config,
                                         AuditResult result, RuleCatalogue catalogue) {
        AuditContext ctx = result.context();
        PolicyConfig p = ctx.policy();
        Map<String, List<FindingsDocument.PairDoc>> matrix = matrix(ctx);
        List<FindingsDocument.ClusterDoc> clusters = new ArrayList<>();
        for (int i = 0; i < ctx.clusters().size(); i++) {
            ResolvedCluster rc = ctx.clusters().get(i);
            ClusterSummary s = result.clusters().get(i);
            clusters.add(new FindingsDocument.ClusterDoc(rc.name(), rc.nodes().stream().map(AdObject::name).toList(),
                    rc.missingNodes(), rc.fileServers().stream().map(AdObject::name).toList(), s.pairs(), s.pairsOk(),
                    s.requiredEntries(), s.presentEntries(), s.compliancePercent(), s.bySeverity(), null, null,
                    matrix.getOrDefault(rc.name(), List.of()), rc.directory(), ctx.audited(rc) ? null : Boolean.FALSE,
                    ctx.migrationAuthenticationUnchecked(rc).stream().map(AdObject::name).toList(),
                    s.pairs() - s.fileServerPaths(), s.pairsOk() - s.fileServerPathsOk(), s.fileServerPaths(),
                    s.fileServerPathsOk()));
        }
        List<DirectoryPart> parts = directoryParts(ctx.snapshot(), config);
        Map<String, Boolean> changeTimes = new HashMap<>();
        parts.forEach(part -> changeTimes.put(part.name(), part.changeTimes()));
        List<FindingsDocument.HostDoc> hosts = new ArrayList<>();
        for (AdObject n : ctx.nodes()) {
            hosts.add(host(ctx, n, ctx.clusterOf(n), changeTimes));
        }
        // the file servers' accounts (their encryption types, AES keys, SPNs and flags decide whether the pairs into
        // them work), each once, under the first cluster that lists it
        List<FindingsDocument.HostDoc> fileServerHosts = new ArrayList<>();
        Set<AdObject> seen = new HashSet<>();
        for (ResolvedCluster rc : ctx.clusters()) {
            for (AdObject f : rc.fileServers()) {
                if (seen.add(f)) {
                    fileServerHosts.add(host(ctx, f, rc, changeTimes));
                }
            }
        }
        // preflight --all-dcs: a DC it could not read, or not search for other holders of the nodes' SPNs, leaves the
        // check unproven for the clusters whose pairs it serves
        Map<String, List<String>> unreadDcs = new HashMap<>();
        Map<String, List<String>> unsearchedDcs = new HashMap<>();
        for (DirectoryPart part : parts) {
            for (DcRead dc : part.domainControllers()) {
                if (!dc.reachable() || dc.holdersError() != null) {
                    (dc.reachable() ? unsearchedDcs : unreadDcs).computeIfAbsent(part.name(), k -> new ArrayList<>())
                            .add(dc.name());
                }
            }
        }
        GoVerdict.Judge judge = new GoVerdict.Judge(result.findings(), hosts).withGroups(clusters,
                p.migrationGroups()).withUnreadDcs(unreadDcs, unsearchedDcs, parts.isEmpty() ? null
                : parts.get(0).name());
        clusters.replaceAll(c -> c.with(judge.of(c)));
        org.kcdauditor.model.Counts counts = org.kcdauditor.model.Counts.of(result.findings());
        Map<String, Integer> waivedBySeverity = new LinkedHashMap<>();
        for (Severity sev : Severity.values()) {
            waivedBySeverity.put(sev.name(), counts.waived(sev));
        }
        FindingsDocument.Summary summary = new FindingsDocument.Summary(hosts.size(), clusters.size(), result.pairs(),
                result.requiredEntries(), result.presentEntries(), result.compliancePercent(), result.bySeverity(),
                counts.waivedTotal(), waivedBySeverity).withVerdict(clusters);
        return new FindingsDocument(FindingsDocument.SCHEMA_VERSION, runId, startedAt, finishedAt,
                new FindingsDocument.Directory(config.directory().url(), config.directory().baseDn(),
                        ctx.snapshot().dc(), FindingsDocument.readOnlyField(parts.get(0).dcReadOnly()),
                        parts.get(0).writeDc(), ctx.snapshot().aesKeysSince()), summary,
                new FindingsDocument.Policy(p.services(), p.nameForms(), p.protocolTransition(), p.migrationGroups(),
                        p.operators().isEmpty() ? Boolean.TRUE : null),
                clusters, hosts, result.findings(), rules(result.findings(), catalogue), null, null, null, null, null,
                directories(parts, config, result.findings()), otherAccounts(ctx), fileServerHosts);
    }

    /** A node's or a file server's account as {@code hosts[]} and {@code fileServerHosts[]} write it. */
    private static FindingsDocument.HostDoc host(AuditContext ctx, AdObject n, ResolvedCluster cluster,
                                                 Map<String, Boolean> changeTimes) {
        List<String> rbcd = n.rbcdSids().stream().map(sid -> ctx.sidWithName(sid, RbcdPrincipal::label)).toList();
        String directory = cluster.directory();
        return new FindingsDocument.HostDoc(n.name(), n.dnsHostName(), cluster.name(),
                n.userAccountControl(), n.delegateTo(), n.spns(), n.operatingSystem(), n.operatingSystemVersion(),
                n.samAccountName(), n.dn(), n.objectSid(), !n.disabled(), Uac.flagNames(n.userAccountControl()),
                rbcd, n.whenChanged(), n.usnChanged(), n.lastLogon(), n.supportedEncryptionTypes(), n.pwdLastSet(),
                directory, Boolean.TRUE.equals(changeTimes.get(directory)) ? ctx.snapshot().changesOf(n) : null,
                n.rbcdDeniedSids().stream().map(sid -> ctx.sidWithName(sid, RbcdPrincipal::label)).toList());
    }

    /** {@code accounts[]}: the file servers and delegation targets the commands name by another account than cn$. */
    private static List<FindingsDocument.AccountDoc> otherAccounts(AuditContext ctx) {
        Set<String> nodes = new HashSet<>();
        ctx.nodes().forEach(n -> nodes.add(n.name().toLowerCase(Locale.ROOT)));
        List<FindingsDocument.AccountDoc> out = new ArrayList<>();
        ctx.accounts().forEach((name, account) -> {
            if (!nodes.contains(name.toLowerCase(Locale.ROOT))) {
                out.add(new FindingsDocument.AccountDoc(name, account));
            }
        });
        return out;
    }

    /** The snapshot's directories; a snapshot built without them (tests, the store) is the configured first one. */
    /** Each cluster's pairs as findings.json writes them, by cluster name. */
    public static Map<String, List<FindingsDocument.PairDoc>> matrix(AuditContext ctx) {
        Map<String, List<FindingsDocument.PairDoc>> matrix = new HashMap<>();
        for (PairStatus pair : ctx.pairs()) {
            matrix.computeIfAbsent(pair.cluster(), k -> new ArrayList<>()).add(new FindingsDocument.PairDoc(
                    pair.source().name(), pair.target().name(), pair.requiredCount(), pair.present(), pair.ok(),
                    // no list per blocker-free pair: at 20,000 hosts that is 360,000 lists kept through the writers
                    pair.blockers().isEmpty() ? List.of() : pair.blockers().stream()
                            .map(b -> new FindingsDocument.BlockerDoc(b.rule(), b.findingId())).toList(),
                    pair.missing(), pair.unregistered(), pair.rbcd(), pair.fileServer(),
                    pair.sourceEntries().isEmpty() ? null : pair.sourceEntries()));
        }
        return matrix;
    }

    private static List<DirectoryPart> directoryParts(Snapshot s, AuditConfig config) {
        if (!s.directories().isEmpty()) {
            return s.directories();
        }
        String name = config.directories().isEmpty() ? AuditConfig.DEFAULT_DIRECTORY
                : config.directories().keySet().iterator().next();
        return List.of(new DirectoryPart(name, config.directory().url(), config.directory().baseDn(), s.dc(),
                s.dcServerName(), s.aesKeysSince(), false, null, 0, s.objects().size(), null, false, List.of()));
    }

    /**
     * {@code directories[]}: each directory, its URL and base DN as configured (like {@code directory}), and with
     * --all-dcs how each DC compared (from the findings).
     */
    static List<FindingsDocument.DirectoryDoc> directories(List<DirectoryPart> parts, AuditConfig config,
                                                           List<Finding> findings) {
        Map<String, Integer> differences = new HashMap<>();
        Map<String, Integer> newer = new HashMap<>();
        // a difference blocking pairs of several clusters is one finding per cluster: counted once
        Set<String> counted = new HashSet<>();
        for (Finding f : findings) {
            if ("DC_NOT_CONVERGED".equals(f.rule()) && f.hasEvidence() && f.evidence().dc() != null
                    && counted.add((f.evidence().dc() + "\n" + f.host() + "\n" + f.evidence().attribute() + "\n"
                    + f.evidence().spn()).toLowerCase(Locale.ROOT))) {
                differences.merge(f.evidence().dc().toLowerCase(Locale.ROOT), 1, Integer::sum);
                if (f.evidence().lastChange() != null) { // that DC holds the newer write
                    newer.merge(f.evidence().dc().toLowerCase(Locale.ROOT), 1, Integer::sum);
                }
            }
        }
        List<FindingsDocument.DirectoryDoc> out = new ArrayList<>();
        for (DirectoryPart p : parts) {
            List<FindingsDocument.DcDoc> dcs = null;
            if (p.dcCheck()) {
                dcs = new ArrayList<>();
                for (DcRead d : p.domainControllers()) {
                    int n = differences.getOrDefault(d.name().toLowerCase(Locale.ROOT), 0);
                    String result = d.audited() ? FindingsDocument.DcDoc.AUDITED : !d.reachable()
                            ? FindingsDocument.DcDoc.UNREACHABLE : n > 0 ? FindingsDocument.DcDoc.DIFFERS
                            // its holders are unknown: it does not agree, as the DC lines and the verdict say
                            : d.holdersError() != null ? FindingsDocument.DcDoc.NOT_SEARCHED
                            : FindingsDocument.DcDoc.AGREES;
                    dcs.add(new FindingsDocument.DcDoc(d.name(), d.url(), d.readOnly(), result,
                            d.audited() || !d.reachable() ? null : n, newer.get(d.name().toLowerCase(Locale.ROOT)),
                            d.error(), d.holdersError()));
                }
            }
            var configured = config.directories().get(p.name());
            out.add(new FindingsDocument.DirectoryDoc(p.name(), configured != null ? configured.url() : p.url(),
                    configured != null ? configured.baseDn() : p.baseDn(), p.dc(),
                    FindingsDocument.readOnlyField(p.dcReadOnly()), p.writeDc(), p.aesKeysSince(), p.optional(),
                    p.audited(), p.failure(), p.changeTimes(), dcs, configured == null ? null
                    : configured.gssapi() ? configured.principal() : configured.bindDn()));
        }
        return out;
    }

    /**
     * The metadata of the rules that fired, in catalogue order, each with the severities its findings have in this run
     * (most severe first) beside the catalogue's usual one.
     */
    static Map<String, FindingsDocument.RuleDoc> rules(List<Finding> findings, RuleCatalogue catalogue) {
        Map<String, Set<Severity>> fired = new HashMap<>();
        findings.forEach(f -> fired.computeIfAbsent(f.rule(), k -> java.util.EnumSet.noneOf(Severity.class))
                .add(f.severity()));
        Map<String, FindingsDocument.RuleDoc> out = new LinkedHashMap<>();
        for (RuleInfo i : catalogue.infos()) {
            Set<Severity> severities = fired.get(i.id());
            if (severities != null) {
                out.put(i.id(), new FindingsDocument.RuleDoc(i.title(), i.severity(), i.category(), i.why(),
                        i.reference(), List.copyOf(severities)));
            }
        }
        return out;
    }

    /**
     * {@code findings[]}: each finding as its record writes it, then two fields derived from it for pipelines: {@code kb},
     * the hardening KB of a patch finding (which {@code spn} has always held too, and keeps), and {@code consequenceOf},
     * for an unwaived finding that follows from waived ones (an observed failure or a hardening finding on a pair whose
     * delegation is waived), the ids of those waived findings, as the reports' "Consequence of" names them. Both absent
     * where none applies.
     */
    static final class FindingsArray extends com.fasterxml.jackson.databind.ser.std.StdSerializer<List<Finding>> {
        FindingsArray() {
            super(List.class, false);
        }

        @Override
        public void serialize(List<Finding> findings, com.fasterxml.jackson.core.JsonGenerator gen,
                              com.fasterxml.jackson.databind.SerializerProvider provider) throws IOException {
            Set<String> waived = new HashSet<>();
            for (Finding f : findings) {
                if (f.isWaived()) {
                    waived.add(f.id());
                }
            }
            com.fasterxml.jackson.databind.JsonSerializer<Object> fields = provider.findValueSerializer(Finding.class)
                    .unwrappingSerializer(com.fasterxml.jackson.databind.util.NameTransformer.NOP);
            gen.writeStartArray(findings, findings.size());
            for (Finding f : findings) {
                gen.writeStartObject(f);
                fields.serialize(f, gen, provider);
                String kb = ReportView.kbOf(f);
                if (kb != null) {
                    gen.writeStringField("kb", kb);
                }
                List<String> of = f.isWaived() ? List.of() : f.causes().stream().filter(waived::contains).toList();
                if (!of.isEmpty()) {
                    gen.writeArrayFieldStart("consequenceOf");
                    for (String id : of) {
                        gen.writeString(id);
                    }
                    gen.writeEndArray();
                }
                gen.writeEndObject();
            }
            gen.writeEndArray();
        }
    }

    /**
     * The {@code runId} of the findings.json {@code file}, read from its first fields without binding the document (at
     * 20,000 hosts it is over 100 MB); null when the file is no JSON object naming one.
     */
    public static String runIdOf(Path file) {
        try (JsonParser p = MAPPER.getFactory().createParser(file.toFile())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("runId".equals(name)) {
                    return value == JsonToken.VALUE_STRING ? p.getText() : null;
                }
                p.skipChildren();
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Reads a stored run; a missing or foreign file is a user error naming the file. */
    public static FindingsDocument read(Path file) {
        try {
            // a key written twice is refused, as in the config and the baseline: Jackson would keep the last one
            FindingsDocument doc = MAPPER.readerFor(FindingsDocument.class)
                    .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).readValue(file.toFile());
            if (doc == null || doc.schemaVersion() != FindingsDocument.SCHEMA_VERSION) {
                throw new ConfigException(file + ": not a kcd-audit findings.json of this version (schemaVersion "
                        + (doc == null || doc.schemaVersion() == 0 ? "missing" : doc.schemaVersion()) + "; this kcd-audit reads "
                        + FindingsDocument.SCHEMA_VERSION + ")");
            }
            if (doc.findings() == null || doc.directory() == null) {
                throw new ConfigException(file + ": an incomplete findings.json (no " + (doc.findings() == null
                        ? "findings" : "directory") + " section); give the folder of a finished run");
            }
            return doc;
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new ConfigException(file + ": not found (give the folder of a run, e.g. reports/20261126-060000-1a2b3c4d)");
        } catch (com.fasterxml.jackson.databind.exc.InvalidTypeIdException
                 | com.fasterxml.jackson.databind.exc.InvalidFormatException e) {
            // one value this version does not know (an action type, a severity): name it, not "not a findings.json"
            Object value = e instanceof com.fasterxml.jackson.databind.exc.InvalidFormatException f ? f.getValue()
                    : ((com.fasterxml.jackson.databind.exc.InvalidTypeIdException) e).getTypeId();
            throw new ConfigException(file + ": " + org.kcdauditor.config.YamlText.path(e.getPath()) + ": unknown"
                    + " value '" + value + "' (a findings.json of a newer kcd-audit?); render it with the version that"
                    + " wrote it");
        } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
            throw new ConfigException(file + ": not a kcd-audit findings.json (" + (e.getOriginalMessage() != null
                    && e.getOriginalMessage().startsWith("No content") ? "the file is empty" : "it holds no JSON object"
                    + " with a run's findings") + "); give the folder of a finished run");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            if (e.getProcessor() instanceof JsonParser p
                    && String.valueOf(e.getOriginalMessage()).startsWith("Duplicate field '")) {
                String path = org.kcdauditor.config.YamlText.path(p);
                throw new ConfigException(file + ":" + e.getLocation().getLineNr() + ": " + (path.isEmpty() ? ""
                        : path + ": ") + "'" + p.getParsingContext().getCurrentName() + "' appears twice; only one can"
                        + " count: kcd-audit never writes that, so the file was edited: give the findings.json of a"
                        + " finished run as it was written");
            }
            String m = String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse("")
                    .replaceAll("\\s*\\(start marker at .*", "").replaceAll("`[^`]*`", "a value");
            if (m.startsWith("Unexpected end-of-input")) {
                throw new ConfigException(file + ": cannot read findings.json: it ends early (a copy cut short?);"
                        + " give the findings.json of a finished run");
            }
            String line = e.getLocation() == null || e.getLocation().getLineNr() < 1 ? ""
                    : " (line " + e.getLocation().getLineNr() + ")";
            throw new ConfigException(file + ": cannot read findings.json" + line + ": " + m + "; give the"
                    + " findings.json of a finished run");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read findings.json: " + IoErrors.describe(e));
        }
    }
}
