package org.kcdauditor.model;

import java.time.Instant;
import java.util.List;

/**
 * One directory (domain) of a snapshot: where it was read, the domain facts read beside the sweep, and which of
 * the snapshot's objects came from it ({@code objectCount} objects from index {@code firstObject}).
 *
 * @param failure     why an optional directory could not be read (its clusters are not audited); null when read
 * @param changeTimes whether the DC gave replication metadata (who changed an attribute, when); null when no
 *                    object was asked for it
 * @param dcCheck     whether its other domain controllers were read ({@code preflight --all-dcs})
 * @param domainControllers what each domain controller held, when they were read
 * @param dcReadOnly  whether {@code dc} is a read-only DC (its root DSE says so), which takes no write
 * @param writeDc     where {@code dc} is read-only, the DC a change is written to and pushed from: the domain's PDC
 *                    emulator; null when the DC read is writable or the PDC emulator could not be read
 */
public record DirectoryPart(String name, String url, String baseDn, String dc, String dcServerName, Instant aesKeysSince,
                            boolean optional, String failure, int firstObject, int objectCount, Boolean changeTimes,
                            boolean dcCheck, List<DcRead> domainControllers, boolean dcReadOnly, String writeDc) {
    public DirectoryPart {
        domainControllers = domainControllers == null ? List.of() : List.copyOf(domainControllers);
    }

    /** Read from a writable DC (or none). */
    public DirectoryPart(String name, String url, String baseDn, String dc, String dcServerName, Instant aesKeysSince,
                         boolean optional, String failure, int firstObject, int objectCount, Boolean changeTimes,
                         boolean dcCheck, List<DcRead> domainControllers) {
        this(name, url, baseDn, dc, dcServerName, aesKeysSince, optional, failure, firstObject, objectCount, changeTimes,
                dcCheck, domainControllers, false, null);
    }

    public boolean audited() {
        return failure == null;
    }

    /** This part's objects start at {@code first} in the merged snapshot. */
    public DirectoryPart at(int first) {
        return new DirectoryPart(name, url, baseDn, dc, dcServerName, aesKeysSince, optional, failure, first,
                objectCount, changeTimes, dcCheck, domainControllers, dcReadOnly, writeDc);
    }
}
