package org.kcdauditor.model;

import java.time.Instant;
import java.util.List;

/**
 * What the directory held at one moment: every computer and every object registering an SPN
 * under the base DN, plus the domain facts read beside them. Pure data: evaluation never goes back to
 * the directory.
 *
 * @param dc           the DC actually read: its root DSE's {@code dnsHostName}; null where the server has
 *                     none (not Active Directory)
 * @param dcServerName the root DSE's {@code serverName} (the DC's server object in the configuration
 *                     partition), or null
 * @param aesKeysSince when the domain gained AES keys: {@code whenCreated} of the group whose SID is
 *                     {@code <domain SID>-521} (Read-only Domain Controllers, created with the first
 *                     Windows Server 2008 DC); a password set before has no AES keys. Null when not found
 * @param operators    {@code policy.operators} as resolved, one per configured name, in config order
 */
public record Snapshot(Instant takenAt, String directoryUrl, String baseDn, List<AdObject> objects, String dc,
                       String dcServerName, Instant aesKeysSince, List<Operator> operators) {
    public Snapshot {
        objects = List.copyOf(objects);
        operators = operators == null ? List.of() : List.copyOf(operators);
    }

    /** Objects only, no domain facts (test snapshots, stored runs). */
    public Snapshot(Instant takenAt, String directoryUrl, String baseDn, List<AdObject> objects) {
        this(takenAt, directoryUrl, baseDn, objects, null, null, null, List.of());
    }
}
