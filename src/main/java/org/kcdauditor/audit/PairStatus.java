package org.kcdauditor.audit;

import org.kcdauditor.model.AdObject;

import java.util.List;

/**
 * One directed delegation requirement: {@code source} must be able to delegate to {@code target}, and the
 * Kerberos exchange behind a live migration must be able to succeed.
 *
 * @param required     SPNs the source asks the KDC for, which its msDS-AllowedToDelegateTo must hold unless RBCD on
 *                     the target covers the pair (and which no entry can serve across domains)
 * @param unnamed      how many more entries the pair requires in a name form the target gives no name for (the FQDN
 *                     form of a target without dNSHostName whose SPNs name no single FQDN: DNS_HOST_NAME_MISSING):
 *                     counted as required, never as present
 * @param missing      the required ones it lacks and needs: empty when RBCD on the target covers the pair (but for an
 *                     SPN a file server's service account holds whose own RBCD does not allow the source), and across
 *                     domains, where adding them would fix nothing (CROSS_DOMAIN_NEEDS_RBCD)
 * @param unregistered required SPNs that the target does not register ({@code cifs/X} is served by
 *                     {@code HOST/X}): delegation to them cannot work even where the entry is present
 * @param rbcd         RBCD on the target allows the source
 * @param entriesCover the source's own msDS-AllowedToDelegateTo holds every required SPN, whether or not RBCD covers
 *                     the pair too; false across domains, where entries do not count
 * @param across       source and target are in different directories (domains): classic delegation cannot serve
 *                     the pair, only RBCD on the target
 * @param fileServer   the target is a Scale-Out File Server, not a migration peer
 * @param blockers     every reason the pair cannot succeed, as the findings that say so: missing entries,
 *                     unregistered or duplicated target SPNs, no AES on either account, a disabled node account,
 *                     CredSSP or live migration disabled on a host, a DC that has not replicated what the pair needs
 * @param sourceEntries where RBCD on the target covers the pair, the SPNs it requires in its source's
 *                     msDS-AllowedToDelegateTo all the same, whether the source holds them or not: a file server's cifs
 *                     SPNs a service account serves whose own RBCD does not allow the source (those of them the source
 *                     lacks are {@code missing}); empty for every other pair
 */
public record PairStatus(String cluster, AdObject source, AdObject target, List<String> required, int unnamed,
                         List<String> missing, List<String> unregistered, boolean rbcd, boolean entriesCover,
                         boolean across, boolean fileServer, List<Blocker> blockers, List<String> sourceEntries) {
    public PairStatus {
        required = List.copyOf(required);
        missing = List.copyOf(missing);
        unregistered = List.copyOf(unregistered);
        blockers = List.copyOf(blockers);
        sourceEntries = List.copyOf(sourceEntries);
    }

    /**
     * How many msDS-AllowedToDelegateTo entries the pair requires of its source: those it names, and those in a form
     * the target gives no name for. Where RBCD on the target covers the pair only its {@link #sourceEntries} (those it
     * does not cover, held or not, so that adding one counts it present rather than no longer required), and none
     * across domains, where no entry can serve it: the "entries present / required" of every output are what the
     * attributes hold, as Get-ADComputer counts them.
     */
    public int requiredCount() {
        return across ? 0 : rbcd ? sourceEntries.size() : required.size() + unnamed;
    }

    /** How many of them the source holds: an entry that cannot be named is never held. */
    public int present() {
        return across ? 0 : rbcd ? sourceEntries.size() - missing.size() : required.size() - missing.size();
    }

    /** The pair can migrate as far as AD and the hosts' exports can tell: nothing blocks it. */
    public boolean ok() {
        return blockers.isEmpty();
    }

    /** The same pair with {@code all} as its blockers (in place of its own). */
    PairStatus withBlockers(List<Blocker> all) {
        return new PairStatus(cluster, source, target, required, unnamed, missing, unregistered, rbcd, entriesCover,
                across, fileServer, all, sourceEntries);
    }

    /** This pair with more blockers. */
    PairStatus with(List<Blocker> more) {
        if (more.isEmpty()) {
            return this;
        }
        List<Blocker> all = new java.util.ArrayList<>(blockers);
        all.addAll(more);
        return withBlockers(all);
    }
}
