package org.kcdauditor.remedy;

import org.kcdauditor.remedy.Action.AddDelegation;
import org.kcdauditor.remedy.Action.AddRbcd;
import org.kcdauditor.remedy.Action.Replicate;
import org.kcdauditor.remedy.Action.EnableAccount;
import org.kcdauditor.remedy.Action.Manual;
import org.kcdauditor.remedy.Action.RegisterSpn;
import org.kcdauditor.remedy.Action.RemoveDelegation;
import org.kcdauditor.remedy.Action.ReplaceUnconstrained;
import org.kcdauditor.remedy.Action.SetProtocolTransition;
import org.kcdauditor.remedy.Action.UnregisterSpn;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A finding's {@code remediation} sentence, rendered from its actions: the words say what to do in ADUC,
 * the command comes from {@link Commands} (one quoting path), and a value that cannot be typed safely
 * is named for a fix by hand instead of being put into a command.
 */
public final class Remedies {
    /** Said after a Windows computer's encryption types: the computer writes them itself from a policy. */
    private static final String WINDOWS_WRITES_TYPES = " A Windows computer writes this value itself from the policy"
            + " 'Network security: Configure encryption types allowed for Kerberos': make sure that policy allows AES"
            + " too.";

    public static final String ADUC_ANY = "Use any authentication protocol";
    public static final String ADUC_KERBEROS = "Use Kerberos only";
    static final String AFTER_CHANGE = "then replicate and purge the hosts' tickets (" + Commands.PURGE_TICKETS + ")";

    /**
     * Said of every new password on the user a file server is keyed on (ktpass -mapuser): the other uses of that
     * password break unless they are given it.
     */
    public static final String ELSEWHERE = "Set the new password wherever else the account's password is used too (a"
            + " NAS that binds to LDAP with it, a service or task running as it), or those break.";

    private static final Commands COMMANDS = Commands.serverless();

    /**
     * What else the ktpass of {@link Action.RekeyServiceAccount} changes, said with the decision so that the runbooks
     * carry it: the userPrincipalName it overwrites, the one principal the keytab holds, and the password's other uses.
     */
    public static String rekeyCaveats(String account, String fileServer, String principal) {
        String on = Values.visibleAccount(account);
        return "ktpass also sets " + on + "'s userPrincipalName to " + list(List.of(principal)) + " (unless given"
                + " -setupn, left out here: whether the keytab's key then still matches the one AD derives depends on"
                + " the salt ktpass takes): note the old one first if anything signs in with it. The keytab holds that"
                + " principal only: a file server that accepts only the principals in its keytab (Samba, many NASes)"
                + " rejects tickets for its other cifs names, such as " + list(List.of("cifs/" + fileServer))
                + " asked for by its short name, until they are added to it. " + ELSEWHERE;
    }

    private Remedies() {
    }

    /**
     * The sentence for a finding's actions (several joined; empty for none), its commands from {@code commands} (the
     * hosts' account names).
     */
    public static String describe(List<Action> actions, Commands commands) {
        if (actions.size() == 1) {
            return describe(actions.get(0), commands); // nearly every finding: the sentence as it is, not copied
        }
        StringBuilder s = new StringBuilder();
        for (Action a : actions) {
            (s.isEmpty() ? s : s.append(' ')).append(describe(a, commands));
        }
        return s.toString();
    }

    public static String describe(Action a) {
        return describe(a, COMMANDS);
    }

