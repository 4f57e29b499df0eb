package org.kcdauditor.model;

import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the directory held at one moment: every computer and every object registering an SPN
 * under the base DN (with a base DN below the domain, also the objects outside it that the nodes delegate to or that
 * hold a node's SPN), plus the domain facts read beside them. Pure data: evaluation never goes back to
 * the directory.
 *
 * @param dc           the DC actually read: its root DSE's {@code dnsHostName}; null where the server has
 *                     none (not Active Directory)
 * @param dcServerName the root DSE's {@code serverName} (the DC's server object in the configuration
 *                     partition), or null
 * @param aesKeysSince when the domain gained AES keys: {@code whenCreated} of the group whose SID is
 *                     {@code <domain SID>-521} (Read-only Domain Controllers, created with the first
 *                     Windows Server 2008 DC); a password set before has no AES keys. Null when not found. With
 *                     several directories the first's: each has its own in {@code directories}, by which its
 *                     objects are judged
 * @param operators    {@code policy.operators} as resolved, one per configured name, in config order
 * @param directories  the directories (domains) read, in config order, each with the range of {@code objects}
 *                     it gave; empty for a snapshot built without them (tests, stored runs): one directory then
 * @param changes      replication metadata of the delegation attributes of the cluster nodes (and file servers),
 *                     by lower-case DN; empty where the DC gives none
 * @param rbcdPrincipals the principals (groups above all) that the resource-based delegation of the nodes and file
 *                     servers allows and that are no object of the sweep, by SID; empty when every SID is a computer
 *                     of the sweep (most directories) or none could be read
 * @param managedServiceAccounts the DNs (lower case) of the sweep's group and standalone managed service accounts
 *                     ({@code msDS-GroupManagedServiceAccount}, {@code msDS-ManagedServiceAccount}): computer
 *                     subclasses with userAccountControl 0x1000 like a host's account, but no host, so no node of a
 *                     cluster configured by OU; empty when none (or not read)
 */
