package org.kcdauditor.model;

import java.util.List;
import java.util.Map;

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
 * @param rbcdPrincipals the principals (groups) the checked objects' resource-based delegation names, with their
 *                 members as this DC holds them, by SID ({@link Snapshot#rbcdPrincipals}): a membership the audited DC
 *                 has and this one lacks is missing from the TGTs it issues
 * @param spnHolders the other objects this DC holds that register an SPN of a checked object (its whole SPN, case
 *                 and a trailing dot aside): a duplicate made on this DC that the audited DC has not received yet makes
 *                 this DC's KDC refuse tickets for it
 * @param changes  the last originating write of each delegation attribute of the checked objects as this DC's
 *                 replication metadata records it, by lower-case DN (empty when it gives none): which of two DCs that
 *                 disagree holds the newer write
 * @param holdersError why the search of this DC for {@code spnHolders} failed (refused, a size or time limit …), or
 *                 null when it was read (or not asked): then no list of other holders is known for this DC, and an
 *                 empty {@code spnHolders} does not mean that its KDC finds one holder only
 */
public record DcRead(String name, String url, boolean readOnly, boolean audited, String error, List<AdObject> objects,
                     List<String> missing, Map<String, RbcdPrincipal> rbcdPrincipals, List<AdObject> spnHolders,
                     Map<String, List<AttributeChange>> changes, String holdersError) {
    public DcRead {
        objects = objects == null ? List.of() : List.copyOf(objects);
        missing = missing == null ? List.of() : List.copyOf(missing);
        rbcdPrincipals = rbcdPrincipals == null ? Map.of() : Map.copyOf(rbcdPrincipals);
        spnHolders = spnHolders == null ? List.of() : List.copyOf(spnHolders);
        changes = changes == null ? Map.of() : Map.copyOf(changes);
    }

    /** Its other holders searched for (or not asked). */
    public DcRead(String name, String url, boolean readOnly, boolean audited, String error, List<AdObject> objects,
                  List<String> missing, Map<String, RbcdPrincipal> rbcdPrincipals, List<AdObject> spnHolders,
                  Map<String, List<AttributeChange>> changes) {
        this(name, url, readOnly, audited, error, objects, missing, rbcdPrincipals, spnHolders, changes, null);
    }

    /** Without replication metadata (not asked, or the DC gives none). */
    public DcRead(String name, String url, boolean readOnly, boolean audited, String error, List<AdObject> objects,
                  List<String> missing, Map<String, RbcdPrincipal> rbcdPrincipals, List<AdObject> spnHolders) {
        this(name, url, readOnly, audited, error, objects, missing, rbcdPrincipals, spnHolders, null);
    }

    /** Without other holders of the checked objects' SPNs (not asked, or none). */
    public DcRead(String name, String url, boolean readOnly, boolean audited, String error, List<AdObject> objects,
                  List<String> missing, Map<String, RbcdPrincipal> rbcdPrincipals) {
        this(name, url, readOnly, audited, error, objects, missing, rbcdPrincipals, null);
    }

    /** Without principals: the descriptors name computers only, or the DC was not read. */
    public DcRead(String name, String url, boolean readOnly, boolean audited, String error, List<AdObject> objects,
                  List<String> missing) {
        this(name, url, readOnly, audited, error, objects, missing, null);
    }

    public boolean reachable() {
        return error == null;
    }
}
