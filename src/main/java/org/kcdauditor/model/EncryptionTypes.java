package org.kcdauditor.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The bits of {@code msDS-SupportedEncryptionTypes} (MS-KILE 2.2.7): which Kerberos encryption types
 * an account accepts for tickets issued to it. Absent or 0 means "not set": the KDC then applies its
 * default (since the April 2026 updates of KB5073381 / CVE-2026-20833: AES-SHA1 only).
 */
public final class EncryptionTypes {
    public static final int DES_CBC_CRC = 0x1;
    public static final int DES_CBC_MD5 = 0x2;
    public static final int RC4_HMAC = 0x4;
    public static final int AES128_CTS_HMAC_SHA1_96 = 0x8;
    public static final int AES256_CTS_HMAC_SHA1_96 = 0x10;
    /** AES session keys even where the ticket is RC4 (KB5021131, CVE-2022-37966). */
    public static final int AES256_CTS_HMAC_SHA1_96_SK = 0x20;
    /** Either AES ticket type. */
    public static final int AES = AES128_CTS_HMAC_SHA1_96 | AES256_CTS_HMAC_SHA1_96;
    /** The bits that name an encryption type a ticket can be issued in (0x20 and the feature bits name none). */
    public static final int TICKET_TYPES = DES_CBC_CRC | DES_CBC_MD5 | RC4_HMAC | AES;

    private static final int[] BITS = {DES_CBC_CRC, DES_CBC_MD5, RC4_HMAC, AES128_CTS_HMAC_SHA1_96,
            AES256_CTS_HMAC_SHA1_96, AES256_CTS_HMAC_SHA1_96_SK};
    private static final String[] NAMES = {"DES-CBC-CRC", "DES-CBC-MD5", "RC4-HMAC", "AES128-CTS-HMAC-SHA1-96",
            "AES256-CTS-HMAC-SHA1-96", "AES256-CTS-HMAC-SHA1-96-SK"};

    private EncryptionTypes() {
    }

    /** Whether an explicit, non-zero value is set (null and 0 both leave the choice to the KDC's default). */
    public static boolean explicit(Integer value) {
        return value != null && value != 0;
    }

    /**
     * Whether an explicit value names no ticket encryption type: 0x20 alone (AES session keys, "enforce AES session
     * keys when legacy ciphers are in use", MS-KILE 2.2.7) or only feature bits (0x10000-0x80000). Such a value is not
     * 0, so it is no "not set" that takes the domain default (in Microsoft's etype calculator only 0 does), and the KDC
     * finds no encryption type for the account's tickets.
     */
    public static boolean namesNoTicketType(Integer value) {
        return explicit(value) && (value & TICKET_TYPES) == 0;
    }

    /**
     * Whether an explicit value leaves out both AES ticket types (which a value naming no ticket type does too): the
     * account gets none of the AES-only tickets DCs issue since KB5073381 (AES_NOT_ENABLED).
     */
    public static boolean withoutAes(Integer value) {
        return explicit(value) && !hasAes(value);
    }

    /** Whether the value names AES128 or AES256 tickets. */
    public static boolean hasAes(int value) {
        return (value & AES) != 0;
    }

    /**
     * {@code value} with AES128 and AES256 in place of RC4 and DES; every other bit kept (0x20 AES session keys, and
     * the flags above the encryption types: 0x10000 FAST, 0x20000 compound identity, 0x40000 claims, 0x80000 resource
     * SID compression disabled), as they are no encryption type.
     */
    public static int aesInsteadOfRc4AndDes(int value) {
        return value & ~(DES_CBC_CRC | DES_CBC_MD5 | RC4_HMAC) | AES;
    }

    /** The names of the known bits that are set, in bit order. */
    public static List<String> names(int value) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < BITS.length; i++) {
            if ((value & BITS[i]) != 0) {
                out.add(NAMES[i]);
            }
        }
        return out;
    }

    /** In words for a report cell: {@code not set (KDC default)}, or the names and the raw value. */
    public static String describe(Integer value) {
        if (!explicit(value)) {
            return "not set (KDC default)";
        }
        List<String> words = new ArrayList<>(names(value));
        int known = 0;
        for (int bit : BITS) {
            known |= bit;
        }
        if ((value & ~known) != 0) {
            words.add(String.format("other bits 0x%X", value & ~known));
        }
        return String.join(", ", words) + String.format(" (0x%X)", value);
    }
}