public record Snapshot(Instant takenAt, String directoryUrl, String baseDn, List<AdObject> objects, String dc,
                       String dcServerName, Instant aesKeysSince, List<Operator> operators,
                       List<DirectoryPart> directories, Map<String, List<AttributeChange>> changes,
                       Map<String, RbcdPrincipal> rbcdPrincipals, java.util.Set<String> managedServiceAccounts) {
    public Snapshot {
        managedServiceAccounts = managedServiceAccounts == null || managedServiceAccounts.isEmpty()
                ? java.util.Set.of() : java.util.Set.copyOf(managedServiceAccounts);
        objects = List.copyOf(objects);
        operators = operators == null ? List.of() : List.copyOf(operators);
        directories = directories == null ? List.of() : List.copyOf(directories);
        changes = changes == null ? Map.of() : Collections.unmodifiableMap(new HashMap<>(changes));
        rbcdPrincipals = rbcdPrincipals == null || rbcdPrincipals.isEmpty() ? Map.of()
                : Collections.unmodifiableMap(new HashMap<>(rbcdPrincipals));
    }

    /** Without managed service accounts among the sweep's objects. */
    public Snapshot(Instant takenAt, String directoryUrl, String baseDn, List<AdObject> objects, String dc,
                    String dcServerName, Instant aesKeysSince, List<Operator> operators,
                    List<DirectoryPart> directories, Map<String, List<AttributeChange>> changes,
                    Map<String, RbcdPrincipal> rbcdPrincipals) {
        this(takenAt, directoryUrl, baseDn, objects, dc, dcServerName, aesKeysSince, operators, directories, changes,
                rbcdPrincipals, null);
    }

    /** Whether {@code o} is a group or standalone managed service account ({@link #managedServiceAccounts}). */
    public boolean isManagedServiceAccount(AdObject o) {
        return !managedServiceAccounts.isEmpty() && o.dn() != null
                && managedServiceAccounts.contains(o.dn().toLowerCase(Locale.ROOT));
    }

    /** Without principals beside the sweep's objects. */
    public Snapshot(Instant takenAt, String directoryUrl, String baseDn, List<AdObject> objects, String dc,
                    String dcServerName, Instant aesKeysSince, List<Operator> operators,
                    List<DirectoryPart> directories, Map<String, List<AttributeChange>> changes) {
        this(takenAt, directoryUrl, baseDn, objects, dc, dcServerName, aesKeysSince, operators, directories, changes,
                null);
    }

    /**
     * Whether {@code target}'s resource-based delegation allows {@code source}: its descriptor names the source's
     * SID, or a group ({@link #rbcdPrincipals}) the source is a member of, as the KDC checks it against the groups in
     * the source's TGT, or Everyone or Authenticated Users, which that token always holds ({@link AnyAccount});
     * unless an access-denied ACE of the descriptor names the source, a group of it, Everyone or Authenticated Users.
     */
    public boolean rbcdAllows(AdObject target, AdObject source) {
        return rbcdAllows(target.rbcdSids(), target.rbcdDeniedSids(), source.objectSid());
    }

    /**
     * The same for a descriptor given by its allowed and refused SIDs (as another domain controller holds it,
     * {@code preflight --all-dcs}) and the source's SID.
     */
    public boolean rbcdAllows(List<String> allowed, List<String> denied, String sid) {
        return rbcdAllows(rbcdPrincipals, allowed, denied, sid);
    }

    /**
     * The same with the groups as another domain controller holds them ({@link DcRead#rbcdPrincipals}): the groups in
     * a TGT are those of the DC that issued it.
     */
    public static boolean rbcdAllows(Map<String, RbcdPrincipal> principals, List<String> allowed, List<String> denied,
                                     String sid) {
        if (sid == null || allowed.isEmpty() || rbcdRefuses(principals, denied, sid)) {
            return false; // an access-denied ACE for the host, or a group of it, wins over any allow
        }
        return AnyAccount.inEveryToken(allowed) || rbcdNames(principals, allowed, sid);
    }

    /**
     * Whether an access-denied ACE of {@code target}'s descriptor refuses {@code source}: it names the source, a group
     * of it, or Everyone or Authenticated Users, which every authenticated account's token holds.
     */
    public boolean rbcdRefuses(AdObject target, AdObject source) {
        return source.objectSid() != null && rbcdRefuses(rbcdPrincipals, target.rbcdDeniedSids(), source.objectSid());
    }

    private static boolean rbcdRefuses(Map<String, RbcdPrincipal> principals, List<String> denied, String sid) {
        return rbcdNames(principals, denied, sid) || AnyAccount.inEveryToken(denied);
    }

    /** Whether {@code sids} name the account itself, or a group ({@code principals}) it is a member of. */
    private static boolean rbcdNames(Map<String, RbcdPrincipal> principals, List<String> sids, String sid) {
        if (sids.isEmpty()) {
            return false;
        }
        if (sids.contains(sid)) {
            return true;
        }
        for (int i = 0; i < sids.size() && !principals.isEmpty(); i++) {
            RbcdPrincipal p = principals.get(sids.get(i));
            if (p != null && p.allows(sid)) {
                return true;
            }
        }
        return false;
    }

    /** One directory, without replication metadata. */
    public Snapshot(Instant takenAt, String directoryUrl, String baseDn, List<AdObject> objects, String dc,
                    String dcServerName, Instant aesKeysSince, List<Operator> operators) {
        this(takenAt, directoryUrl, baseDn, objects, dc, dcServerName, aesKeysSince, operators, null, null);
    }

    /** The last originating changes of an object's delegation attributes; empty when not known. */
    public List<AttributeChange> changesOf(AdObject o) {
        if (changes.isEmpty() || o == null || o.dn() == null) {
            return List.of();
        }
        return changes.getOrDefault(o.dn().toLowerCase(Locale.ROOT), List.of());
    }

    /** Objects only, no domain facts (test snapshots, stored runs). */
    public Snapshot(Instant takenAt, String directoryUrl, String baseDn, List<AdObject> objects) {
        this(takenAt, directoryUrl, baseDn, objects, null, null, null, List.of());
    }
}
