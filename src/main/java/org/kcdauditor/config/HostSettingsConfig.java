package org.kcdauditor.config;

import java.util.List;

/**
 * {@code hostSettings:} — exports of the nodes' live-migration settings to import on every run:
 * {@code Get-VMHost | Select ComputerName, VirtualMachineMigrationEnabled,
 * VirtualMachineMigrationAuthenticationType, VirtualMachineMigrationPerformanceOption,
 * MaximumVirtualMachineMigrations | Export-Csv} (globs, relative to the config folder).
 */
public record HostSettingsConfig(List<String> sources) {
    public HostSettingsConfig {
        sources = sources == null ? List.of() : List.copyOf(sources);
    }

    public static HostSettingsConfig none() {
        return new HostSettingsConfig(null);
    }
}
