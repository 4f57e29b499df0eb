package org.kcdauditor.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class DnsNamesTest {
    @Test
    void everyTrailingDotGoesAndNothingElse() {
        assertEquals("dc1.contoso.com", DnsNames.withoutTrailingDots("dc1.contoso.com."), "the root's dot");
        assertEquals("dc1.contoso.com", DnsNames.withoutTrailingDots("dc1.contoso.com..."), "several");
        assertEquals("HV01", DnsNames.withoutTrailingDots("HV01.."), "a single label");
        assertEquals("DC1.Contoso.COM", DnsNames.withoutTrailingDots("DC1.Contoso.COM."), "the case is kept");
        assertEquals(".contoso.com", DnsNames.withoutTrailingDots(".contoso.com."), "a leading dot is kept");
        assertEquals("hv01$", DnsNames.withoutTrailingDots("hv01$."), "a $ is the caller's");
        assertEquals("hv01.:389", DnsNames.withoutTrailingDots("hv01.:389"), "so is a port");
        assertEquals(" hv01. ", DnsNames.withoutTrailingDots(" hv01. "), "and spaces");
        assertEquals("хв01.contoso.com", DnsNames.withoutTrailingDots("хв01.contoso.com."), "any letters");
        assertEquals("hv01\u3002", DnsNames.withoutTrailingDots("hv01\u3002"), "only the ASCII full stop");
        assertEquals("", DnsNames.withoutTrailingDots("."), "dots only");
        assertEquals("", DnsNames.withoutTrailingDots("..."));
        assertEquals("", DnsNames.withoutTrailingDots(""));
    }

    @Test
    void aNameWithoutTrailingDotIsReturnedAsItIs() {
        String name = "hv01.contoso.com";
        assertSame(name, DnsNames.withoutTrailingDots(name));
    }
}
