package org.kcdauditor.model;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a principal of an RBCD descriptor says about itself, named or not. */
class RbcdPrincipalTest {
    static final String SID = "S-1-5-21-1-2-3-1146";

    @Test
    void aGroupWithoutANameIsShownByItsDnOrSidNeverAsNull() {
        Map<String, String> members = new LinkedHashMap<>();
        members.put("S-1-5-21-1-2-3-2001", "HV72");
        members.put("S-1-5-21-1-2-3-2002", null);
        RbcdPrincipal byDn = new RbcdPrincipal(SID, "OU=odd,DC=contoso,DC=com", null, RbcdPrincipal.Kind.GROUP,
                members, true);
        assertEquals("OU=odd,DC=contoso,DC=com", byDn.displayName());
        assertEquals("OU=odd,DC=contoso,DC=com, group, 2 members: HV72, S-1-5-21-1-2-3-2002", byDn.label());
        RbcdPrincipal bySid = new RbcdPrincipal(SID, null, null, RbcdPrincipal.Kind.GROUP, Map.of(), false);
        assertEquals(SID, bySid.displayName());
        assertEquals(SID + ", group, members not all read", bySid.label());
        assertFalse(bySid.label().contains("null"));
    }

    @Test
    void aGroupAllowsItselfAndItsMembersOnly() {
        RbcdPrincipal g = new RbcdPrincipal(SID, "CN=HVHosts,DC=contoso,DC=com", "HVHosts", RbcdPrincipal.Kind.GROUP,
                Map.of("S-1-5-21-1-2-3-2001", "HV72"), true);
        assertEquals("HVHosts", g.displayName());
        assertEquals("HVHosts, group, 1 member: HV72", g.label());
        assertTrue(g.allows(SID));
        assertTrue(g.allows("S-1-5-21-1-2-3-2001"));
        assertFalse(g.allows("S-1-5-21-1-2-3-2002"));
        assertFalse(g.allows(null));
    }
}
