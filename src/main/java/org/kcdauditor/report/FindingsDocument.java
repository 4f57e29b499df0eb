package org.kcdauditor.report;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import org.kcdauditor.inventory.ImportResult;
import org.kcdauditor.config.ProtocolTransition;
import org.kcdauditor.model.AttributeChange;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;
import org.kcdauditor.rules.Category;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code findings.json}, schema version 1: the contract other tools read, and the only input of
 * every report writer (through the {@link org.kcdauditor.report.view.ReportView} built from it) ({@code report --from DIR} re-renders from it without touching AD). Fields
 * beyond the documented core ({@code policy}, {@code clusters}, extra host fields) are additions;
 * readers must ignore fields they do not know.
 */
@JsonPropertyOrder({"schemaVersion", "runId", "startedAt", "finishedAt", "directory", "directories", "summary", "policy",
        "clusters", "hosts", "fileServerHosts", "accounts", "findings", "rules", "history", "baseline", "patches", "events", "imports"})
@JsonIgnoreProperties(ignoreUnknown = true)
public record FindingsDocument(int schemaVersion, String runId, Instant startedAt, Instant finishedAt,
                               Directory directory, Summary summary, Policy policy, List<ClusterDoc> clusters,
                               List<HostDoc> hosts,
                               @JsonSerialize(using = FindingsJson.FindingsArray.class) List<Finding> findings,
                               @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, RuleDoc> rules,
                               @JsonInclude(JsonInclude.Include.NON_NULL) HistorySections.HistoryDoc history,
                               @JsonInclude(JsonInclude.Include.NON_NULL) HistorySections.BaselineDoc baseline,
                               @JsonInclude(JsonInclude.Include.NON_NULL) HistorySections.PatchesDoc patches,
                               @JsonInclude(JsonInclude.Include.NON_NULL) List<HistorySections.EventDoc> events,
                               @JsonInclude(JsonInclude.Include.NON_NULL) List<ImportResult> imports,
                               @JsonInclude(JsonInclude.Include.NON_NULL) List<DirectoryDoc> directories,
                               @JsonInclude(JsonInclude.Include.NON_EMPTY) List<AccountDoc> accounts,
                               @JsonInclude(JsonInclude.Include.NON_EMPTY) List<HostDoc> fileServerHosts) {

    public static final int SCHEMA_VERSION = 1;

    /**
     * Without {@code fileServerHosts} (no cluster with a file server found, or a findings.json written before the file
     * servers' accounts were kept: their names only, in {@code clusters[].fileServers}).
     */
    public FindingsDocument(int schemaVersion, String runId, Instant startedAt, Instant finishedAt,
                            Directory directory, Summary summary, Policy policy, List<ClusterDoc> clusters,
                            List<HostDoc> hosts, List<Finding> findings, Map<String, RuleDoc> rules,
                            HistorySections.HistoryDoc history, HistorySections.BaselineDoc baseline,
                            HistorySections.PatchesDoc patches, List<HistorySections.EventDoc> events,
                            List<ImportResult> imports, List<DirectoryDoc> directories, List<AccountDoc> accounts) {
        this(schemaVersion, runId, startedAt, finishedAt, directory, summary, policy, clusters, hosts, findings, rules,
                history, baseline, patches, events, imports, directories, accounts, null);
    }

    /** Without {@code accounts} (no file server or delegation target whose cn is not its account name). */
    public FindingsDocument(int schemaVersion, String runId, Instant startedAt, Instant finishedAt,
                            Directory directory, Summary summary, Policy policy, List<ClusterDoc> clusters,
                            List<HostDoc> hosts, List<Finding> findings, Map<String, RuleDoc> rules,
                            HistorySections.HistoryDoc history, HistorySections.BaselineDoc baseline,
                            HistorySections.PatchesDoc patches, List<HistorySections.EventDoc> events,
                            List<ImportResult> imports, List<DirectoryDoc> directories) {
        this(schemaVersion, runId, startedAt, finishedAt, directory, summary, policy, clusters, hosts, findings, rules,
                history, baseline, patches, events, imports, directories, null);
    }

    /** Without {@code directories} (a findings.json written before several directories could be audited). */
    public FindingsDocument(int schemaVersion, String runId, Instant startedAt, Instant finishedAt,
                            Directory directory, Summary summary, Policy policy, List<ClusterDoc> clusters,
                            List<HostDoc> hosts, List<Finding> findings, Map<String, RuleDoc> rules,
                            HistorySections.HistoryDoc history, HistorySections.BaselineDoc baseline,
                            HistorySections.PatchesDoc patches, List<HistorySections.EventDoc> events,
                            List<ImportResult> imports) {
        this(schemaVersion, runId, startedAt, finishedAt, directory, summary, policy, clusters, hosts, findings, rules,
                history, baseline, patches, events, imports, null);
    }

    /** The core document, without history sections. */
    public FindingsDocument(int schemaVersion, String runId, Instant startedAt, Instant finishedAt,
                            Directory directory, Summary summary, Policy policy, List<ClusterDoc> clusters,
                            List<HostDoc> hosts, List<Finding> findings, Map<String, RuleDoc> rules) {
        this(schemaVersion, runId, startedAt, finishedAt, directory, summary, policy, clusters, hosts, findings,
                rules, null, null, null, null, null);
    }

    /** This document with the history sections (previous run, baseline, patches, events, imports) added. */
    public FindingsDocument withHistory(HistorySections.Sections s) {
        return new FindingsDocument(schemaVersion, runId, startedAt, finishedAt, directory, summary, policy, clusters,
                hosts, findings, rules, s.history(), s.baseline(), s.patches(), s.events(), s.imports(), directories,
                accounts, fileServerHosts);
    }

    /**
     * This document naming {@code file} as the configuration the run read ({@code summary.configFile}): absolute and
     * without {@code .} and {@code ..}, as a runbook read from another folder or by the daemon's admin needs it.
     */
    public FindingsDocument withConfigFile(String file) {
        return new FindingsDocument(schemaVersion, runId, startedAt, finishedAt, directory, summary.withConfigFile(
                file), policy, clusters, hosts, findings, rules, history,
                baseline, patches, events, imports, directories, accounts, fileServerHosts);
    }

    /**
     * This document naming the kcd-audit that ran ({@code summary.tool}) and the SHA-256 of the configuration file it
     * read ({@code summary.configSha256}, null: none).
     */
    public FindingsDocument withProvenance(String tool, String configSha256) {
        return new FindingsDocument(schemaVersion, runId, startedAt, finishedAt, directory, summary.withProvenance(tool,
                configSha256), policy, clusters, hosts, findings, rules, history, baseline, patches, events, imports,
                directories, accounts, fileServerHosts);
    }

    /**
     * This document recording {@code ticket} (null: none) as the change ticket its reports are prepared under
     * ({@code summary.changeTicket}).
     */
    public FindingsDocument withChangeTicket(String ticket) {
        return new FindingsDocument(schemaVersion, runId, startedAt, finishedAt, directory, summary.withChangeTicket(
                ticket), policy, clusters, hosts, findings, rules, history, baseline, patches, events, imports,
                directories, accounts, fileServerHosts);
    }

    /** This document with other findings (tests, and re-rendering with edits). */
    public FindingsDocument withFindings(List<Finding> other) {
        return new FindingsDocument(schemaVersion, runId, startedAt, finishedAt, directory, summary, policy, clusters,
                hosts, other, rules, history, baseline, patches, events, imports, directories, accounts,
                fileServerHosts);
    }

    /**
     * {@code rules}: the metadata of every rule that fired, by id, as the catalogue of the run's version
     * had it, so a report rendered later from this file shows the same titles and reasons.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonPropertyOrder({"title", "severity", "category", "why", "reference", "effectiveSeverities"})
    public record RuleDoc(String title, Severity severity, Category category, String why, String reference,
                          @JsonInclude(JsonInclude.Include.NON_NULL) List<Severity> effectiveSeverities) {
        /**
         * Without the severities of this run (a findings.json written before them). {@code severity} is the
         * catalogue's usual severity; {@code effectiveSeverities} those the rule's findings have in this run, most
         * severe first (PROTOCOL_TRANSITION_MISMATCH is INFO under policy "either", BASELINE_FLAGS_CHANGED HIGH or
         * MEDIUM).
         */
        public RuleDoc(String title, Severity severity, Category category, String why, String reference) {
            this(title, severity, category, why, reference, null);
        }
    }

    /**
     * @param dc           the DC the run read: its root DSE's dnsHostName; null where the server has none (not AD)
     * @param dcReadOnly   true where that DC is read-only (it takes no write and pushes nothing); absent otherwise
     * @param writeDc      where it is read-only, the DC the remediation writes to and pushes from: the domain's PDC
     *                     emulator; absent when the DC read is writable or the PDC emulator could not be read
     * @param aesKeysSince whenCreated of the domain's RID-521 group (passwords set before have no AES keys), or null
     */
    @JsonPropertyOrder({"url", "baseDn", "dc", "dcReadOnly", "writeDc", "aesKeysSince"})
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Directory(String url, String baseDn, String dc,
                            @JsonInclude(JsonInclude.Include.NON_NULL) Boolean dcReadOnly,
                            @JsonInclude(JsonInclude.Include.NON_NULL) String writeDc, Instant aesKeysSince) {
        public Directory(String url, String baseDn) {
            this(url, baseDn, null, null);
        }

        /** Read from a writable DC (or none). */
        public Directory(String url, String baseDn, String dc, Instant aesKeysSince) {
            this(url, baseDn, dc, null, null, aesKeysSince);
        }

        /** Whether the DC read is read-only ({@code dcReadOnly}; false when absent). */
        public boolean readFromReadOnlyDc() {
            return Boolean.TRUE.equals(dcReadOnly);
        }
    }

    /** {@code dcReadOnly} as written: true, or absent (null) for a writable DC. */
    static Boolean readOnlyField(boolean readOnly) {
        return readOnly ? Boolean.TRUE : null;
    }

    /**
     * One audited directory (domain): {@code directories[]}. {@code directory} above is the first of them.
     *
     * @param name              its name ({@code default} for {@code directory:}, else its key under {@code directories:})
     * @param dc                the DC read (root DSE dnsHostName), null where it has none or was not read
     * @param dcReadOnly        {@link Directory#dcReadOnly}
     * @param writeDc           {@link Directory#writeDc}
     * @param optional          {@code directories.<name>.optional}
     * @param audited           false when an optional directory could not be read: its clusters were not audited
     * @param failure           why it could not be read
     * @param changeTimes       whether the DC gave replication metadata (when and where delegation changed); null
     *                          when no node was asked for it
     * @param domainControllers {@code preflight --all-dcs}: every DC of the domain and how it compared; null when
     *                          the DCs were not checked
     * @param account           the account the directory was read as: {@code bindDn}, or {@code principal} for
     *                          {@code auth: gssapi} (its name only, never a secret); null in a findings.json written
     *                          before it
     */
    @JsonPropertyOrder({"name", "url", "baseDn", "dc", "dcReadOnly", "writeDc", "aesKeysSince", "optional", "audited",
            "failure", "changeTimes", "domainControllers", "account"})
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DirectoryDoc(String name, String url, String baseDn, String dc,
                               @JsonInclude(JsonInclude.Include.NON_NULL) Boolean dcReadOnly,
                               @JsonInclude(JsonInclude.Include.NON_NULL) String writeDc, Instant aesKeysSince,
                               boolean optional, boolean audited, @JsonInclude(JsonInclude.Include.NON_NULL) String failure,
                               @JsonInclude(JsonInclude.Include.NON_NULL) Boolean changeTimes,
                               @JsonInclude(JsonInclude.Include.NON_NULL) List<DcDoc> domainControllers,
                               @JsonInclude(JsonInclude.Include.NON_NULL) String account) {
        /** Without the account it was read as (a findings.json written before it). */
        public DirectoryDoc(String name, String url, String baseDn, String dc, Boolean dcReadOnly, String writeDc,
                            Instant aesKeysSince, boolean optional, boolean audited, String failure,
                            Boolean changeTimes, List<DcDoc> domainControllers) {
            this(name, url, baseDn, dc, dcReadOnly, writeDc, aesKeysSince, optional, audited, failure, changeTimes,
                    domainControllers, null);
        }

        /** The same as {@code directory} describes the first one (the server a remediation writes to). */
        public Directory asDirectory() {
            return new Directory(url, baseDn, dc, dcReadOnly, writeDc, aesKeysSince);
        }
    }

    /**
     * One domain controller as {@code preflight --all-dcs} found it: {@code result} is {@code audited} (the DC the
     * run read), {@code agrees}, {@code differs} ({@code differences}: the differences its DC_NOT_CONVERGED findings
     * report, one that blocks pairs of several clusters, a finding of each, counted once),
     * {@code notSearched} (read, no difference in what was read, but the search of it for other holders of the nodes'
     * SPNs failed: {@code holdersError} says why, and whether it agrees is unknown) or {@code unreachable}
     * ({@code error} says why); {@code newer}, when some, how many of those differences this DC holds the newer write
     * of by its replication metadata (the DC the run read has not received them yet); {@code holdersError}, for a DC
     * that was read, why the search of it for other holders of the nodes' SPNs failed: whether it holds a duplicate is
     * unknown ({@code notSearched}, or {@code differs} beside its differences; a findings.json written before
     * {@code notSearched} has {@code agrees} there, which the reports do not count as agreeing).
     */
    @JsonPropertyOrder({"name", "url", "readOnly", "result", "differences", "newer", "error", "holdersError"})
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DcDoc(String name, String url, boolean readOnly, String result, Integer differences, Integer newer,
                        String error, String holdersError) {
        public DcDoc(String name, String url, boolean readOnly, String result, Integer differences, Integer newer,
                     String error) {
            this(name, url, readOnly, result, differences, newer, error, null);
        }

        public DcDoc(String name, String url, boolean readOnly, String result, Integer differences, String error) {
            this(name, url, readOnly, result, differences, null, error);
        }

        public static final String AUDITED = "audited";
        public static final String AGREES = "agrees";
        public static final String DIFFERS = "differs";
        /** Read, but the search of it for other holders of the nodes' SPNs failed ({@code holdersError}). */
        public static final String NOT_SEARCHED = "notSearched";
        public static final String UNREACHABLE = "unreachable";
    }

    /**
     * The run's figures. {@code bySeverity} counts the open findings only; {@code waived} counts the findings a baseline
     * waiver suppresses and {@code waivedBySeverity} them per severity, so that {@code bySeverity} plus
     * {@code waivedBySeverity} is {@code findings[]} counted by severity (both absent in a findings.json written before
     * them). {@code configFile}: the configuration file the run read, as an absolute path without {@code .} and
     * {@code ..} on the machine that ran it, which the runbooks' closing commands ({@code kcd-audit preflight
     * --config …}) name; absent for the demo, whose configuration is a copy for the one run, and in a findings.json
     * written before it. {@code go}: the run's decision for the patch window, true when every cluster is GO
     * ({@code clusters[].go}, the verdict the console and page 1 print); {@code noGoClusters} the clusters that are
     * NO-GO, in configuration order ({@code []} for a GO); both absent in a findings.json written before them.
     * {@code changeTicket}: the change ticket the run's reports were prepared under
     * ({@code --change-ticket}, {@code reports.changeTicket}), which {@code report --from} renders them with again;
     * absent when none was given, and in a findings.json written before it. {@code tool}: the kcd-audit that ran the
     * audit, as the first line of {@code kcd-audit --version} says it ({@code kcd-audit 0.1.0 (commit 9958cb516a)});
     * {@code configSha256}: the SHA-256 (hex) of the configuration file's bytes ({@code configFile}) as the run read
     * them; both absent in a findings.json written before them, {@code configSha256} also where {@code configFile} is.
     */
    @JsonPropertyOrder({"hosts", "clusters", "pairs", "requiredEntries", "presentEntries", "compliancePercent",
            "bySeverity", "waived", "waivedBySeverity", "configFile", "go", "noGoClusters", "changeTicket", "tool",
            "configSha256"})
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Summary(int hosts, int clusters, int pairs, int requiredEntries, int presentEntries,
                          @JsonInclude(JsonInclude.Include.ALWAYS) Double compliancePercent,
                          Map<String, Integer> bySeverity, @JsonInclude(JsonInclude.Include.NON_NULL) Integer waived,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Integer> waivedBySeverity,
                          @JsonInclude(JsonInclude.Include.NON_NULL) String configFile,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Boolean go,
                          @JsonInclude(JsonInclude.Include.NON_NULL) List<String> noGoClusters,
                          @JsonInclude(JsonInclude.Include.NON_NULL) String changeTicket,
                          @JsonInclude(JsonInclude.Include.NON_NULL) String tool,
                          @JsonInclude(JsonInclude.Include.NON_NULL) String configSha256) {
        /** Without the tool and the configuration's digest (a findings.json written before them). */
        public Summary(int hosts, int clusters, int pairs, int requiredEntries, int presentEntries,
                       Double compliancePercent, Map<String, Integer> bySeverity, Integer waived,
                       Map<String, Integer> waivedBySeverity, String configFile, Boolean go, List<String> noGoClusters,
                       String changeTicket) {
            this(hosts, clusters, pairs, requiredEntries, presentEntries, compliancePercent, bySeverity, waived,
                    waivedBySeverity, configFile, go, noGoClusters, changeTicket, null, null);
        }

        /** Without the run's verdict and change ticket (a findings.json written before them). */
        public Summary(int hosts, int clusters, int pairs, int requiredEntries, int presentEntries,
                       Double compliancePercent, Map<String, Integer> bySeverity, Integer waived,
                       Map<String, Integer> waivedBySeverity, String configFile) {
            this(hosts, clusters, pairs, requiredEntries, presentEntries, compliancePercent, bySeverity, waived,
                    waivedBySeverity, configFile, null, null, null);
        }

        /** Without the configuration file (a findings.json written before it). */
        public Summary(int hosts, int clusters, int pairs, int requiredEntries, int presentEntries,
                       Double compliancePercent, Map<String, Integer> bySeverity, Integer waived,
                       Map<String, Integer> waivedBySeverity) {
            this(hosts, clusters, pairs, requiredEntries, presentEntries, compliancePercent, bySeverity, waived,
                    waivedBySeverity, null);
        }

        /** Without the waived counts (tests, and a findings.json written before them). */
        public Summary(int hosts, int clusters, int pairs, int requiredEntries, int presentEntries,
                       Double compliancePercent, Map<String, Integer> bySeverity) {
            this(hosts, clusters, pairs, requiredEntries, presentEntries, compliancePercent, bySeverity, null, null);
        }

        /** This summary naming {@code file} (null: none) as the run's configuration file. */
        public Summary withConfigFile(String file) {
            return new Summary(hosts, clusters, pairs, requiredEntries, presentEntries, compliancePercent, bySeverity,
                    waived, waivedBySeverity, file, go, noGoClusters, changeTicket, tool, configSha256);
        }

        /**
         * This summary with the run's verdict, as {@code verdicts} (the clusters with their {@code go}) give it: GO
         * when none is NO-GO.
         */
        public Summary withVerdict(List<ClusterDoc> verdicts) {
            List<String> noGo = verdicts.stream().filter(c -> Boolean.FALSE.equals(c.go())).map(ClusterDoc::name)
                    .toList();
            return new Summary(hosts, clusters, pairs, requiredEntries, presentEntries, compliancePercent, bySeverity,
                    waived, waivedBySeverity, configFile, noGo.isEmpty(), noGo, changeTicket, tool, configSha256);
        }

        /** This summary naming {@code ticket} (null: none) as the change ticket the reports were prepared under. */
        public Summary withChangeTicket(String ticket) {
            return new Summary(hosts, clusters, pairs, requiredEntries, presentEntries, compliancePercent, bySeverity,
                    waived, waivedBySeverity, configFile, go, noGoClusters, ticket, tool, configSha256);
        }

        /** This summary naming the kcd-audit that ran ({@code tool}) and the configuration's digest (null: none). */
        public Summary withProvenance(String tool, String configSha256) {
            return new Summary(hosts, clusters, pairs, requiredEntries, presentEntries, compliancePercent, bySeverity,
                    waived, waivedBySeverity, configFile, go, noGoClusters, changeTicket, tool, configSha256);
        }
    }

    /**
     * The policy the run evaluated against (runbooks need the protocol choice). {@code operatorsUnchecked} is written
     * only as true, where {@code policy.operators} is empty: no operator was checked (OPERATOR_NOT_DELEGABLE), so a GO
     * says nothing of the accounts that start moves remotely.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Policy(List<String> services, List<String> nameForms, ProtocolTransition protocolTransition,
                         List<List<String>> migrationGroups,
                         @JsonInclude(JsonInclude.Include.NON_NULL) Boolean operatorsUnchecked) {
    }

    /**
     * Per cluster: figures and the delegation matrix (every directed pair, source → target). {@code directory}: the
     * directory its objects were read from; {@code audited} is written only as false, for a cluster whose optional
     * directory could not be read. {@code migrationAuthenticationUnchecked} (absent when none): the nodes whose
     * migration authentication type no {@code hostSettings.sources} export gives (no row, or no Kerberos or CredSSP in
     * it; every node where no source is configured); their pairs are not blocked for it, and not known to migrate with
     * Kerberos. {@code pairs} and {@code pairsOk} count every directed path; {@code nodePairs}, {@code nodePairsOk}
     * (live migration) and {@code fileServerPaths}, {@code fileServerPathsOk} (from a node to a file server, storage
     * over SMB) count them apart and add up to those two (absent in a findings.json written before them).
     */
    @JsonPropertyOrder({"name", "directory", "audited", "nodes", "missingNodes", "fileServers", "pairs", "pairsOk",
            "nodePairs", "nodePairsOk", "fileServerPaths", "fileServerPathsOk", "requiredEntries", "presentEntries", "compliancePercent", "bySeverity", "go", "reasons",
            "migrationAuthenticationUnchecked", "matrix"})
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ClusterDoc(String name, List<String> nodes, List<String> missingNodes, List<String> fileServers,
                             int pairs, int pairsOk, int requiredEntries, int presentEntries,
                             @JsonInclude(JsonInclude.Include.ALWAYS) Double compliancePercent,
                             Map<String, Integer> bySeverity, @JsonInclude(JsonInclude.Include.NON_NULL) Boolean go,
                             @JsonInclude(JsonInclude.Include.NON_NULL) List<GoVerdict.Reason> reasons,
                             List<PairDoc> matrix, @JsonInclude(JsonInclude.Include.NON_NULL) String directory,
                             @JsonInclude(JsonInclude.Include.NON_NULL) Boolean audited,
                             @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> migrationAuthenticationUnchecked,
                             @JsonInclude(JsonInclude.Include.NON_NULL) Integer nodePairs,
                             @JsonInclude(JsonInclude.Include.NON_NULL) Integer nodePairsOk,
                             @JsonInclude(JsonInclude.Include.NON_NULL) Integer fileServerPaths,
                             @JsonInclude(JsonInclude.Include.NON_NULL) Integer fileServerPathsOk) {
        /** Without the counts apart (a findings.json written before them): every path counted in pairs alone. */
        public ClusterDoc(String name, List<String> nodes, List<String> missingNodes, List<String> fileServers,
                          int pairs, int pairsOk, int requiredEntries, int presentEntries, Double compliancePercent,
                          Map<String, Integer> bySeverity, Boolean go, List<GoVerdict.Reason> reasons,
                          List<PairDoc> matrix, String directory, Boolean audited,
                          List<String> migrationAuthenticationUnchecked) {
            this(name, nodes, missingNodes, fileServers, pairs, pairsOk, requiredEntries, presentEntries,
                    compliancePercent, bySeverity, go, reasons, matrix, directory, audited,
                    migrationAuthenticationUnchecked, null, null, null, null);
        }

        /** Without the nodes whose migration authentication was not checked (none, or a findings.json before them). */
        public ClusterDoc(String name, List<String> nodes, List<String> missingNodes, List<String> fileServers,
                          int pairs, int pairsOk, int requiredEntries, int presentEntries, Double compliancePercent,
                          Map<String, Integer> bySeverity, Boolean go, List<GoVerdict.Reason> reasons,
                          List<PairDoc> matrix, String directory, Boolean audited) {
            this(name, nodes, missingNodes, fileServers, pairs, pairsOk, requiredEntries, presentEntries,
                    compliancePercent, bySeverity, go, reasons, matrix, directory, audited, null);
        }

        /** Without directory (one directory, or a findings.json written before directories). */
        public ClusterDoc(String name, List<String> nodes, List<String> missingNodes, List<String> fileServers,
                          int pairs, int pairsOk, int requiredEntries, int presentEntries, Double compliancePercent,
                          Map<String, Integer> bySeverity, Boolean go, List<GoVerdict.Reason> reasons,
                          List<PairDoc> matrix) {
            this(name, nodes, missingNodes, fileServers, pairs, pairsOk, requiredEntries, presentEntries,
                    compliancePercent, bySeverity, go, reasons, matrix, null, null);
        }

        /** This cluster with its GO/NO-GO verdict. */
        public ClusterDoc with(GoVerdict v) {
            return new ClusterDoc(name, nodes, missingNodes, fileServers, pairs, pairsOk, requiredEntries,
                    presentEntries, compliancePercent, bySeverity, v.go(), v.reasons(), matrix, directory, audited,
                    migrationAuthenticationUnchecked, nodePairs, nodePairsOk, fileServerPaths, fileServerPathsOk);
        }

        /** False only for a cluster whose (optional) directory could not be read. */
        public boolean wasAudited() {
            return !Boolean.FALSE.equals(audited);
        }
    }

    /**
     * One directed pair. {@code ok}: nothing blocks it; {@code blockers}: every reason it cannot migrate, as
     * the finding that says so ({@code rule}, {@code findingId}); {@code missing}: entries the source lacks;
     * {@code unregistered}: target SPNs nobody (or someone else) registers. A findings.json written before
     * {@code ok} existed has none: {@link #passes()} then judges by the missing and unregistered SPNs.
     * {@code sourceEntries}: where the target's resource-based delegation covers the pair ({@code rbcd}), the entries it
     * requires of its source all the same (a file server's cifs SPN a service account serves whose own resource-based
     * delegation does not allow the source), held or not: what {@code required} and {@code present} count; absent for
     * every other pair, and in a findings.json written before it existed.
     */
    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    @JsonPropertyOrder({"from", "to", "required", "present", "ok", "blockers", "missing", "unregistered", "rbcd",
            "fileServer", "sourceEntries"})
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PairDoc(String from, String to, @JsonInclude(JsonInclude.Include.ALWAYS) int required,
                          @JsonInclude(JsonInclude.Include.ALWAYS) int present,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Boolean ok,
                          @JsonInclude(JsonInclude.Include.NON_NULL) List<BlockerDoc> blockers, List<String> missing,
                          List<String> unregistered, boolean rbcd, boolean fileServer,
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> sourceEntries) {
        /** {@code blockers} is a list ({@code []} for an ok pair) wherever the run says {@code ok}. */
        public PairDoc {
            if (ok != null && blockers == null) {
                blockers = List.of();
            }
        }

        /** Without {@code sourceEntries} (a pair RBCD does not cover, or one that requires no entry of its source). */
        public PairDoc(String from, String to, int required, int present, Boolean ok, List<BlockerDoc> blockers,
                       List<String> missing, List<String> unregistered, boolean rbcd, boolean fileServer) {
            this(from, to, required, present, ok, blockers, missing, unregistered, rbcd, fileServer, null);
        }

        /** Whether the pair can migrate: {@code ok} when the run says, else no missing and no unregistered SPN. */
        public boolean passes() {
            if (ok != null) {
                return ok;
            }
            return (missing == null || missing.isEmpty()) && (unregistered == null || unregistered.isEmpty());
        }

        /** The pair's blockers; empty for a findings.json written before they existed. */
        public List<BlockerDoc> blockerList() {
            return blockers == null ? List.of() : blockers;
        }
    }

    /** A reason a pair cannot migrate: the rule and the id of the finding that says so. */
    public record BlockerDoc(String rule, String findingId) {
    }

    /**
     * {@code accounts[]}: a computer the commands name besides the nodes (a file server, an object a node delegates
     * to) whose account name is not its cn with {@code $} (renamed in ADUC, pre-staged): the cmdlets take {@code
     * samAccountName}, never {@code <name>$}, which is another account or none.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record AccountDoc(String name, String samAccountName) {
    }

    @JsonPropertyOrder({"name", "dnsHostName", "cluster", "userAccountControl", "delegateTo", "spns",
            "operatingSystem", "operatingSystemVersion", "samAccountName", "distinguishedName", "objectSid",
            "enabled", "uacFlags", "rbcdAllowed", "whenChanged", "uSNChanged", "lastLogonTimestamp",
            "supportedEncryptionTypes", "pwdLastSet", "directory", "changes", "rbcdDenied"})
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record HostDoc(String name, String dnsHostName, String cluster, int userAccountControl,
                          List<String> delegateTo, List<String> spns, String operatingSystem,
                          String operatingSystemVersion, String samAccountName, String distinguishedName,
                          String objectSid, boolean enabled, List<String> uacFlags, List<String> rbcdAllowed,
                          Instant whenChanged, long uSNChanged, Instant lastLogonTimestamp,
                          Integer supportedEncryptionTypes, Instant pwdLastSet,
                          @JsonInclude(JsonInclude.Include.NON_NULL) String directory,
                          @JsonInclude(JsonInclude.Include.NON_NULL) List<AttributeChange> changes,
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> rbcdDenied) {
        /** Without the SIDs its resource-based delegation refuses (a findings.json written before them: none). */
        public HostDoc(String name, String dnsHostName, String cluster, int userAccountControl,
                       List<String> delegateTo, List<String> spns, String operatingSystem,
                       String operatingSystemVersion, String samAccountName, String distinguishedName,
                       String objectSid, boolean enabled, List<String> uacFlags, List<String> rbcdAllowed,
                       Instant whenChanged, long uSNChanged, Instant lastLogonTimestamp,
                       Integer supportedEncryptionTypes, Instant pwdLastSet, String directory,
                       List<AttributeChange> changes) {
            this(name, dnsHostName, cluster, userAccountControl, delegateTo, spns, operatingSystem,
                    operatingSystemVersion, samAccountName, distinguishedName, objectSid, enabled, uacFlags, rbcdAllowed,
                    whenChanged, uSNChanged, lastLogonTimestamp, supportedEncryptionTypes, pwdLastSet, directory, changes,
                    null);
        }

        /** Without directory and change provenance. */
        public HostDoc(String name, String dnsHostName, String cluster, int userAccountControl,
                       List<String> delegateTo, List<String> spns, String operatingSystem,
                       String operatingSystemVersion, String samAccountName, String distinguishedName,
                       String objectSid, boolean enabled, List<String> uacFlags, List<String> rbcdAllowed,
                       Instant whenChanged, long uSNChanged, Instant lastLogonTimestamp,
                       Integer supportedEncryptionTypes, Instant pwdLastSet) {
            this(name, dnsHostName, cluster, userAccountControl, delegateTo, spns, operatingSystem,
                    operatingSystemVersion, samAccountName, distinguishedName, objectSid, enabled, uacFlags, rbcdAllowed,
                    whenChanged, uSNChanged, lastLogonTimestamp, supportedEncryptionTypes, pwdLastSet, null, null);
        }

        /** Without encryption types and password age. */
        public HostDoc(String name, String dnsHostName, String cluster, int userAccountControl,
                       List<String> delegateTo, List<String> spns, String operatingSystem,
                       String operatingSystemVersion, String samAccountName, String distinguishedName,
                       String objectSid, boolean enabled, List<String> uacFlags, List<String> rbcdAllowed,
                       Instant whenChanged, long uSNChanged, Instant lastLogonTimestamp) {
            this(name, dnsHostName, cluster, userAccountControl, delegateTo, spns, operatingSystem,
                    operatingSystemVersion, samAccountName, distinguishedName, objectSid, enabled, uacFlags, rbcdAllowed,
                    whenChanged, uSNChanged, lastLogonTimestamp, null, null);
        }
    }
}
