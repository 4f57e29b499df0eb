package org.kcdauditor.report;

import org.kcdauditor.model.Finding;
import org.kcdauditor.rules.ClusterEmptyRule;

import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The clusters whose findings two runs did not compare: those either run did not audit (their optional directory could
 * not be read), by name in any case. A finding of one of them is neither new nor resolved: findings.json's
 * {@code history} ({@link HistorySections}) and the mail notice ({@code NoticeBuilder}) both ask {@link #compared}.
 * With {@link #lookedAt}, also the clusters this run did not look at for another reason (taken out of the
 * configuration, or configured by an OU that holds no computer any more: CLUSTER_EMPTY): a finding the run compared
 * with had there was not fixed, so it is not resolved ({@link #resolvable}); this run's findings of such a cluster
 * (CLUSTER_EMPTY itself) are new as any.
 */
public final class ClustersNotCompared {
    /** Two runs that audited every cluster. */
    public static final ClustersNotCompared NONE = new ClustersNotCompared(Set.of(), null);

    private final Set<String> names;
    /** The clusters this run looked at, lower case; null: every cluster a finding of the run compared with names. */
    private final Set<String> looked;

    private ClustersNotCompared(Set<String> names, Set<String> looked) {
        this.names = names;
        this.looked = looked;
    }

    /**
     * @param unauditedBefore the clusters the run compared with did not audit, as the store keeps them
     * @param unauditedNow    the clusters this run did not audit
     */
    public static ClustersNotCompared of(Collection<String> unauditedBefore, Collection<String> unauditedNow) {
        Set<String> names = new HashSet<>();
        unauditedBefore.forEach(c -> names.add(c.toLowerCase(Locale.ROOT)));
        unauditedNow.forEach(c -> names.add(c.toLowerCase(Locale.ROOT)));
        return new ClustersNotCompared(Set.copyOf(names), null);
    }

    /** The same, this run's from its document ({@code clusters[].audited: false}). */
    public static ClustersNotCompared of(Collection<String> unauditedBefore, FindingsDocument now) {
        return of(unauditedBefore, now.clusters().stream().filter(c -> Boolean.FALSE.equals(c.audited()))
                .map(FindingsDocument.ClusterDoc::name).toList());
    }

    /**
     * The same, knowing which clusters this run looked at: those {@code configured} now (by name), but those of them
     * whose OU holds no computer ({@code now} has their CLUSTER_EMPTY finding).
     */
    public ClustersNotCompared lookedAt(Collection<String> configured, Collection<Finding> now) {
        Set<String> l = new HashSet<>();
        configured.forEach(c -> l.add(c.toLowerCase(Locale.ROOT)));
        for (Finding f : now) {
            if (f.rule().equals(ClusterEmptyRule.ID) && f.cluster() != null) {
                l.remove(f.cluster().toLowerCase(Locale.ROOT));
            }
        }
        return new ClustersNotCompared(names, Set.copyOf(l));
    }

    /**
     * Whether {@code before}, a finding of the run compared with that this run does not have, counts as resolved: it
     * took part in the comparison, and its cluster (where it has one) is one this run looked at. Null (an id whose
     * finding the run compared with lists without it) does.
     */
    public boolean resolvable(Finding before) {
        return compared(before) && (before == null || before.cluster() == null || looked == null
                || looked.contains(before.cluster().toLowerCase(Locale.ROOT)));
    }

    /**
     * Whether {@code f} took part in the comparison: a finding of no cluster does, and so does null (an id the run
     * compared with lists without its finding).
     */
    public boolean compared(Finding f) {
        return f == null || f.cluster() == null || !names.contains(f.cluster().toLowerCase(Locale.ROOT));
    }
}
