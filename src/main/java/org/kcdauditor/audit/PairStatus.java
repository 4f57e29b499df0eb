package org.kcdauditor.audit;

import org.kcdauditor.model.AdObject;

import java.util.List;

/**
 * One directed delegation requirement: {@code source} must be able to delegate to {@code target}, and the
 * Kerberos exchange behind a live migration must be able to succeed.
 *
 * @param required     SPNs the source's msDS-AllowedToDelegateTo must hold
 * @param unnamed      how many more entries the pair requires in a name form the target gives no name for (the FQDN
 *                     form of a target without dNSHostName whose SPNs name no single FQDN: DNS_HOST_NAME_MISSING):
 *                     counted as required, and as present only where RBCD on the target covers the pair
 * @param missing      the required ones it lacks (empty when RBCD on the target covers the pair)
 * @param unregistered required SPNs that the target does not register ({@code cifs/X} is served by
 *                     {@code HOST/X}): delegation to them cannot work even where the entry is present
 * @param rbcd         RBCD on the target allows the source
 * @param entriesCover the source's own msDS-AllowedToDelegateTo holds every required SPN, whether or not RBCD covers
 *                     the pair too; false across domains, where entries do not count
 * @param fileServer   the target is a Scale-Out File Server, not a migration peer
 * @param blockers     every reason the pair cannot succeed, as the findings that say so: missing entries,
 *                     unregistered or duplicated target SPNs, no AES on either account, a disabled node account,
 *                     CredSSP or live migration disabled on a host, a DC that has not replicated what the pair needs
 */
public record PairStatus(String cluster, AdObject source, AdObject target, List<String> required, int unnamed,
                         List<String> missing, List<String> unregistered, boolean rbcd, boolean entriesCover,
                         boolean fileServer, List<Blocker> blockers) {
    public PairStatus {
        required = List.copyOf(required);
        missing = List.copyOf(missing);
        unregistered = List.copyOf(unregistered);
        blockers = List.copyOf(blockers);
    }

    /** How many entries the pair requires: those it names, and those in a form the target gives no name for. */
    public int requiredCount() {
        return required.size() + unnamed;
    }

    /** How many of them the source holds, or RBCD makes unnecessary: an entry that cannot be named is never held. */
    public int present() {
        return required.size() - missing.size() + (rbcd ? unnamed : 0);
    }

    /** The pair can migrate as far as AD and the hosts' exports can tell: nothing blocks it. */
    public boolean ok() {
        return blockers.isEmpty();
    }

    /** This pair with more blockers. */
    /** The same pair with {@code all} as its blockers (in place of its own). */
    PairStatus withBlockers(List<Blocker> all) {
        return new PairStatus(cluster, source, target, required, unnamed, missing, unregistered, rbcd, entriesCover,
                fileServer, all);
    }

    PairStatus with(List<Blocker> more) {
        if (more.isEmpty()) {
            return this;
        }
        List<Blocker> all = new java.util.ArrayList<>(blockers);
        all.addAll(more);
        return withBlockers(all);
    }
}
