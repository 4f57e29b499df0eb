package org.kcdauditor.audit;

import org.kcdauditor.baseline.Baseline;
import org.kcdauditor.inventory.HardeningCatalogue;
import org.kcdauditor.model.EventRecord;
import org.kcdauditor.model.HostSettings;
import org.kcdauditor.model.PatchRecord;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What the audit sees besides the snapshot: passed in as data so that evaluation stays pure.
 *
 * @param now               the run's clock reading (waiver expiry is judged against it)
 * @param baseline          the documented baseline, or null when there is none
 * @param previous          the previous successful run, or null
 * @param patchesConfigured patch sources were given (PATCH_DATA_MISSING only then)
 * @param eventsConfigured  event sources were given
 * @param hostSettings      the nodes' live-migration settings (Get-VMHost exports), one per node that has one
 * @param hostSettingsConfigured host-settings sources were given (without, "host settings were not checked")
 * @param maxWaiverDays     {@code baseline.maxWaiverDays}: a waiver running longer after {@code now} is WAIVER_TOO_LONG
 * @param unusableInputs    the kinds of export ({@code patches}, {@code events}, {@code hostSettings}) of which a file
 *                          could not be used: what they would have shown may be missing from the run
 * @param configFile        the configuration file the run read, as findings.json records it ({@code summary.configFile}:
 *                          absolute, without {@code .} and {@code ..}), which the findings' own commands
 *                          ({@code kcd-audit preflight --config …}) name as the runbook's closing commands do; null for
 *                          none (the demo, whose configuration is a copy for the one run, and an evaluation outside a
 *                          run): they name the placeholder kcd-audit.yaml
 */
public record AuditInputs(Instant now, Baseline baseline, PreviousRun previous, List<PatchRecord> patches,
                          boolean patchesConfigured, HardeningCatalogue hardening, List<EventRecord> events,
                          boolean eventsConfigured, List<HostSettings> hostSettings, boolean hostSettingsConfigured,
                          int maxWaiverDays, Set<String> unusableInputs, String configFile) {
    public AuditInputs {
        patches = patches == null ? List.of() : List.copyOf(patches);
        events = events == null ? List.of() : List.copyOf(events);
        hardening = hardening == null ? HardeningCatalogue.empty() : hardening;
        hostSettings = hostSettings == null ? List.of() : List.copyOf(hostSettings);
        unusableInputs = unusableInputs == null ? Set.of() : Set.copyOf(unusableInputs);
    }

    /** Without a configuration file. */
    public AuditInputs(Instant now, Baseline baseline, PreviousRun previous, List<PatchRecord> patches,
                       boolean patchesConfigured, HardeningCatalogue hardening, List<EventRecord> events,
                       boolean eventsConfigured, List<HostSettings> hostSettings, boolean hostSettingsConfigured,
                       int maxWaiverDays, Set<String> unusableInputs) {
        this(now, baseline, previous, patches, patchesConfigured, hardening, events, eventsConfigured, hostSettings,
                hostSettingsConfigured, maxWaiverDays, unusableInputs, null);
    }

    /** Every export read. */
    public AuditInputs(Instant now, Baseline baseline, PreviousRun previous, List<PatchRecord> patches,
                       boolean patchesConfigured, HardeningCatalogue hardening, List<EventRecord> events,
                       boolean eventsConfigured, List<HostSettings> hostSettings, boolean hostSettingsConfigured,
                       int maxWaiverDays) {
        this(now, baseline, previous, patches, patchesConfigured, hardening, events, eventsConfigured, hostSettings,
                hostSettingsConfigured, maxWaiverDays, Set.of());
    }

    /** With the default {@code baseline.maxWaiverDays}. */
    public AuditInputs(Instant now, Baseline baseline, PreviousRun previous, List<PatchRecord> patches,
                       boolean patchesConfigured, HardeningCatalogue hardening, List<EventRecord> events,
                       boolean eventsConfigured, List<HostSettings> hostSettings, boolean hostSettingsConfigured) {
        this(now, baseline, previous, patches, patchesConfigured, hardening, events, eventsConfigured, hostSettings,
                hostSettingsConfigured, org.kcdauditor.config.BaselineConfig.DEFAULT_MAX_WAIVER_DAYS);
    }

    /** Without host settings. */
    public AuditInputs(Instant now, Baseline baseline, PreviousRun previous, List<PatchRecord> patches,
                       boolean patchesConfigured, HardeningCatalogue hardening, List<EventRecord> events,
                       boolean eventsConfigured) {
        this(now, baseline, previous, patches, patchesConfigured, hardening, events, eventsConfigured, List.of(),
                false);
    }

    /** Nothing but the snapshot (the core audit). */
    public static AuditInputs none(Instant now) {
        return new AuditInputs(now, null, null, List.of(), false, null, List.of(), false, List.of(), false);
    }
}
