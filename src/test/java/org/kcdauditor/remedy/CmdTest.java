package org.kcdauditor.remedy;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class CmdTest {
    @Test
    void argumentsAreBareWhenPlainQuotedWhenTheyHoldSpacesAndRefusedWhenAShellWouldChangeThem() {
        assertEquals("\"a b\"", Cmd.arg("a b"));
        assertEquals("HV01$", Cmd.arg("HV01$"));
        assertEquals("dc1.contoso.com", Cmd.arg("dc1.contoso.com"));
        assertEquals("\"Microsoft Virtual System Migration Service/hv14.contoso.com\"",
                Cmd.arg("Microsoft Virtual System Migration Service/hv14.contoso.com"));
        assertNull(Cmd.arg("a$b"), "PowerShell expands $b inside double quotes");
        assertNull(Cmd.arg("/D"), "a switch");
        assertNull(Cmd.arg("-D"), "a switch");
        assertNull(Cmd.arg("x%PATH%"), "cmd expands %PATH% inside double quotes");
        assertNull(Cmd.arg("x!y"), "delayed expansion");
        assertNull(Cmd.arg("a\"b"));
        assertNull(Cmd.arg("a\u202Eb"), "a bidirectional override");
        assertNull(Cmd.arg("a\nb"));
        // "HV C\" reaches the program as HV C" and the rest of the line: \" is a quote to its argument parser
        assertNull(Cmd.arg("HV C\\"), "a backslash before the closing quote");
        assertEquals("\"C:\\a b\\x\"", Cmd.arg("C:\\a b\\x"), "a backslash elsewhere is literal");
    }
}
