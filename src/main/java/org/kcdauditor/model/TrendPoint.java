package org.kcdauditor.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.time.Instant;

/**
 * One run of a configuration as its trend shows it ({@code history.trend[]} in findings.json): when it finished,
 * its directed pairs and how many were OK, its open HIGH findings, how many finding ids were new or resolved
 * against the run before it, and how many of the new ones are change records ({@code changeRecords}: its
 * CHANGED_SINCE_LAST_RUN findings, INFO, which record a change, the approved one of a fix among them, not a problem).
 * A value the store does not hold for an older run is null (left out of the JSON).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"runId", "finishedAt", "pairs", "pairsOk", "openHigh", "newFindings", "resolvedFindings",
        "changeRecords"})
public record TrendPoint(String runId, Instant finishedAt, Integer pairs, Integer pairsOk, Integer openHigh,
                         Integer newFindings, Integer resolvedFindings, Integer changeRecords) {
    /** Without the change records counted apart (a findings.json or a run stored before they were). */
    public TrendPoint(String runId, Instant finishedAt, Integer pairs, Integer pairsOk, Integer openHigh,
                      Integer newFindings, Integer resolvedFindings) {
        this(runId, finishedAt, pairs, pairsOk, openHigh, newFindings, resolvedFindings, null);
    }

    /**
     * The new findings that are problems: {@link #newFindings} without the {@link #changeRecords} (all of them where
     * those are not known); null when the new findings are not known.
     */
    public Integer newProblems() {
        return newFindings == null ? null : changeRecords == null ? newFindings
                : Math.max(0, newFindings - changeRecords);
    }

    /** Pairs OK in percent of all pairs; null when unknown or no pair was checked. */
    public Double pairsOkPercent() {
        return pairs == null || pairsOk == null || pairs == 0 ? null : 100.0 * pairsOk / pairs;
    }
}
