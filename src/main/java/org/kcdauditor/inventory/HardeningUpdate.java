package org.kcdauditor.inventory;

import java.time.LocalDate;
import java.util.List;

/**
 * One Kerberos hardening update of the catalogue ({@code config/hardening-kbs.yaml}).
 *
 * @param kb        the KB article that describes the change (KB5020805)
 * @param carriedBy monthly cumulative update KB ids that contain it (what Get-HotFix shows)
 * @param phases    the dated steps of the change (audit, enforcement, no rollback), oldest first; may be empty
 */
public record HardeningUpdate(String kb, String cve, String title, LocalDate released, String enforced,
                              String changes, List<String> carriedBy, List<Phase> phases) {

    /** From {@code from} on (the monthly updates of that day), domain controllers with them do {@code change}. */
    public record Phase(LocalDate from, String change) {
    }

    public HardeningUpdate {
        carriedBy = carriedBy == null ? List.of() : List.copyOf(carriedBy);
        phases = phases == null ? List.of() : List.copyOf(phases);
    }

    /** Without phases. */
    public HardeningUpdate(String kb, String cve, String title, LocalDate released, String enforced, String changes,
                           List<String> carriedBy) {
        this(kb, cve, title, released, enforced, changes, carriedBy, null);
    }
}
