package org.kcdauditor.remedy;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ValuesTest {
    /** The grammar {@link Values#validHostName} implements, as a regular expression (how it was written before). */
    private static final java.util.regex.Pattern HOST_NAME = java.util.regex.Pattern.compile(
            "[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*");

    @Test
    void validHostNameAcceptsExactlyTheLabelGrammar() {
        for (String name : new String[]{"HV01", "hv01.contoso.com", "hv_01", "a", "a-b", "x".repeat(63),
                ("x".repeat(63) + ".").repeat(3) + "x".repeat(61)}) {
            assertTrue(Values.validHostName(name), name);
        }
        for (String name : new String[]{"", "-a", "a-", "a.-b", "a-.b", ".a", "a.", "a..b", "x".repeat(64),
                ("x".repeat(63) + ".").repeat(3) + "x".repeat(62), "hv01 ", "hv01$", "hv\u00e901", "hv01/x"}) {
            assertFalse(Values.validHostName(name), name);
        }
        assertFalse(Values.validHostName(null));
        // every string of 1 to 6 characters over the telling characters, and random longer ones: as the grammar says
        char[] alphabet = {'a', 'Z', '0', '_', '-', '.', '!', '\u00e9'};
        for (int length = 1; length <= 6; length++) {
            for (int n = 0; n < 1 << 3 * length; n++) {
                char[] name = new char[length];
                for (int i = 0; i < length; i++) {
                    name[i] = alphabet[n >> 3 * i & 7];
                }
                assertSameAsGrammar(new String(name));
            }
        }
        java.util.Random random = new java.util.Random(15);
        for (int n = 0; n < 2_000; n++) {
            StringBuilder name = new StringBuilder();
            int labels = 4 + random.nextInt(80); // long labels too: the 63-character limit
            for (int i = 60 + random.nextInt(200); i > 0; i--) {
                name.append(random.nextInt(labels) == 0 ? '.' : alphabet[random.nextInt(5)]);
            }
            assertSameAsGrammar(name.toString());
        }
    }

    private static void assertSameAsGrammar(String name) {
        assertEquals(name.length() <= 253 && HOST_NAME.matcher(name).matches(), Values.validHostName(name), name);
    }

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
                '\u206A', '\uFFFE', '\uFFFF', '\uFDD0', '\uFDEF', '\u034F', '\uFE0F', '\uFE00', '\u3164', '\u115F',
                '\u180B', '\uFFA0', '\uFFF0'};
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
    void anSpnWithALetterOutsideAsciiIsShownByItsCodeAndRefusedInCommands() {
        // a Cyrillic о (U+043E) reads as the Latin o: "cifs/hv05.cоntoso.com" looks like the entry it imitates
        assertFalse(Values.typeableSpn("cifs/hv05.c\u043Entoso.com"));
        assertEquals("cifs/hv05.c\\u043Entoso.com", Values.visibleSpn("cifs/hv05.c\u043Entoso.com"));
        assertEquals("cifs/a\\u202Eb\\u00E9", Values.visibleSpn("cifs/a\u202Eb\u00E9"));
        String plain = "Microsoft Virtual System Migration Service/hv05.contoso.com";
        assertTrue(Values.typeableSpn(plain));
        assertSame(plain, Values.visibleSpn(plain));
        assertEquals("cifs/a\\u0009b", Values.visibleSpn("cifs/a\tb")); // an ASCII control character too
    }

    @Test
    void spnListsAreJoinedWithNoSeparatorBeforeTheFirstValueShown() {
        assertEquals("cifs/a; cifs/b\\u00E9", Values.visibleSpns(java.util.List.of("cifs/a", "cifs/b\u00E9"), "; "));
        // an empty value (or null, shown as empty) before any other adds no separator; one after the first does
        assertEquals("cifs/a; ; cifs/b", Values.visibleSpns(java.util.Arrays.asList("", null, "cifs/a", "", "cifs/b"),
                "; "));
        assertEquals("", Values.visibleSpns(java.util.Arrays.asList("", null), ", "));
        assertEquals("", Values.visibleSpns(java.util.List.of(), ", "));
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
        // noncharacters show as nothing too: U+FFFE, and U+1FFFE, whose lead half also leads U+1FC00-U+1FFFD
        assertFalse(Values.typeableSpn("cifs/hv05.contoso.com\uFFFE"));
        assertEquals("cifs/\\uD83F\\uDFFE\uD83F\uDC00", Values.visible("cifs/\uD83F\uDFFE\uD83F\uDC00"));
        assertFalse(Values.typeableSpn("cifs/hv05.contoso.com\uD83F\uDFFF"));
        assertFalse(Values.typeableSpn("cifs/hv05.contoso.com\uDBFF\uDFFE"));
        assertFalse(Values.shownAsStored("cifs/\uFDD0"));
        // default-ignorable characters: a variation selector, a Hangul filler; U+E0100 (variation selector 17) and a
        // character of U+E0400-U+E0FFF, the rest of the ignorable block beyond U+DB40's tags
        assertFalse(Values.typeableSpn("cifs/hv05.contoso.com\uFE0F"));
        assertFalse(Values.typeableSpn("cifs/hv05\u3164.contoso.com"));
        assertEquals("a\\uDB40\\uDD00b\\uDB41\\uDC00", Values.visible("a\uDB40\uDD00b\uDB41\uDC00"));
        // other characters beyond the BMP stay as they are
        assertEquals("cifs/\uD83D\uDE00", Values.visible("cifs/\uD83D\uDE00"));
        assertTrue(Values.typeable("HOST/hv01.contoso.com"));
    }
}
