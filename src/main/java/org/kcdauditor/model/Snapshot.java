package org.kcdauditor.model;

import java.time.Instant;
import java.util.List;

/**
 * What the directory held at one moment: every computer and every object registering an SPN
 * under the base DN. Pure data: evaluation never goes back to the directory.
 */
public record Snapshot(Instant takenAt, String directoryUrl, String baseDn, List<AdObject> objects) {
    public Snapshot {
        objects = List.copyOf(objects);
    }
}
