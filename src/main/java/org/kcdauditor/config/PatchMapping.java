package org.kcdauditor.config;

import java.util.List;

/**
 * {@code patches.mappings[i]}: how to read a WSUS or Configuration Manager CSV export whose columns
 * are not Get-HotFix's. A file whose header holds {@code computer} and {@code hotFixId} is read with
 * the first mapping that fits. The KB id is taken from the {@code hotFixId} column's value
 * ({@code KB5019966}, {@code 5019966} or a title containing {@code (KB5019966)}).
 *
 * @param status          optional column holding the install state; rows whose value is not in
 *                        {@code installedValues} (default {@code Installed}) are skipped
 */
public record PatchMapping(String name, String computer, String hotFixId, String installedOn, String status,
                           List<String> installedValues) {
    public PatchMapping {
        installedValues = installedValues == null ? List.of("Installed") : List.copyOf(installedValues);
    }
}
