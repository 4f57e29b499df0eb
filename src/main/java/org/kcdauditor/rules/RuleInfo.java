package org.kcdauditor.rules;

import org.kcdauditor.model.Severity;

/**
 * Declarative metadata of a rule, as {@code kcd-audit rules}, the reports and README show it.
 *
 * @param severity  the usual severity; a rule may emit a lower one for an advisory case
 * @param category  delegation | spn | account | hygiene | …
 * @param why       why it matters, in an administrator's words
 * @param reference where the fact comes from
 */
public record RuleInfo(String id, Severity severity, String category, String title, String why,
                       String reference) {
}
