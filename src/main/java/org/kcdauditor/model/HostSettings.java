package org.kcdauditor.model;

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
 */
public record HostSettings(String computer, Boolean migrationEnabled, MigrationAuthentication authenticationType,
                           String authenticationTypeText, String performanceOption, Integer maximumMigrations,
                           String origin) {

    /**
     * How many of its node's pair blockers this record gives: migration disabled, CredSSP. Of two exports that disagree
     * about a node the one that blocks more counts, so that a GO never rests on the row that allows the move.
     */
    public int blocks() {
        return (Boolean.FALSE.equals(migrationEnabled) ? 1 : 0)
                + (authenticationType == MigrationAuthentication.CREDSSP ? 1 : 0);
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