    /** The sentence for one action, its command from {@code commands}. */
    public static String describe(Action a, Commands commands) {
        if (a instanceof Manual m) {
            // encryption types are proposed, not set, only for an account that is not Windows (a NAS, a Samba server):
            // the sentence about the Windows policy that writes them does not concern it
            if (m.proposed().isEmpty()) {
                return m.what();
            }
            // the changes labelled by what they do where the question has two answers ("…; else restore it. To restore it:")
            String what = m.yes() == null ? m.what() : m.what() + " " + m.yes() + ":";
            if (m.proposed().size() == 1) { // nearly every decision: one concatenation, no builder
                return what + " " + proposed(m.proposed().get(0), commands);
            }
            StringBuilder s = new StringBuilder(what);
            for (Action p : m.proposed()) {
                s.append(' ').append(proposed(p, commands));
            }
            return s.toString();
        }
        String command = commands.powershell(a); // the runbook's and the script's command, written once
        // the object a person finds in ADUC or ADSI Edit: a letter of another script in its name by its code
        String on = Values.visibleAccount(a.subject());
        if (a instanceof AddDelegation d) {
            // a peer named with a quote, a letter of another script or a character that shows as nothing is not picked
            // by a typed name in ADUC's Add dialog, which can find another computer
            String peer = Values.visibleAccount(d.peer());
            String aduc = d.peer() == null || d.peer().isEmpty() ? "" : Values.validHostName(d.peer())
                    ? " (ADUC: " + on + " > Delegation > Add > " + peer + ")"
                    : " (not through ADUC's Delegation > Add: " + peer + " is not a plain host name, and a name typed"
                    + " there can find another computer)";
            return "Add " + list(d.spns()) + " to " + on + "'s msDS-AllowedToDelegateTo" + aduc
                    + typed(command, a.subject(), "msDS-AllowedToDelegateTo", d.spns())
                    + "; " + AFTER_CHANGE + ".";
        } else if (a instanceof RemoveDelegation d) {
            return "Remove " + list(d.spns()) + " from " + on + "'s msDS-AllowedToDelegateTo (ADUC: " + on
                    + " > Delegation > Remove)" + typed(command, a.subject(), "msDS-AllowedToDelegateTo", d.spns()) + ".";
        } else if (a instanceof RegisterSpn r) {
            // vmms registers only its own migration SPNs; a cifs SPN is served by HOST/<name> (sPNMappings), which a
            // computer account registers when it joins: its lack is the usual cause
            String service = r.spn().contains("/") ? r.spn().substring(0, r.spn().indexOf('/')) : r.spn();
            String hint = service.equalsIgnoreCase("cifs") ? " (or " + list(List.of("HOST"
                    + r.spn().substring(service.length()))) + ", which serves cifs too and which a computer account"
                    + " normally holds)"
                    : service.equalsIgnoreCase("Microsoft Virtual System Migration Service")
                    ? " (on a Hyper-V host, restarting vmms also re-registers its migration SPNs)" : "";
            return "Register " + list(List.of(r.spn())) + " on " + on + "'s own account"
                    + typed(command, a.subject(), "servicePrincipalName", List.of(r.spn())) + hint + ".";
        } else if (a instanceof UnregisterSpn u) {
            return "Remove " + list(List.of(u.spn())) + " from " + Values.visibleAccount(u.holder())
                    + typed(command, u.holder(), "servicePrincipalName") + ", then check with " + (u.domain() == null
                    ? "setspn -X." : "setspn -F -Q on that SPN, which searches the whole forest (setspn -X looks in one"
                    + " domain) and must name no account in " + u.domain() + ".");
        } else if (a instanceof SetProtocolTransition p) {
            return "Select '" + (p.enabled() ? ADUC_ANY : ADUC_KERBEROS) + "' on " + on + "'s Delegation tab"
                    + typed(command, a.subject(), "userAccountControl") + ".";
        } else if (a instanceof ReplaceUnconstrained r) {
            return "On " + on + "'s Delegation tab select 'Trust this computer for delegation to specified"
                    + " services only' with '" + (r.protocolTransition() ? ADUC_ANY : ADUC_KERBEROS) + "'"
                    + (r.basis() == null ? "" : " (" + r.basis() + ")") + " and list"
                    + " the peers' services" + typed(command, a.subject(), "userAccountControl") + ".";
        } else if (a instanceof Action.SetEncryptionTypes t) {
            return allowAes(t, commands, true);
        } else if (a instanceof Action.RekeyServiceAccount r) {
            String fs = Values.visibleAccount(r.fileServer());
            return "Set a new password on the user account " + on + " and make " + fs + "'s keytab with it: ktpass sets"
                    + " the password it prompts for (-pass *) on " + on + ", from which AD derives its AES keys, and"
                    + " writes the AES256 key for " + list(List.of(r.principal())) + " to the keytab" + (command != null
                    ? ": " + command : ". A value in it cannot be typed safely into a command: reset the password in"
                    + " ADUC (" + on + " > Reset Password) and run ktpass by hand") + "; import that keytab on " + fs
                    + " in place of the old one, whose keys no longer match (klist -kte on it lists"
                    + " aes256-cts-hmac-sha1-96).";
        } else if (a instanceof Action.ResetMachinePassword r) {
            // Reset-ComputerMachinePassword is a cmdlet of Windows PowerShell 5.1 only: PowerShell 7 (pwsh) lacks it
            return "On " + r.host() + ", in an elevated Windows PowerShell 5.1 (powershell.exe, not pwsh), reset its"
                    + " computer account password so the"
                    + " account gets AES keys" + typed(command, r.host(), "the computer account") + "; then purge its"
                    + " tickets (" + Commands.PURGE_TICKETS + ").";
        } else if (a instanceof Action.SetMigrationAuthentication m) {
            return "Make " + m.host() + " authenticate live migrations with Kerberos" + typed(command, m.host(),
                    "VirtualMachineMigrationAuthenticationType") + " (Hyper-V Settings > Live Migrations > Advanced"
                    + " Features > Use Kerberos).";
        } else if (a instanceof Action.EnableMigration m) {
            return "Enable live migration on " + m.host() + typed(command, m.host(), "VirtualMachineMigrationEnabled")
                    + " (Hyper-V Settings > Live Migrations > Enable incoming and outgoing live migrations).";
        } else if (a instanceof EnableAccount e) {
            return "Enable " + e.host() + "'s computer account" + typed(command, e.host(), "userAccountControl") + ".";
        } else if (a instanceof Action.ClearAccountExpiry e) {
            return "Clear the expiry of " + e.host() + "'s computer account (ADUC: Account tab, Account expires: Never)"
                    + typed(command, e.host(), "accountExpires") + ".";
        } else if (a instanceof AddRbcd r) {
            return rbcd(r, command);
        } else if (a instanceof Replicate r) {
            String sync = Commands.syncAll(r);
            String show = Commands.showRepl(r.to());
            return (r.pull() ? "Have " + Values.visible(r.to()) + " pull the change from its replication partners"
                    + (sync == null ? "" : " (" + sync + ")") + " (" + Values.visible(r.from()) + " is a read-only"
                    + " domain controller, which replicates inbound only and pushes nothing)"
                    : "Push the change from " + Values.visible(r.from()) + " to every domain controller"
                    + (sync == null ? "" : " (" + sync + ")")) + ", check " + Values.visible(r.to())
                    + "'s inbound replication" + (show == null ? "" : " (" + show + ")") + ", then run the preflight"
                    + " again.";
        }
        throw new IllegalArgumentException("unknown action " + a);
    }


