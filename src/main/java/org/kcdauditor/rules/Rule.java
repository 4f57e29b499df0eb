package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;

/** One check. Implementations are small, stateless and pure: context in, findings out. */
public interface Rule {
    RuleInfo info();

    void evaluate(AuditContext context, FindingSink out);
}
