package org.kcdauditor.model;

import java.time.LocalDate;

/**
 * One installed update on one host, from a patch history export.
 *
 * @param host        the computer as the export names it (NetBIOS or DNS name)
 * @param kb          normalised {@code KB1234567}
 * @param installedOn null when the export left it empty
 * @param origin      {@code file:line} it came from
 */
public record PatchRecord(String host, String kb, LocalDate installedOn, String description, String origin) {
}
