package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;

/** One check. Implementations are small, stateless and pure: context in, findings out. */
public interface Rule {
    RuleInfo info();

    void evaluate(AuditContext context, FindingSink out);

    /**
     * True for a rule that reads the other rules' findings from its sink ({@link FindingSink#findings}): the auditor
     * evaluates it after every rule that does not, in the catalogue's order among those that do. The catalogue's order
     * stays the report order.
     */
    default boolean readsFindings() {
        return false;
    }
}
