package org.kcdauditor.model;

/**
 * The names besides its cn by which the configuration may name a node a run recorded ({@code clusters[].nodes} takes
 * the NetBIOS name or the DNS name): what a configured node the next run does not find is matched against.
 *
 * @param samAccountName its sAMAccountName (null where none was recorded)
 * @param dnsHostName    its dNSHostName (null where it had none)
 */
public record NodeNames(String samAccountName, String dnsHostName) {
}
