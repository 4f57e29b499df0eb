package org.kcdauditor.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ChangesInWordsTest {
    /**
     * Entries removed towards one host name it, whatever it is: "HVA2: 4 delegation entries removed (towards 1 peer)"
     * read as a cluster peer lost, where the entries were to HVOLD7, a decommissioned host (review 8, item 8). More
     * hosts are "hosts", not "peers": an entry may name any host, a peer or not.
     */
    @Test
    void entriesTowardsOneHostNameIt() {
        List<String> old = List.of("cifs/HVOLD7", "cifs/hvold7.contoso.com",
                "Microsoft Virtual System Migration Service/HVOLD7",
                "Microsoft Virtual System Migration Service/hvold7.contoso.com");
        assertEquals("towards HVOLD7", ChangesInWords.towards(old));
        assertEquals(List.of("HVA2: 5 delegation entries removed (towards HVOLD7)"), ChangesInWords.condensed(
                java.util.stream.Stream.concat(old.stream(), java.util.stream.Stream.of("cifs/HVOLD7:445"))
                        .map(e -> "HVA2: delegation entry removed: " + e).toList()));
        assertEquals("towards 4 hosts: HV01, HV02, HVOLD7, …", ChangesInWords.towards(List.of("cifs/HV01",
                "cifs/HV02.contoso.com", "cifs/HVOLD7", "cifs/HV04")));
    }
}
