package org.kcdauditor.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.time.Instant;

/**
 * One run of a configuration as its trend shows it ({@code history.trend[]} in findings.json): when it finished,
 * its directed pairs and how many were OK, its open HIGH findings, and how many finding ids were new or resolved
 * against the run before it. A value the store does not hold for an older run is null (left out of the JSON).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"runId", "finishedAt", "pairs", "pairsOk", "openHigh", "newFindings", "resolvedFindings"})
public record TrendPoint(String runId, Instant finishedAt, Integer pairs, Integer pairsOk, Integer openHigh,
                         Integer newFindings, Integer resolvedFindings) {
    /** Pairs OK in percent of all pairs; null when unknown or no pair was checked. */
    public Double pairsOkPercent() {
        return pairs == null || pairsOk == null || pairs == 0 ? null : 100.0 * pairsOk / pairs;
    }
}
