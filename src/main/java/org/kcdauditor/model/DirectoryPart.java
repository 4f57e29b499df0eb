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
 */
public record DirectoryPart(String name, String url, String baseDn, String dc, String dcServerName, Instant aesKeysSince,
                            boolean optional, String failure, int firstObject, int objectCount, Boolean changeTimes,
                            boolean dcCheck, List<DcRead> domainControllers) {
    public DirectoryPart {
        domainControllers = domainControllers == null ? List.of() : List.copyOf(domainControllers);
    }

    public boolean audited() {
        return failure == null;
    }

    /** This part's objects start at {@code first} in the merged snapshot. */
    public DirectoryPart at(int first) {
        return new DirectoryPart(name, url, baseDn, dc, dcServerName, aesKeysSince, optional, failure, first,
                objectCount, changeTimes, dcCheck, domainControllers);
    }
}
