package org.kcdauditor.rules;

import org.kcdauditor.model.Spelling;
import java.util.List;
import java.util.Optional;

/**
 * Every rule the auditor runs, in report order. Adding a rule is one class and one line here: its
 * metadata then reaches findings.json ({@code rules}), every report and README's rule table
 * ({@code kcd-audit rules --markdown}).
 */
public final class RuleCatalogue {
    private final List<Rule> rules;

    public RuleCatalogue(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    public static RuleCatalogue standard() {
        return new RuleCatalogue(List.of(
                new MigrationFailureObservedRule(),
                new HardeningPatchWithoutDelegationRule(),
                new MissingDelegationRule(),
                new CrossDomainNeedsRbcdRule(),
                new TargetSpnNotRegisteredRule(),
                new DuplicateSpnRule(),
                new AesNotEnabledRule(),
                new AesKeysMissingRule(),
                new MigrationAuthNotKerberosRule(),
                new UnconstrainedDelegationRule(),
                new DelegationToSensitiveTargetRule(),
                new RbcdAllowsAnyAccountRule(),
                new HostNotFoundRule(),
                new ClusterEmptyRule(),
                new NoMigrationPartnerRule(),
                new DcNotConvergedRule(),
                new ProtocolTransitionMismatchRule(),
                new OperatorNotDelegableRule(),
                new MigrationDisabledRule(),
                new AccountDisabledRule(),
                new DnsHostNameMissingRule(),
                new DnsHostNameInvalidRule(),
                new DcUnreachableRule(),
                new EncryptionTypesUnsetRule(),
                new StaleDelegationRule(),
                new MalformedDelegationEntryRule(),
                new OperatorNotFoundRule(),
                new RbcdPresentRule(),
                new BaselineEntryRemovedRule(),
                new BaselineEntryAddedRule(),
                new BaselineFlagsChangedRule(),
                new BaselineHostMissingRule(),
                new BaselineHostNewRule(),
                new WaiverTooLongRule(),
                new ChangedSinceLastRunRule(),
                new PatchLevelSkewRule(),
                new PatchDataMissingRule(),
                // they tell whether any finding a waiver waived is left, so they read findings (evaluated last)
                new WaiverExpiredRule(),
                new WaiverUnusedRule()));
    }

    public List<Rule> rules() {
        return rules;
    }

    /** The rules in the order the auditor evaluates them: those that {@linkplain Rule#readsFindings read findings} last. */
    public List<Rule> evaluationOrder() {
        List<Rule> order = new java.util.ArrayList<>(rules.stream().filter(r -> !r.readsFindings()).toList());
        order.addAll(rules.stream().filter(Rule::readsFindings).toList());
        return order;
    }

    public Optional<RuleInfo> find(String id) {
        return rules.stream().map(Rule::info).filter(i -> i.id().equals(id)).findFirst();
    }

    /** The catalogue's spelling of {@code id}, compared case-insensitively (waivers may write {@code missing_delegation}). */
    public Optional<String> canonicalId(String id) {
        return rules.stream().map(r -> r.info().id()).filter(i -> i.equalsIgnoreCase(id)).findFirst();
    }

    /** The rule id closest to a misspelt {@code id} (at most two edits away), for a "did you mean". */
    public Optional<String> closestId(String id) {
        return Spelling.closest(id, rules.stream().map(r -> r.info().id()).toList());
    }

    /**
     * README's rule table, generated from the metadata: id, usual severity, category and when it fires
     * ({@code kcd-audit rules --markdown}; a test keeps README.md equal to it).
     */
    public String markdown() {
        StringBuilder sb = new StringBuilder("| id | severity | category | fires when |\n|---|---|---|---|\n");
        for (RuleInfo i : infos()) {
            sb.append("| `").append(i.id()).append("` | ").append(i.severity()).append(" | ")
                    .append(i.category().word()).append(" | ").append(i.firesWhen()).append(" |\n");
        }
        return sb.toString();
    }

    /** The metadata of every rule, in catalogue order. */
    public List<RuleInfo> infos() {
        return rules.stream().map(Rule::info).toList();
    }
}
