package org.kcdauditor.audit;

import org.kcdauditor.model.AdObject;

import java.util.List;

/**
 * One directed delegation requirement: {@code source} must be able to delegate to {@code target}.
 *
 * @param required   SPNs the source's msDS-AllowedToDelegateTo must hold
 * @param missing    the required ones it lacks (empty when RBCD on the target covers the pair)
 * @param unregistered required SPNs that the target does not register ({@code cifs/X} is served by
 *                   {@code HOST/X}): delegation to them cannot work even where the entry is present
 * @param rbcd       RBCD on the target allows the source
 * @param fileServer the target is a Scale-Out File Server, not a migration peer
 */
public record PairStatus(String cluster, AdObject source, AdObject target, List<String> required,
                         List<String> missing, List<String> unregistered, boolean rbcd, boolean fileServer) {
    public PairStatus {
        required = List.copyOf(required);
        missing = List.copyOf(missing);
        unregistered = List.copyOf(unregistered);
    }

    public int present() {
        return required.size() - missing.size();
    }

    /** The pair can migrate as far as AD is concerned: every entry present and every target SPN registered. */
    public boolean ok() {
        return missing.isEmpty() && unregistered.isEmpty();
    }
}
