package org.kcdauditor.directory;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whether the ticket cache holds the configured principal's tickets (a bind from it runs as whoever it holds). */
class TicketCacheTest {
    @Test
    void theSameAccountIsRecognisedUnderAUpnSuffixOrWithoutRealmAndAnotherIsNot() {
        // directory.principal with the UPN suffix of a forest whose realm is another name
        assertTrue(TicketCache.names("svc-kcdaudit@contoso.com", "svc-kcdaudit@CORP.CONTOSO.COM"));
        assertTrue(TicketCache.names("svc-kcdaudit", "SVC-KCDAUDIT@CONTOSO.TEST"));
        assertTrue(TicketCache.names("Svc-KcdAudit@CONTOSO.TEST", "svc-kcdaudit@CONTOSO.TEST"));
        assertFalse(TicketCache.names("svc-kcdaudit@CONTOSO.TEST", "Administrator@CONTOSO.TEST"));
        assertFalse(TicketCache.names("svc-kcdaudit", "svc-kcdaudit2@CONTOSO.TEST"));
    }
}