    /** The sentence for {@code p}, a change a decision proposes. */
    private static String proposed(Action p, Commands commands) {
        return p instanceof Action.SetEncryptionTypes t ? allowAes(t, commands, false)
                : p instanceof AddRbcd r ? savedFirst(r, commands) : describe(p, commands);
    }

    /**
     * "Allow AES for X (msDS-SupportedEncryptionTypes 28: …)"; for a Windows computer ({@code windows}) also that the
     * computer writes this value itself from a policy, which a NAS or Samba server (whose types are only proposed)
     * does not have.
     */
    private static String allowAes(Action.SetEncryptionTypes t, Commands commands, boolean windows) {
        String command = commands.powershell(t);
        String names = String.join(", ", org.kcdauditor.model.EncryptionTypes.names(t.value()));
        String change = t.keepsValue() ? ": clear 'Use only Kerberos DES encryption types' and keep its"
                + " msDS-SupportedEncryptionTypes " + t.value() + " (" + names + "), which allows AES already"
                + typed(command, t.host(), "userAccountControl")
                : " (msDS-SupportedEncryptionTypes " + t.value() + ": " + names + ")" + (t.clearDesOnly() ? " and clear 'Use only Kerberos DES encryption types'"
                : "") + typed(command, t.host(), "msDS-SupportedEncryptionTypes");
        return "Allow AES for " + t.host() + change + "." + (windows ? WINDOWS_WRITES_TYPES : "");
    }

