package org.kcdauditor.model;

import java.time.Instant;

/**
 * A configured node a run did not find, as the last run that found it recorded it: HOST_NOT_FOUND looks its
 * objectSid up among this run's computers (the node renamed before the configuration followed).
 *
 * @param name           the node's name in that run; where that run is no longer stored, the name the configuration
 *                       gave it in the run that carried it
 * @param samAccountName its sAMAccountName in that run (null where that run is no longer stored)
 * @param dnsHostName    its dNSHostName in that run (null where it had none or that run is no longer stored)
 * @param objectSid      its objectSid then
 * @param runId          that run (it may since have been pruned)
 * @param finishedAt     when that run finished
 */
public record LastFoundSid(String name, String samAccountName, String dnsHostName, String objectSid, String runId,
                           Instant finishedAt) {
}
