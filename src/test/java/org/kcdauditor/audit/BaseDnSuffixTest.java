package org.kcdauditor.audit;

import com.unboundid.ldap.sdk.DN;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A configured node's DN is taken to be under the base DN without parsing it only where parsing would say so
 * ({@link AuditContext#endsWithRdnsOf}); every other DN is parsed, as before.
 */
class BaseDnSuffixTest {
    private static final String BASE = "DC=contoso,DC=com";

    @Test
    void aDnEndingWithTheBaseDnInAnyCaseOfItsLettersIsUnderIt() {
        for (String dn : new String[] {"CN=HV01,OU=Servers,DC=contoso,DC=com", "cn=HV01,ou=Servers,dc=contoso,dc=com",
                "CN=HV01,DC=CONTOSO,DC=COM", "CN=a\\\\,DC=contoso,DC=com", "CN=a\\5C,DC=contoso,DC=com"}) {
            assertTrue(AuditContext.endsWithRdnsOf(dn, BASE), dn);
            assertTrue(parsedUnder(dn, BASE), dn); // what parsing says of each
        }
    }

    @Test
    void anythingElseIsLeftToTheParser() {
        // an escaped comma (the base is part of the last RDN's value), a quoted value, the base itself, another domain,
        // spaces, a letter that only Unicode folds to the base's (KELVIN SIGN), a suffix that is no whole RDN
        String[][] cases = {{"CN=a\\,DC=contoso,DC=com", "false"}, {"CN=\"a,DC=contoso,DC=com\",DC=contoso,DC=com", "true"},
                {BASE, "true"}, {"CN=a,DC=fabrikam,DC=com", "false"}, {"CN=a,DC=contoso, DC=com", "true"},
                {"CN=a,DC=\u212Aontoso,DC=com", null}, {"CN=a,XDC=contoso,DC=com", "false"}};
        for (String[] c : cases) {
            assertEquals(false, AuditContext.endsWithRdnsOf(c[0], BASE), c[0]);
            if (c[1] != null) {
                assertEquals(Boolean.parseBoolean(c[1]), parsedUnder(c[0], BASE), c[0]);
            }
        }
    }

    private static boolean parsedUnder(String dn, String base) {
        try {
            return new DN(dn).isDescendantOf(new DN(base), true);
        } catch (Exception e) {
            throw new AssertionError(dn, e);
        }
    }
}
