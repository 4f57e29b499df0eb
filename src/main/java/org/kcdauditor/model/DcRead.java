package org.kcdauditor.model;

import java.util.List;

/**
 * What one domain controller of a domain holds for the objects a preflight checks ({@code preflight --all-dcs}):
 * their delegation attributes as read from that DC, to be compared with the DC the audit read.
 *
 * @param name     the DC's DNS name (its computer object's dNSHostName, or its root DSE's), else its URL
 * @param url      where it was read
 * @param readOnly a read-only DC (PARTIAL_SECRETS_ACCOUNT)
 * @param audited  the DC the audit itself read: the reference, not read again
 * @param error    why it could not be read (unreachable, bind refused …), or null when it was read
 * @param objects  the checked objects as this DC holds them (delegation attributes only)
 * @param missing  DNs of checked objects this DC does not hold (not replicated yet)
 */
public record DcRead(String name, String url, boolean readOnly, boolean audited, String error, List<AdObject> objects,
                     List<String> missing) {
    public DcRead {
        objects = objects == null ? List.of() : List.copyOf(objects);
        missing = missing == null ? List.of() : List.copyOf(missing);
    }

    public boolean reachable() {
        return error == null;
    }
}
