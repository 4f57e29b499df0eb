package org.kcdauditor.model;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Encryption-type bits, the Kerberos UAC bits and what the model says about an account. */
class KerberosModelTest {
    @Test
    void encryptionTypesInWords() {
        assertEquals("not set (KDC default)", EncryptionTypes.describe(null));
        assertEquals("not set (KDC default)", EncryptionTypes.describe(0));
        assertEquals("RC4-HMAC (0x4)", EncryptionTypes.describe(4));
        assertEquals("AES128-CTS-HMAC-SHA1-96, AES256-CTS-HMAC-SHA1-96 (0x18)", EncryptionTypes.describe(0x18));
        assertEquals("RC4-HMAC, AES256-CTS-HMAC-SHA1-96-SK, other bits 0x80000 (0x80024)",
                EncryptionTypes.describe(0x80024));
        assertTrue(EncryptionTypes.hasAes(0x1C));
        assertFalse(EncryptionTypes.hasAes(0x24), "AES session keys alone are no AES ticket type");
        assertEquals(List.of("DES-CBC-CRC", "DES-CBC-MD5"), EncryptionTypes.names(3));
    }

    @Test
    void kerberosUacBitsHaveNamesAndWords() {
        int rodc = Uac.WORKSTATION_TRUST_ACCOUNT | Uac.TRUSTED_TO_AUTH_FOR_DELEGATION | Uac.PARTIAL_SECRETS_ACCOUNT;
        assertEquals(List.of("WORKSTATION_TRUST_ACCOUNT", "TRUSTED_TO_AUTH_FOR_DELEGATION", "PARTIAL_SECRETS_ACCOUNT"),
                Uac.flagNames(rodc));
        assertEquals(rodc, Uac.fromNames(Uac.flagNames(rodc)));
        assertEquals("sensitive, cannot be delegated, DES keys only (no AES)",
                Uac.describe(Uac.NOT_DELEGATED | Uac.USE_DES_KEY_ONLY, false));
        assertTrue(Uac.describe(rodc, false).contains("read-only domain controller"));
    }

    private static AdObject account(String sam, int uac, String sid) {
        return new AdObject("CN=" + sam + ",DC=contoso,DC=com", sam, sam, null, uac, List.of(), List.of(), false,
                List.of(), sid, null, null, null, 0, null, null, null);
    }

    @Test
    void domainControllersAndKrbtgtAreRecognised() {
        assertTrue(account("DC1$", 0x82000, "S-1-5-21-1-2-3-1000").isDomainController());
        assertTrue(account("RODC1$", 0x5001000, null).isReadOnlyDc());
        assertTrue(account("RODC1$", 0x5001000, null).isDomainController());
        assertFalse(account("HV01$", 0x1001000, null).isDomainController());
        assertTrue(account("krbtgt", 0x202, "S-1-5-21-1-2-3-502").isKrbtgt());
        assertTrue(account("krbtgt_4711", 0x202, null).isKrbtgt(), "an RODC's krbtgt");
        assertTrue(account("renamed", 0x202, "S-1-5-21-1-2-3-502").isKrbtgt(), "RID 502 whatever its name");
        assertFalse(account("krbtgtx", 0x200, "S-1-5-21-1-2-3-1502").isKrbtgt());
        assertTrue(account("KRBTGT", 0x202, null).isKrbtgt(), "sAMAccountName compares without case");
        assertTrue(account("KrbTgt_12", 0x202, null).isKrbtgt());
        assertFalse(account("krbtgt_", 0x202, null).isKrbtgt());
        assertFalse(account("krbtgt_12x", 0x202, null).isKrbtgt());
        assertFalse(account("krb", 0x202, null).isKrbtgt());
    }
}
