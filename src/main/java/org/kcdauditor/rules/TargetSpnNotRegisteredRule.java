package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.Blocker;
import org.kcdauditor.audit.DcDivergence;
import org.kcdauditor.audit.PairStatus;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.Spn;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.remedy.Values;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * TARGET_SPN_NOT_REGISTERED: an SPN that sources must delegate to is not registered on the target.
 * {@code cifs/X} is served by {@code HOST/X} through AD's default sPNMappings, so HOST satisfies it.
 */
public final class TargetSpnNotRegisteredRule implements Rule {
    static final RuleInfo INFO = new RuleInfo(Blocker.TARGET_SPN_NOT_REGISTERED, Severity.HIGH, Category.SPN,
            "A required target SPN is not registered on the peer",
            "the SPN A must delegate to is not registered on B (`HOST/X` satisfies `cifs/X` through AD's"
                    + " sPNMappings, unless another account registers that `cifs/X` itself) — one finding per SPN,"
                    + " `host`=B; INFO, blocking nothing, for a file server's `cifs` SPN that one enabled user or"
                    + " managed service account (gMSA, sMSA) of its domain registers instead (a NAS or Samba server"
                    + " keyed with ktpass): the KDC issues its tickets in that account's keys, which the AES rules then"
                    + " check for the pairs into it; a computer the SPN names by its own name (another HV01 in"
                    + " another domain) that holds it keeps it: a decision, never a proposed removal",
            "A delegation entry naming an SPN that the peer's account does not register does nothing: the KDC"
                    + " cannot find the service account, so the migration still fails. The Virtual Machine"
                    + " Management Service registers its SPNs when Hyper-V is installed; a renamed or re-joined"
                    + " host may lack them.",
            "MS-KILE 3.3.5.1.1 (SPN lookup); sPNMappings in CN=Directory Service,CN=Windows NT,CN=Services");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        Set<String> reported = new HashSet<>();
        for (PairStatus p : ctx.pairs()) {
            if (p.unregistered().isEmpty()) {
                continue; // nearly every pair: no iterator over nothing
            }
            AdObject target = p.target();
            for (String spn : p.unregistered()) {
                if (!reported.add(target.dn() + "|" + Spn.keyOf(spn))) {
                    continue;
                }
                List<PairStatus> into = ctx.pairsTo(target).stream().filter(q -> q.unregistered().contains(spn))
                        .toList();
                // cifs/X held by another account while the target registers HOST/X: taken off that account, the
                // target's HOST/X serves it through sPNMappings again (the KDC issued it so against Samba), so a yes
                // registers nothing
                String alias = Spn.hostAlias(Spn.wholeKeyOf(spn));
                String served = served(target, spn);
                // the KDC looks the SPN up in its own domain: the target's, or that of a source across domains, whose
                // KDC the source asks and which finds it there (for such a cifs/X before the HOST/X, and whether or
                // not the target registers it); a holder in another domain is said with it
                java.util.function.Predicate<AdObject> found = o -> o != target && (ctx.sameDirectory(o, target)
                        || into.stream().anyMatch(q -> ctx.sameDirectory(o, q.source())));
                java.util.function.Function<AdObject, String> domain = o -> ctx.sameDirectory(o, target) ? null
                        : ctx.domainOf(o);
                List<AdObject> registering = ctx.spnOwners(spn).stream().filter(found).toList();
                List<Evidence.Holder> elsewhere = Rules.holders(registering, spn, domain);
                // a cifs/X no account registers that the KDC resolves through the HOST/X of another account (the
                // reason the target could not register its own): it issues the ticket with that account's key; in
                // the domain of a source across domains, whose KDC maps it there before it would refer the source on
                String hostSpn = "HOST" + spn.substring(spn.indexOf('/'));
                List<AdObject> mapping = !elsewhere.isEmpty() || alias == null ? List.of()
                        : ctx.spnOwners(hostSpn).stream().filter(found).toList();
                List<Evidence.Holder> throughHost = Rules.holders(mapping, hostSpn, domain);
                // the account a file server's cifs SPN is keyed on (ktpass), disabled: served once enabled again
                AdObject disabled = p.fileServer() && ctx.clusterOf(target) == null && elsewhere.size() == 1
                        ? ctx.keyedAccount(target, spn) : null;
                disabled = disabled != null && disabled.disabled() ? disabled : null;
                List<Evidence.PairRef> breaks = into.stream()
                        .map(q -> new Evidence.PairRef(q.source().name(), target.name())).toList();
                Action fix = new Action.RegisterSpn(target.name(), spn);
                boolean viaHost = !throughHost.isEmpty();
                List<Evidence.Holder> across = (viaHost ? throughHost : elsewhere).stream()
                        .filter(h -> h.domain() != null).toList();
                String where = viaHost ? "the KDC serves it through " + hostSpn + ", which " + names(throughHost)
                        + " registers instead" + across(across, "finds no account for it in its own domain and maps it"
                        + " to the " + hostSpn + " there (sPNMappings, MS-DRSR 4.1.4.2.14 LookupSPN)", target.name())
                        : elsewhere.isEmpty() ? "no object registers it"
                        : disabled != null ? "it is registered on " + names(elsewhere) + ", whose account is disabled:"
                        + " the KDC issues no ticket for a disabled account's services"
                        : "it is registered on " + names(elsewhere) + " instead" + across(across, "looks the SPN up in"
                        + " its own domain and finds it there (MS-KILE 3.3.5.1.1; a cifs/X before the HOST/X it maps"
                        + " to, MS-DRSR 4.1.4.2.14 LookupSPN)", served == null ? target.name() : null);
                // a computer the SPN names by its own name (another HV01 in another domain) keeps it, as DUPLICATE_SPN
                // keeps it there: taking it off would break that computer, so no change takes it off or registers it
                // on the target (a DC refuses an SPN another account of the forest holds); the decision says what to
                // do instead, and copies on other objects are still proposed for removal
                String held = viaHost ? hostSpn : spn;
                List<AdObject> own = (viaHost ? mapping : registering).stream()
                        .filter(o -> DuplicateSpnRule.ownSpn(held, o)).toList();
                Action action = !own.isEmpty() ? ownedElsewhere(ctx, target, held, own, Rules.holders(
                        (viaHost ? mapping : registering).stream().filter(o -> !own.contains(o)).toList(), held, domain))
                        : viaHost ? new Action.Manual("Decide which account " + hostSpn + " belongs to ("
                        + target.name() + " if it is the host named in it); to move it" + (across.isEmpty() ? ":"
                        : firstOff(across, target.name())), proposed(throughHost,
                        new Action.RegisterSpn(target.name(), hostSpn)))
                        : elsewhere.isEmpty() ? fix : disabled != null ? new Action.Manual("If " + target.name()
                        + "'s SMB service is keyed on " + names(elsewhere) + " (ktpass -mapuser, a NAS's service"
                        + " account setting), enable " + names(elsewhere) + ": Enable-ADAccount -Identity "
                        + EncryptionRules.userIdentity(disabled) + ". If " + target.name() + " is joined to the domain"
                        + " as its own computer account instead, " + (served != null ? "take the SPN off "
                        + names(elsewhere) + " (" + target.name() + "'s own " + served + " then serves it through"
                        + " sPNMappings):" : "take it off " + names(elsewhere) + " and register it on " + target.name()
                        + ":"), served == null ? proposed(elsewhere, fix) : Rules.unregister(elsewhere))
                        : new Action.Manual("Decide which account runs the service"
                        + " (the SPN belongs to " + target.name() + " if it is the host named in it); to move"
                        + " it" + (served != null ? ", take it off the other account: " + target.name()
                        + "'s own " + served + " then serves it (sPNMappings), nothing needs registering:"
                        : across.isEmpty() ? ":" : firstOff(across, target.name())),
                        served == null ? proposed(elsewhere, fix) : Rules.unregister(elsewhere));
                out.add(INFO).cluster(p.cluster()).host(target.name()).spn(spn)
                        .evidence(Evidence.builder().spn(spn).attribute("servicePrincipalName")
                                .expected(List.of(spn)).actual(target.spns()).holders(viaHost ? throughHost : elsewhere)
                                .pairs(breaks).build())
                        .message(spn + " is not registered on " + target.name() + " (" + where
                                + "), so delegation to it cannot work." + Rules.smbWhy(ctx, into, List.of(spn))
                                + registeredOnAnotherDc(ctx, target, spn))
                        .action(action)
                        .emit();
            }
        }
        ctx.serviceAccounts().forEach((fs, held) -> held.forEach((spn, holder) -> keyedOn(ctx, fs, spn, holder, out)));
    }

    /**
     * The decision for an SPN of {@code target} that computers {@code own} hold as their own (it names them by their
     * own name): nothing takes it off them, nor registers it on {@code target}, which a DC refuses while they hold it;
     * the copies on {@code others} (objects it does not name) are proposed for removal.
     */
    private static Action ownedElsewhere(AuditContext ctx, AdObject target, String spn, List<AdObject> own,
                                         List<Evidence.Holder> others) {
        return new Action.Manual(DuplicateSpnRule.keptOn(ctx, target, spn, own) + (others.isEmpty() ? ""
                : " The copies on " + names(others) + " are not that computer's: take them off either way:"),
                Rules.unregister(others));
    }

    /**
     * ({@code --all-dcs}) " dc2 holds it on HV03 already: …" for each other DC that holds {@code spn} on the target, where
     * it was registered and has not replicated to the DC the audit read (DC_NOT_CONVERGED, {@link
     * DcDivergence#TARGET_SPN}); else empty.
     */
    private static String registeredOnAnotherDc(AuditContext ctx, AdObject target, String spn) {
        StringBuilder out = new StringBuilder();
        for (DcDivergence d : ctx.dcDivergences()) {
            if (d.attribute().equals(DcDivergence.TARGET_SPN) && d.host() == target
                    && Spn.keyOf(d.spn()).equals(Spn.keyOf(spn)) && d.onHostThere()) {
                out.append(" ").append(d.dc().name()).append(" holds it on ").append(target.name())
                        .append(" already: it was registered there and has not replicated to ").append(d.audited())
                        .append(", the DC the audit read, yet (DC_NOT_CONVERGED); replicate it rather than register it"
                                + " again.");
            }
        }
        return out.toString();
    }

    /** The target's own {@code HOST/X} that serves {@code spn} ({@code cifs/X}) through sPNMappings, as stored; or null. */
    private static String served(AdObject target, String spn) {
        String alias = Spn.hostAlias(Spn.wholeKeyOf(spn));
        return alias == null ? null : target.spns().stream().filter(s -> Spn.wholeKeyOf(s).equals(alias)).findFirst()
                .orElse(null);
    }

    /**
     * A file server's cifs SPN that one service account (a user, gMSA or sMSA) registers instead of it (NAS and
     * Samba servers keyed with ktpass): the KDC issues its tickets in that account's keys, so delegation to it works
     * while the file server's SMB service holds them. Told as INFO, blocking nothing; the change it describes is for a
     * file server joined as its own computer instead, and would break one keyed on the account.
     */
    private static void keyedOn(AuditContext ctx, AdObject fs, String spn, AdObject holder, FindingSink out) {
        List<Evidence.Holder> holders = Rules.holders(List.of(holder), spn);
        String account = names(holders);
        String served = served(fs, spn);
        out.add(INFO).severity(Severity.INFO).cluster(EncryptionRules.cluster(ctx, fs)).host(fs.name()).spn(spn)
                .evidence(Evidence.builder().spn(spn).attribute("servicePrincipalName").expected(List.of(spn))
                        .actual(fs.spns()).holders(holders).fileServer(true).build())
                .message(spn + " is registered on " + account + ", not on " + fs.name() + ": the KDC issues its"
                        + " tickets in " + account + "'s keys, so delegation to it works while " + fs.name() + "'s SMB"
                        + " service holds them (a keytab made with ktpass -mapuser " + account + ", a NAS's service"
                        + " account setting); AES_NOT_ENABLED and AES_KEYS_MISSING check " + account + " for the pairs"
                        + " into " + fs.name() + ".")
                .action(new Action.Manual("Nothing to change while " + fs.name() + "'s SMB service runs with " + account
                        + "'s keys. If it is joined to the domain as its own computer account instead, take the SPN off "
                        + account + (served == null ? " and register it on " + fs.name() + ":" : " (" + fs.name()
                        + "'s own " + served + " then serves it through sPNMappings):"), served == null
                        ? proposed(holders, new Action.RegisterSpn(fs.name(), spn)) : Rules.unregister(holders)))
                .emit();
    }

    private static String names(List<Evidence.Holder> holders) {
        return String.join(", ", holders.stream().map(h -> Values.visibleAccount(h.name())
                + (h.domain() == null ? "" : " (in " + h.domain() + ")")).toList());
    }

    /**
     * For holders in the domain of sources across domains: whose KDC finds them ({@code how}), for which pairs;
     * {@code registering}: the target, where it must register the SPN itself (no {@code HOST/X} of its own serves it),
     * else null.
     */
    private static String across(List<Evidence.Holder> across, String how, String registering) {
        List<String> domains = domains(across);
        return domains.isEmpty() ? "" : "; " + String.join(" and ", domains.stream().map(d -> d + "'s KDC").toList())
                + ", which the sources there ask, " + how + ", so it refuses the ticket or issues it in that account's"
                + " key: the pairs from there fail" + (registering == null ? "" : ", even once " + registering
                + " registers it");
    }

    /**
     * The order of a move of the SPN to {@code target} from holders in the domain of sources across domains: off them
     * first, on a DC of their domain, then onto the target; registering it on the target alone does not do.
     */
    private static String firstOff(List<Evidence.Holder> across, String target) {
        String domains = String.join(" and ", domains(across));
        return ", take it off " + names(across) + " on a DC of " + domains + " first, then register it on " + target
                + " (registered on " + target + " alone it would not do: " + domains + "'s KDC still finds that account"
                + " before it would refer the sources there to " + target + "'s domain, and a DC from Windows Server"
                + " 2012 R2 on refuses an SPN another account of the forest holds):";
    }

    private static List<String> domains(List<Evidence.Holder> holders) {
        return holders.stream().map(Evidence.Holder::domain).filter(d -> d != null).distinct().toList();
    }

    /** Remove it from the objects that hold it, then register it on the target. */
    private static List<Action> proposed(List<Evidence.Holder> holders, Action register) {
        List<Action> out = new ArrayList<>(Rules.unregister(holders));
        out.add(register);
        return out;
    }
}
