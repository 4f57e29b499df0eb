package org.kcdauditor.model;

import java.time.Instant;

/**
 * One migration-failure event from an event log export.
 *
 * @param host            the computer that logged it (the migration source unless the message says otherwise)
 * @param sourceHost      migration source parsed from the message, else {@code host}
 * @param destinationHost migration destination parsed from the message, or null
 * @param classification  NO_CREDENTIALS, TARGET_UNKNOWN, ACCESS_DENIED, SECURITY_CONTEXT or OTHER
 * @param hresult         {@code 0x8009030E} etc. when the message carries one
 * @param origin          {@code file:line} (CSV) or {@code file#n} (XML, n-th event)
 */
public record EventRecord(String host, int eventId, Instant timeCreated, String sourceHost, String destinationHost,
                          String classification, String hresult, String message, String origin) {
}
