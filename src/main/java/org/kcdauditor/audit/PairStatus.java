package org.kcdauditor.audit;

import org.kcdauditor.model.AdObject;

import java.util.List;

/**
 * One directed delegation requirement: {@code source} must be able to delegate to {@code target}, and the
 * Kerberos exchange behind a live migration must be able to succeed.
 *
 * @param required     SPNs the source's msDS-AllowedToDelegateTo must hold
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
public record PairStatus(String cluster, AdObject source, AdObject target, List<String> required,
                         List<String> missing, List<String> unregistered, boolean rbcd, boolean entriesCover,
                         boolean fileServer, List<Blocker> blockers) {
    public PairStatus {
        required = List.copyOf(required);
        missing = List.copyOf(missing);
        unregistered = List.copyOf(unregistered);
        blockers = List.copyOf(blockers);
    }

    public int present() {
        return required.size() - missing.size();
    }

    /** The pair can migrate as far as AD and the hosts' exports can tell: nothing blocks it. */
    public boolean ok() {
        return blockers.isEmpty();
    }

    /** This pair with more blockers. */
    PairStatus with(List<Blocker> more) {
        if (more.isEmpty()) {
            return this;
        }
        List<Blocker> all = new java.util.ArrayList<>(blockers);
        all.addAll(more);
        return new PairStatus(cluster, source, target, required, missing, unregistered, rbcd, entriesCover, fileServer,
                all);
    }
}
