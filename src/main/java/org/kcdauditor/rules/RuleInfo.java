package org.kcdauditor.rules;

import org.kcdauditor.model.Severity;

/**
 * Declarative metadata of a rule: what {@code kcd-audit rules}, findings.json's {@code rules}, the
 * reports and README's rule table show. It travels with every run, so a report rendered later from
 * findings.json shows the same titles and reasons.
 *
 * @param severity  the usual severity; a rule may emit a lower one for an advisory case
 * @param category  what it is about; reports group by it
 * @param title     one line, as a heading
 * @param firesWhen when it fires, precisely (README's rule table)
 * @param why       why it matters, in an administrator's words
 * @param reference where the fact comes from
 */
public record RuleInfo(String id, Severity severity, Category category, String title, String firesWhen,
                       String why, String reference) {
}
