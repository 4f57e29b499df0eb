package org.kcdauditor.directory;

import com.unboundid.asn1.ASN1OctetString;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

class ValueInternerTest {
    private static ASN1OctetString raw(String s) {
        return new ASN1OctetString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void equalValuesGiveOneInstanceAcrossGrowth() {
        ValueInterner interner = new ValueInterner();
        List<String> first = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            first.add(interner.intern(raw("Microsoft Virtual System Migration Service/HV" + i + ".contoso.com")));
        }
        assertEquals(50_000, interner.size());
        for (int i = 0; i < 50_000; i += 7) {
            String again = interner.intern(raw("Microsoft Virtual System Migration Service/HV" + i + ".contoso.com"));
            assertEquals("Microsoft Virtual System Migration Service/HV" + i + ".contoso.com", again);
            assertSame(first.get(i), again, "value " + i + " kept once");
        }
        assertEquals(50_000, interner.size());
    }

    @Test
    void valuesDecodeAsUtf8AndEmptyIsAValue() {
        ValueInterner interner = new ValueInterner();
        assertEquals("cifs/Ünïcode-Höst", interner.intern(raw("cifs/Ünïcode-Höst")));
        assertEquals("", interner.intern(new ASN1OctetString(new byte[0])));
        // bytes that are not UTF-8 decode as the SDK decodes them (replacement characters)
        byte[] bad = {(byte) 0xC3, 0x28};
        assertEquals(new String(bad, StandardCharsets.UTF_8), interner.intern(new ASN1OctetString(bad)));
    }

    @Test
    void valuesThatAllCollideAreDecodedOnTheirOwnBeyondTheProbe() {
        ValueInterner interner = new ValueInterner(b -> 42);
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            kept.add(interner.intern(raw("v" + i)));
        }
        assertEquals(ValueInterner.MAX_PROBE, interner.size(), "only a probe's length of them kept");
        for (int i = 0; i < 10_000; i++) {
            String again = interner.intern(raw("v" + i));
            assertEquals("v" + i, again);
            if (i < ValueInterner.MAX_PROBE) {
                assertSame(kept.get(i), again);
            } else {
                assertNotSame(kept.get(i), again, "not kept: decoded again");
            }
        }
    }

    @Test
    void aValueInsideALargerArrayIsLookedUpByItsOwnBytes() {
        ValueInterner interner = new ValueInterner();
        String a = interner.intern(raw("same"));
        String b = interner.intern(new ASN1OctetString("xsamex".getBytes(StandardCharsets.UTF_8), 1, 4));
        assertEquals("same", b);
        assertSame(a, b);
    }
}
