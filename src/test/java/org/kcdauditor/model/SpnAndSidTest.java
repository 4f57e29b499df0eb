package org.kcdauditor.model;

import org.junit.jupiter.api.Test;
import org.kcdauditor.directory.Sids;
import org.kcdauditor.support.RbcdDescriptors;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SpnAndSidTest {
    @Test
    void spnNormalForm() {
        assertEquals("cifs/hv02.contoso.com", Spn.keyOf("CIFS/HV02.contoso.com."));
        assertEquals("cifs/hv02.contoso.com", Spn.keyOf("cifs/hv02.contoso.com/CONTOSO"));
        assertEquals("mssqlsvc/sql01:1433", Spn.keyOf("MSSQLSvc/SQL01.:1433"));
        assertEquals("hv02", Spn.parse("Microsoft Virtual System Migration Service/HV02").hostName());
        assertNull(Spn.parse("no-slash"));
        assertNull(Spn.parse("/host"));
        // the KDC upper-cases to compare: KELVIN SIGN stays itself there, though Java lower-cases it to k
        assertNotEquals(Spn.keyOf("cifs/HVK2"), Spn.keyOf("cifs/HV\u212A2"));
        assertEquals(Spn.keyOf("cifs/HVÄ2"), Spn.keyOf("CIFS/hvä2"));
        assertEquals(Spn.keyOf("cifs/hv\u00e42.x/CONTOSO"), Spn.keyOf("cifs/HV\u00c42.X"));
        assertNotEquals(Spn.wholeKeyOf("cifs/x/\u212A"), Spn.wholeKeyOf("cifs/x/k"));
    }

    @Test
    void keyHashIsTheHashOfTheNormalForm() {
        for (String raw : List.of("HOST/HV01", "cifs/HV02.contoso.com.", "cifs/hv02.contoso.com/CONTOSO",
                "MSSQLSvc/SQL01.:1433", "MSSQLSvc/sql01..:1433/x", "a//b", "noslash", "/x", "x/", "HTTP/Ünïcode.contoso.com", "cifs/HV\u212A2", "cifs/hv\u0130.x.",
                "Microsoft Virtual System Migration Service/HV02.", "cifs/..", "A/B:")) {
            assertEquals(Spn.keyOf(raw).hashCode(), Spn.keyHash(raw), raw);
        }
        // every value of 1 to 6 characters over the characters the normal form treats apart
        char[] alphabet = {'H', 'o', '/', '.', ':', '\u00e9', '\u212A'};
        for (int length = 1; length <= 6; length++) {
            int[] digits = new int[length];
            char[] value = new char[length];
            for (boolean more = true; more; ) {
                for (int i = 0; i < length; i++) {
                    value[i] = alphabet[digits[i]];
                }
                String raw = new String(value);
                assertEquals(Spn.keyOf(raw).hashCode(), Spn.keyHash(raw), raw);
                int i = 0;
                while (i < length && ++digits[i] == alphabet.length) {
                    digits[i++] = 0;
                }
                more = i < length;
            }
        }
    }

    @Test
    void sidRoundTripAndRbcdDescriptor() {
        String sid = "S-1-5-21-3623811015-3361044348-30300820-1105";
        assertEquals(sid, Sids.toString(Sids.toBytes(sid)));
        byte[] sd = RbcdDescriptors.of(List.of(sid, "S-1-5-21-1-2-3-500"));
        assertEquals(List.of(sid, "S-1-5-21-1-2-3-500"), Sids.allowedSids(sd));
        assertThrows(IllegalArgumentException.class, () -> Sids.allowedSids(new byte[8]));
    }

    @Test
    void uacFlagsRoundTripAndWords() {
        int uac = Uac.WORKSTATION_TRUST_ACCOUNT | Uac.TRUSTED_TO_AUTH_FOR_DELEGATION;
        assertEquals(List.of("WORKSTATION_TRUST_ACCOUNT", "TRUSTED_TO_AUTH_FOR_DELEGATION"), Uac.flagNames(uac));
        assertEquals(uac, Uac.fromNames(Uac.flagNames(uac)));
        assertEquals("computer account, constrained delegation, Kerberos only",
                Uac.describe(Uac.WORKSTATION_TRUST_ACCOUNT, true));
        assertThrows(IllegalArgumentException.class, () -> Uac.fromNames(List.of("NOPE")));
    }
}