    /** {@code HV11 (contoso.com)}, or the SID of a principal the audit does not know by name. */
    private static String principal(Action.Principal p) {
        String who = p.name() != null ? p.name() : p.sid();
        return Values.visible(who) + (p.domain() == null ? "" : " (" + Values.visible(p.domain()) + ")");
    }

    /** The sentence for {@code r}, {@code command} carrying it out (null: none can be typed). */
    private static String rbcd(AddRbcd r, String command) {
        List<String> added = r.principals().stream().filter(p -> !p.present()).map(Remedies::principal).toList();
        List<String> kept = r.before().stream().map(Remedies::principal).toList();
        if (added.isEmpty()) { // a list that only takes principals out (a grant to every account)
            return "Set " + r.host() + "'s resource-based delegation (msDS-AllowedToActOnBehalfOfOtherIdentity) to "
                    + (kept.isEmpty() ? "allow nobody, which clears it" : "allow " + String.join(", ", kept)
                    + " only (the cmdlet replaces the list)") + typed(command, r.host(),
                    "msDS-AllowedToActOnBehalfOfOtherIdentity") + "; run it against a domain controller of "
                    + r.host() + "'s domain, " + AFTER_CHANGE + ".";
        }
        return "Allow " + String.join(", ", added) + " to delegate to " + r.host() + " with resource-based"
                + " delegation on " + r.host() + " (msDS-AllowedToActOnBehalfOfOtherIdentity; the cmdlet replaces"
                + " the list" + (kept.isEmpty() ? "" : ", so it keeps " + String.join(", ", kept)) + ")"
                + typed(command, r.host(), "msDS-AllowedToActOnBehalfOfOtherIdentity") + "; run it against a"
                + " domain controller of " + r.host() + "'s domain, " + AFTER_CHANGE + ".";
    }

    /**
     * A list a decision proposes to replace a descriptor with, in the command that saves the descriptor first and
     * sets the list only once it is saved, and its undo: no list sets it back ({@link Commands#rbcdRestore}). As the
     * runbook's decision gives them.
     */
    private static String savedFirst(AddRbcd r, Commands commands) {
        String saved = commands.rbcdSavedFirst(r.host(), commands.powershell(r));
        return saved == null ? describe(r, commands) : rbcd(r, saved, commands.rbcdRestore(r.host()), true);
    }

    /**
     * The sentence for the list {@code r} as a step of the plan sets it: its {@code command} and its {@code undo},
     * which, where the command saves the descriptor first ({@code saved}), sets the saved descriptor back.
     */
    public static String rbcd(AddRbcd r, String command, String undo, boolean saved) {
        return rbcd(r, command) + (saved ? " The command saves the descriptor first and sets the list only once it is"
                + " saved; to undo it, set the saved descriptor back: " : " To undo it: ") + undo + ".";
    }

    /** {@code : <command>}, or how to change the value by hand when no command can be typed for it. */
    private static String typed(String command, String object, String attribute) {
        return command != null ? ": " + command : ". The value cannot be typed safely into a command: change it"
                + " by hand in ADSI Edit (" + Values.visibleAccount(object) + " > Properties > " + attribute + ")";
    }

    /**
     * {@link #typed(String, String, String)} for a change of {@code values} on {@code object}: where each value can be
     * typed, what cannot is the account's name, and the sentence says so.
     */
    private static String typed(String command, String object, String attribute, List<String> values) {
        if (command != null || !values.stream().allMatch(Values::typeableEntry)) {
            return typed(command, object, attribute);
        }
        return ". The account name " + Values.visibleAccount(object) + " cannot be typed safely into a command: change"
                + " it by hand in ADSI Edit (" + Values.visibleAccount(object) + " > Properties > " + attribute + ")";
    }

    /** {@code 'a', 'b'} with control and bidirectional characters made visible. */
    private static String list(List<String> values) {
        return values.stream().map(v -> "'" + Values.visibleSpn(v) + "'").collect(Collectors.joining(", "));
    }
}
