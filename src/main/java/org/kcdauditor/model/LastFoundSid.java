package org.kcdauditor.model;

import java.time.Instant;

/**
 * A configured node a run did not find, as the last run that found it recorded it: HOST_NOT_FOUND looks its
 * objectSid up among this run's computers (the node renamed before the configuration followed).
 *
 * @param name       the node's name in that run
 * @param objectSid  its objectSid then
 * @param runId      that run (it may since have been pruned)
 * @param finishedAt when that run finished
 */
public record LastFoundSid(String name, String objectSid, String runId, Instant finishedAt) {
}
