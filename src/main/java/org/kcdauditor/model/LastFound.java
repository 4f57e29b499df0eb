package org.kcdauditor.model;

import java.time.Instant;

/**
 * A computer as the last successful run that recorded its objectSid as a cluster node found it, when that is not the
 * run compared with: a node renamed while the runs in between named it by its old name and did not find it.
 *
 * @param runId      that run
 * @param finishedAt when it finished
 * @param state      the node's state in it, under the name it had then
 */
public record LastFound(String runId, Instant finishedAt, HostState state) {
}
