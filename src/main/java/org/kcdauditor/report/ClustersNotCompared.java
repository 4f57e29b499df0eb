package org.kcdauditor.report;

import org.kcdauditor.model.Finding;

import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The clusters whose findings two runs did not compare: those either run did not audit (their optional directory could
 * not be read), by name in any case. A finding of one of them is neither new nor resolved: findings.json's
 * {@code history} ({@link HistorySections}) and the mail notice ({@code NoticeBuilder}) both ask {@link #compared}.
 */
public final class ClustersNotCompared {
    /** Two runs that audited every cluster. */
    public static final ClustersNotCompared NONE = new ClustersNotCompared(Set.of());

    private final Set<String> names;

    private ClustersNotCompared(Set<String> names) {
        this.names = names;
    }

    /**
     * @param unauditedBefore the clusters the run compared with did not audit, as the store keeps them
     * @param unauditedNow    the clusters this run did not audit
     */
    public static ClustersNotCompared of(Collection<String> unauditedBefore, Collection<String> unauditedNow) {
        Set<String> names = new HashSet<>();
        unauditedBefore.forEach(c -> names.add(c.toLowerCase(Locale.ROOT)));
        unauditedNow.forEach(c -> names.add(c.toLowerCase(Locale.ROOT)));
        return new ClustersNotCompared(Set.copyOf(names));
    }

    /** The same, this run's from its document ({@code clusters[].audited: false}). */
    public static ClustersNotCompared of(Collection<String> unauditedBefore, FindingsDocument now) {
        return of(unauditedBefore, now.clusters().stream().filter(c -> Boolean.FALSE.equals(c.audited()))
                .map(FindingsDocument.ClusterDoc::name).toList());
    }

    /**
     * Whether {@code f} took part in the comparison: a finding of no cluster does, and so does null (an id the run
     * compared with lists without its finding).
     */
    public boolean compared(Finding f) {
        return f == null || f.cluster() == null || !names.contains(f.cluster().toLowerCase(Locale.ROOT));
    }
}
