package org.kcdauditor.remedy;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PsTest {
    @Test
    void quotesDoubleEveryKindOfSingleQuote() {
        assertEquals("'HV''; Remove-ADUser x; '''", Ps.quote("HV'; Remove-ADUser x; '"));
        assertEquals("'a\u2019\u2019b'", Ps.quote("a\u2019b"));
    }

    @Test
    void doublesQuotesWhereverTheyStandAndLeavesOtherValuesAsTheyAre() {
        assertEquals("'HV01$'", Ps.quote("HV01$"));
        assertEquals("", Ps.escape(null));
        assertEquals("''a", Ps.escape("'a"));
        assertEquals("a''", Ps.escape("a'"));
        assertEquals("a\u2018\u2018b\u201B\u201B", Ps.escape("a\u2018b\u201B"));
        assertEquals("a\u201Cb\u201D", Ps.escape("a\u201Cb\u201D")); // double quotes end no single-quoted string
    }

    @Test
    void oneLineRemovesLineBreaksAndTerminalEscapes() {
        String hostile = "HV01\r\nWrite-Host pwned\u2028x\u0085y\u001b]0;title\u0007\u001b[2Jz\tq";
        String safe = Ps.oneLine(hostile);
        assertTrue(safe.chars().noneMatch(c -> Character.isISOControl(c) || c == '\u2028'), safe);
        assertEquals("HV01  Write-Host pwned x y ]0;title  [2Jz q", safe);
    }
}
