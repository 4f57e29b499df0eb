package org.kcdauditor.inventory;

import java.time.LocalDate;
import java.util.List;

/**
 * One Kerberos hardening update of the catalogue ({@code config/hardening-kbs.yaml}).
 *
 * @param kb        the KB article that describes the change (KB5020805)
 * @param carriedBy monthly cumulative update KB ids that contain it (what Get-HotFix shows)
 */
public record HardeningUpdate(String kb, String cve, String title, LocalDate released, String enforced,
                              String changes, List<String> carriedBy) {
    public HardeningUpdate {
        carriedBy = carriedBy == null ? List.of() : List.copyOf(carriedBy);
    }
}
