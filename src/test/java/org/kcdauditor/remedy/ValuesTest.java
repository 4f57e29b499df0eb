package org.kcdauditor.remedy;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ValuesTest {
    @Test
    void visibleReturnsAValueWithNothingHiddenAsItIs() {
        String spn = "Microsoft Virtual System Migration Service/hv02.contoso.com; cifs/hv02 é ü 中";
        assertSame(spn, Values.visible(spn));
        String longer = spn.repeat(200); // longer than the scan buffer starts
        assertSame(longer, Values.visible(longer));
        assertEquals("", Values.visible(null));
        assertEquals("", Values.visible(""));
    }

    @Test
    void visibleShowsEveryHiddenCharacterWhereverItStands() {
        char[] hidden = {'\n', '\r', '\t', '\u0000', '\u007F', '\u0085', '\u2028', '\u2029', '\u061C', '\u200E',
                '\u200F', '\u202A', '\u202E', '\u2066', '\u2069', '\u200B', '\u200D', '\u2060', '\u00AD', '\uFEFF',
                '\u206A'};
        String base = "HOST/hv01.contoso.com"; // 21 characters: positions in and after the eight-character blocks
        for (char c : hidden) {
            for (int at = 0; at <= base.length(); at++) {
                String value = base.substring(0, at) + c + base.substring(at);
                String expected = base.substring(0, at) + String.format("\\u%04X", (int) c) + base.substring(at);
                assertEquals(expected, Values.visible(value), "U+" + Integer.toHexString(c) + " at " + at);
                assertFalse(Values.oneLine(value));
            }
            String far = "x".repeat(1000) + c;
            assertEquals("x".repeat(1000) + String.format("\\u%04X", (int) c), Values.visible(far));
        }
    }

    @Test
    void visibleKeepsCharactersNextToTheHiddenOnes() {
        assertEquals("a\\u202Eb\\u000Ac", Values.visible("a\u202Eb\nc"));
        assertEquals("\u2027\u202F\u2065\u2070", Values.visible("\u2027\u202F\u2065\u2070"));
        assertTrue(Values.oneLine("\u2027\u202F\u2065\u2070"));
    }

    @Test
    void invisibleCharactersAreShownAndRefusedInCommands() {
        // U+200B reads as nothing: "cifs/hv05<ZWSP>.contoso.com" looks like the entry it imitates
        assertEquals("cifs/hv05\\u200B.contoso.com", Values.visible("cifs/hv05\u200B.contoso.com"));
        assertFalse(Values.typeableSpn("cifs/hv05\u200B.contoso.com"));
        assertFalse(Values.typeableSpn("cifs/hv05.contoso.com\uFEFF"));
        // a tag character (U+E0041) is a surrogate pair: both halves shown, none left alone
        assertEquals("cifs/a\\uDB40\\uDC41b", Values.visible("cifs/a\uDB40\uDC41b"));
        assertFalse(Values.typeableSpn("cifs/a\uDB40\uDC41"));
        // other format characters beyond the BMP too: U+1BCA0 (shorthand format letter overlap), U+1D173 (musical
        // symbol begin beam), whose lead halves also lead visible characters (U+1D160, a musical note, stays)
        assertEquals("cifs/hv05\\uD82F\\uDCA0.contoso.com", Values.visible("cifs/hv05\uD82F\uDCA0.contoso.com"));
        assertFalse(Values.typeableSpn("cifs/hv05\uD82F\uDCA0.contoso.com"));
        assertEquals("a\\uD834\\uDD73b\uD834\uDD60", Values.visible("a\uD834\uDD73b\uD834\uDD60"));
        assertTrue(Values.typeable("a\uD834\uDD60"));
        // other characters beyond the BMP stay as they are
        assertEquals("cifs/\uD83D\uDE00", Values.visible("cifs/\uD83D\uDE00"));
        assertTrue(Values.typeable("HOST/hv01.contoso.com"));
    }
}
