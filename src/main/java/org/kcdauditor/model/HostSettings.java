package org.kcdauditor.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A node's live-migration settings as {@code Get-VMHost} exported them.
 *
 * @param computer               {@code ComputerName} as written (NetBIOS name or FQDN)
 * @param migrationEnabled       {@code VirtualMachineMigrationEnabled}; null when absent or unreadable
 * @param authenticationType     {@code VirtualMachineMigrationAuthenticationType} as a type
 * @param authenticationTypeText the same as written (kept also when it is neither Kerberos nor CredSSP)
 * @param performanceOption      {@code VirtualMachineMigrationPerformanceOption} (TCPIP, Compression, SMB, or its number)
 *                               as written; {@link #performance} reads it
 * @param maximumMigrations      {@code MaximumVirtualMachineMigrations}; null when absent or unreadable
 * @param origin                 {@code file:line}
 * @param others                 the rows of other exports for the same node, read and not counted (this one blocks
 *                               more, or as much and came first): a newer export does not override a row that blocks,
 *                               so its finding names them beside its own; empty from the importer, which reads one file
 */
public record HostSettings(String computer, Boolean migrationEnabled, MigrationAuthentication authenticationType,
                           String authenticationTypeText, String performanceOption, Integer maximumMigrations,
                           String origin, @com.fasterxml.jackson.annotation.JsonIgnore List<HostSettings> others) {
    /**
     * Said where a row that blocks a node is named: it counts until its file is replaced, whatever another export
     * says ({@link #blocks}).
     */
    public static final String BLOCKING_ROW_COUNTS = "an export beside it does not override it (where exports of a"
            + " host disagree, the one that blocks counts)";

    public HostSettings {
        others = others == null ? List.of() : List.copyOf(others);
    }

    /** One export's row, with no other read for its node. */
    public HostSettings(String computer, Boolean migrationEnabled, MigrationAuthentication authenticationType,
                        String authenticationTypeText, String performanceOption, Integer maximumMigrations,
                        String origin) {
        this(computer, migrationEnabled, authenticationType, authenticationTypeText, performanceOption,
                maximumMigrations, origin, List.of());
    }

    /** This row, counted, with {@code other} (and the rows it had not counted) read for the same node and not counted. */
    public HostSettings over(HostSettings other) {
        List<HostSettings> all = new ArrayList<>(others);
        all.add(new HostSettings(other.computer, other.migrationEnabled, other.authenticationType,
                other.authenticationTypeText, other.performanceOption, other.maximumMigrations, other.origin));
        all.addAll(other.others);
        return new HostSettings(computer, migrationEnabled, authenticationType, authenticationTypeText,
                performanceOption, maximumMigrations, origin, all);
    }

    /** The file of an origin {@code file:line} ({@code C:\exports\vmhost.csv:4} too): the origin without its line. */
    public static String file(String origin) {
        int colon = origin == null ? -1 : origin.lastIndexOf(':');
        return colon <= 0 ? origin : origin.substring(0, colon);
    }

    /** The line of an origin {@code file:line}, as written; empty when it names none. */
    public static String line(String origin) {
        int colon = origin == null ? -1 : origin.lastIndexOf(':');
        return colon <= 0 ? "" : origin.substring(colon + 1);
    }

    /**
     * How many of its node's pair blockers this record gives: migration disabled, CredSSP. Of two exports that disagree
     * about a node the one that blocks more counts, so that a GO never rests on the row that allows the move.
     */
    public int blocks() {
        return (Boolean.FALSE.equals(migrationEnabled) ? 1 : 0)
                + (authenticationType == MigrationAuthentication.CREDSSP ? 1 : 0);
    }

    /**
     * The settings a run records of its node (V121 {@code run_node_fact}) and the next compares, by {@link
     * HostState#AUTHENTICATION}, {@link HostState#PERFORMANCE} and {@link HostState#ENABLED}: the authentication type and
     * performance option as PowerShell spells the enum (a number read as its name), else as written; enabled as
     * {@code True} or {@code False}; each only where the export gives it.
     */
    public java.util.Map<String, String> recorded() {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        String auth = switch (authenticationType == null ? MigrationAuthentication.UNKNOWN : authenticationType) {
            case KERBEROS -> "Kerberos";
            case CREDSSP -> "CredSSP";
            case UNKNOWN -> authenticationTypeText == null ? null : authenticationTypeText.strip();
        };
        String perf = switch (performance()) {
            case TCPIP -> "TCPIP";
            case COMPRESSION -> "Compression";
            case SMB -> "SMB";
            case UNKNOWN -> performanceOption == null ? null : performanceOption.strip();
        };
        if (auth != null && !auth.isEmpty()) {
            out.put(HostState.AUTHENTICATION, auth);
        }
        if (perf != null && !perf.isEmpty()) {
            out.put(HostState.PERFORMANCE, perf);
        }
        if (migrationEnabled != null) {
            out.put(HostState.ENABLED, migrationEnabled ? "True" : "False");
        }
        return out;
    }

    /** {@link #performanceOption} as a type: SMB makes the node's pairs need {@code cifs/<peer>} whatever the policy. */
    public MigrationPerformance performance() {
        return MigrationPerformance.of(performanceOption);
    }

    /** {@code VirtualMachineMigrationAuthenticationType}: constrained delegation applies to Kerberos only. */
    public enum MigrationAuthentication {
        KERBEROS, CREDSSP,
        /** Absent, or a value that is neither (kept as written in {@code authenticationTypeText}). */
        UNKNOWN;

        /**
         * {@code Kerberos} / {@code CredSSP} as PowerShell writes the enum, case-insensitive, or its number ({@code 1} /
         * {@code 0}, as WMI's Msvm_VirtualSystemMigrationServiceSettingData.AuthenticationType and ConvertTo-Json of
         * Windows PowerShell 5.1 write it); else UNKNOWN.
         */
        public static MigrationAuthentication of(String text) {
            if (text == null) {
                return UNKNOWN;
            }
            return switch (text.strip().toLowerCase(Locale.ROOT)) {
                case "kerberos", "1" -> KERBEROS;
                case "credssp", "0" -> CREDSSP;
                default -> UNKNOWN;
            };
        }
    }

    /**
     * {@code VirtualMachineMigrationPerformanceOption}, the Hyper-V enum {@code VMMigrationPerformance}: TCPIP (0),
     * Compression (1), SMB (2). With SMB the source sends the memory of a live migration over SMB 3.0 to the
     * destination, authenticating to its {@code cifs} service.
     */
    public enum MigrationPerformance {
        TCPIP, COMPRESSION, SMB,
        /** Absent, or a value that is none of them (kept as written in {@code performanceOption}). */
        UNKNOWN;

        /**
         * {@code TCPIP} / {@code Compression} / {@code SMB} as PowerShell writes the enum, case-insensitive, or its
         * number ({@code 0} / {@code 1} / {@code 2}, as ConvertTo-Json of Windows PowerShell 5.1 writes it); else
         * UNKNOWN.
         */
        public static MigrationPerformance of(String text) {
            if (text == null) {
                return UNKNOWN;
            }
            return switch (text.strip().toLowerCase(Locale.ROOT)) {
                case "tcpip", "0" -> TCPIP;
                case "compression", "1" -> COMPRESSION;
                case "smb", "2" -> SMB;
                default -> UNKNOWN;
            };
        }
    }
}
