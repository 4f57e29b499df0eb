package org.kcdauditor.cli;

import org.kcdauditor.run.ExitCodes;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.kcdauditor.config.ConfigException;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.config.EventsConfig;
import org.kcdauditor.config.PatchMapping;
import org.kcdauditor.inventory.EventImporter;
import org.kcdauditor.inventory.HostSettingsImporter;
import org.kcdauditor.inventory.ImportResult;
import org.kcdauditor.inventory.PatchImporter;
import org.kcdauditor.inventory.SourceFiles;
import org.kcdauditor.model.EventRecord;
import org.kcdauditor.model.HostSettings.MigrationAuthentication;
import org.kcdauditor.report.HistorySections;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show how patch, event or host-settings exports are read, record by record, before configuring"
                + " them.",
        subcommands = {InspectCommand.Patches.class, InspectCommand.Events.class, InspectCommand.HostSettings.class})
final class InspectCommand implements Runnable {
    /** As findings.json writes its records: what is not known is left out, not printed as null. */
    private static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .serializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL).build();

    private final Cli cli;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    InspectCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public void run() {
        throw Main.missingSubcommand(spec);
    }

    void line(Object record) {
        try {
            cli.out().println(JSON.writeValueAsString(record));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * An event as findings.json's {@code events[]} names its fields ({@code source}, {@code destination},
     * {@code account}, {@code service}): inspect previews how exports are read, so a mapping written from its lines
     * reads findings.json too. The message is whole here; findings.json cuts it at 500 characters.
     */
    void event(EventRecord e) {
        line(new HistorySections.EventDoc(e.host(), e.eventId(), e.timeCreated(), e.sourceHost(), e.destinationHost(),
                e.classification().name(), e.hresult(), e.message(), e.origin(), e.accountName(), e.serviceName()));
    }

    /** A Get-VMHost row with its computer named {@code host}, as findings.json names a node. */
    record HostSettingsLine(String host, Boolean migrationEnabled, MigrationAuthentication authenticationType,
                            String authenticationTypeText, String performanceOption, Integer maximumMigrations,
                            String origin) {
        HostSettingsLine(org.kcdauditor.model.HostSettings h) {
            this(h.computer(), h.migrationEnabled(), h.authenticationType(), h.authenticationTypeText(),
                    h.performanceOption(), h.maximumMigrations(), h.origin());
        }
    }

    /**
     * Reads each file the FILE arguments name with {@code read} and says how it went: an argument with a wildcard
     * ({@code exports/*.csv}) is expanded here as a config's sources are ({@link SourceFiles}), since PowerShell and the
     * launchers pass it on unexpanded; one that matches nothing is a failed file.
     */
    int read(List<String> args, Function<Path, ImportResult> read) {
        SourceFiles.Expansion files = SourceFiles.expand(args, Path::of);
        List<ImportResult> results = new ArrayList<>();
        files.problems().forEach(p -> results.add(new ImportResult(p.pattern(), null, null, 0, 0, p.reason(),
                List.of())));
        files.files().forEach(f -> results.add(read.apply(f)));
        return summary(results);
    }

    int summary(List<ImportResult> results) {
        int failed = 0;
        for (ImportResult r : results) {
            if (r.failed()) {
                failed++;
                cli.err().println(ConsoleSummary.oneLine("kcd-audit: " + r.file() + ": " + r.error()));
            } else {
                cli.err().println(ConsoleSummary.oneLine(r.file() + ": " + r.format() + ": " + r.records() + " record"
                        + (r.records() == 1 ? "" : "s") + ", " + r.skipped() + " line" + (r.skipped() == 1 ? "" : "s")
                        + " skipped"));
            }
        }
        return failed == 0 ? ExitCodes.OK : ExitCodes.USAGE;
    }

    @Command(name = "patches", mixinStandardHelpOptions = true,
            description = {"Parse patch exports (Get-HotFix | Export-Csv, WSUS/ConfigMgr CSV with --config mappings)"
                    + " and print every record as a JSON line; skipped lines go to stderr as file:line: reason.",
                    "Exit 0 when every file was read, 2 when a file is not a patch export or cannot be read."},
            footer = {"", "Example, in the installation folder, on the demo's exports:",
                    "kcd-audit inspect patches config/demo/patches/HV0*.csv"})
    static final class Patches implements Callable<Integer> {
        @ParentCommand
        InspectCommand parent;

        @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Take patches.mappings from this config.")
        Path config;

        @Parameters(paramLabel = "FILE", arity = "1..*", description = "Export files; a wildcard (*.csv) is"
                + " expanded here too.")
        List<String> files;

        @Override
        public Integer call() {
            List<PatchMapping> mappings = config == null ? List.of() : ConfigLoader.load(config).patches().mappings();
            PatchImporter importer = new PatchImporter(mappings);
            return parent.read(files, f -> importer.read(f, parent::line,
                    p -> parent.cli.err().println(ConsoleSummary.oneLine(String.valueOf(p)))));
        }
    }

    @Command(name = "events", mixinStandardHelpOptions = true,
            description = {"Parse event exports (wevtutil qe /f:xml, Get-WinEvent | Export-Csv) and print each"
                    + " migration-failure event as a JSON line with source, destination and classification, and each"
                    + " KDCSVC event (201-209 of the Key Distribution Center) with its account and service.",
                    "Exit 0 when every file was read, 2 when a file is not an event export or cannot be read."},
            footer = {"", "Example, in the installation folder, on the demo's exports:",
                    "kcd-audit inspect events config/demo/events/*"})
    static final class Events implements Callable<Integer> {
        @ParentCommand
        InspectCommand parent;

        @Option(names = "--ids", split = ",", paramLabel = "ID", description = "Event ids (default as events.ids:"
                + " 21502,22038,20413,21125,21501,20306,21024 and 201-209).")
        List<Integer> ids;

        @Option(names = "--time-zone", paramLabel = "ZONE", description = {"How to read times written without a"
                + " zone (Export-Csv's TimeCreated is the exporting host's local time), e.g. Europe/Berlin;"
                + " default UTC, as events.timeZone in the config."})
        String timeZone;

        @Parameters(paramLabel = "FILE", arity = "1..*", description = "Export files; a wildcard (*.csv) is"
                + " expanded here too.")
        List<String> files;

        @Override
        public Integer call() {
            EventsConfig events = new EventsConfig(null, ids, timeZone);
            if (!events.zoneValid()) {
                throw new ConfigException("--time-zone: '" + timeZone + "' is not a time zone id; give an IANA id such"
                        + " as Europe/Berlin, or UTC");
            }
            EventImporter importer = new EventImporter(events.ids(), events.zone());
            return parent.read(files, f -> importer.read(f, parent::event,
                    p -> parent.cli.err().println(ConsoleSummary.oneLine(String.valueOf(p)))));
        }
    }

    @Command(name = "host-settings", mixinStandardHelpOptions = true,
            description = {"Parse Get-VMHost exports (ComputerName, VirtualMachineMigrationEnabled,"
                    + " VirtualMachineMigrationAuthenticationType, VirtualMachineMigrationPerformanceOption,"
                    + " MaximumVirtualMachineMigrations | Export-Csv) and print one JSON line per host.",
                    "Exit 0 when every file was read, 2 when a file is not such an export or cannot be read."},
            footer = {"", "Example, in the installation folder, on the demo's exports:",
                    "kcd-audit inspect host-settings config/demo/hostsettings/*.csv"})
    static final class HostSettings implements Callable<Integer> {
        @ParentCommand
        InspectCommand parent;

        @Parameters(paramLabel = "FILE", arity = "1..*", description = "Export files; a wildcard (*.csv) is"
                + " expanded here too.")
        List<String> files;

        @Override
        public Integer call() {
            HostSettingsImporter importer = new HostSettingsImporter();
            return parent.read(files, f -> importer.read(f, h -> parent.line(new HostSettingsLine(h)),
                    p -> parent.cli.err().println(ConsoleSummary.oneLine(String.valueOf(p)))));
        }
    }
}
