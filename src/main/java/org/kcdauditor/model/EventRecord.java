package org.kcdauditor.model;

import java.time.Instant;

/**
 * One event from an event log export: a live-migration failure of a Hyper-V host, or a KDCSVC event
 * (201–209) of a domain controller about RC4 and AES.
 *
 * @param host            the computer that logged it (the migration source unless the message says otherwise;
 *                        the domain controller for KDCSVC events)
 * @param sourceHost      migration source parsed from the message, else {@code host}; null for KDCSVC events
 * @param destinationHost migration destination parsed from the message, or null
 * @param classification  what went wrong, by HRESULT or wording ({@link EventClassification})
 * @param hresult         {@code 0x8009030E} etc. when the message carries one
 * @param origin          {@code file:line} (CSV) or {@code file:line} of the {@code <Event>} (XML)
 * @param accountName     KDCSVC: the account that asked for the ticket, as the event names it; else null
 * @param serviceName     KDCSVC: the service (account or SPN) the ticket was for; else null
 */
public record EventRecord(String host, int eventId, Instant timeCreated, String sourceHost, String destinationHost,
                          EventClassification classification, String hresult, String message, String origin,
                          String accountName, String serviceName) {

    /** A Hyper-V event (no KDC account or service). */
    public EventRecord(String host, int eventId, Instant timeCreated, String sourceHost, String destinationHost,
                       EventClassification classification, String hresult, String message, String origin) {
        this(host, eventId, timeCreated, sourceHost, destinationHost, classification, hresult, message, origin, null,
                null);
    }

    /** Whether this is a KDCSVC event of a domain controller (KB5073381). */
    public boolean kdc() {
        return classification.kdc();
    }
}
