package org.kcdauditor.remedy;

import org.kcdauditor.remedy.Action.AddDelegation;
import org.kcdauditor.remedy.Action.AddRbcd;
import org.kcdauditor.remedy.Action.Replicate;
import org.kcdauditor.remedy.Action.EnableAccount;
import org.kcdauditor.remedy.Action.RegisterSpn;
import org.kcdauditor.remedy.Action.RemoveDelegation;
import org.kcdauditor.remedy.Action.ReplaceUnconstrained;
import org.kcdauditor.remedy.Action.SetProtocolTransition;
import org.kcdauditor.remedy.Action.UnregisterSpn;

import java.util.List;

/**
 * Every command kcd-audit shows, built in one place from typed actions: PowerShell cmdlets with each
 * value single-quoted ({@link Ps}), native programs with cmd-safe arguments ({@link Cmd}). A command
 * whose values cannot be typed safely ({@link Values#typeable}) is not built at all (null): the caller
 * says to fix the value by hand instead.
 *
 * <p>With a server, every AD cmdlet carries {@code -Server} so that all writes of a change go to one
 * domain controller and are pushed from there ({@link #replicate}); without one (a finding's own
 * sentence, written at evaluation time) the cmdlets use the default DC.
 */
public final class Commands {
    /** Purges the SYSTEM logon session's tickets, which vmms uses (plain {@code klist purge} does not). */
    public static final String PURGE_TICKETS = "klist -li 0x3e7 purge";
    /** Restarts the Virtual Machine Management Service (running VMs keep running). */
    public static final String RESTART_VMMS = "Restart-Service vmms";
    /** The placeholder administrators replace when the audited domain controller is not known. */
    public static final String DC_PLACEHOLDER = "<DC>";

    private final String server;
    private final boolean withServer;
    /** Host name (lower case) → its sAMAccountName, for the accounts whose cn is not their account name. */
    private final java.util.Map<String, String> accounts;
    /** Host name (lower case) → its computer name, for the hosts whose cn is not the machine's name. */
    private final java.util.Map<String, String> machines;
    /** The run's short id ({@link #shortRunId}) that names the files the commands write, or "" outside a run. */
    private final String run;

    private Commands(String server, boolean withServer, java.util.Map<String, String> accounts,
                     java.util.Map<String, String> machines, String run) {
        this.server = server;
        this.withServer = withServer;
        this.accounts = accounts;
        this.machines = machines;
        this.run = run;
    }

    private Commands(String server, boolean withServer) {
        this(server, withServer, java.util.Map.of(), java.util.Map.of(), "");
    }

    /**
     * These commands naming the files they write by the run {@code runId} ({@link #shortRunId}), as the runbook names
     * its export and change record: a file an earlier run's change left is not this run's. Null: no run.
     */
    public Commands forRun(String runId) {
        return new Commands(server, withServer, accounts, machines, shortRunId(runId));
    }

    /**
     * The run's id as the runbook names it and the files of its change ({@code kcd-before-3f2a9c1e.xml}): the first 8
     * of its letters, digits and hyphens; "" for none.
     */
    public static String shortRunId(String runId) {
        String safe = runId == null ? "" : runId.replaceAll("[^A-Za-z0-9-]", "");
        return safe.length() > 8 ? safe.substring(0, 8) : safe;
    }

    /**
     * These commands naming each host's account by its sAMAccountName where it is not the host's name with
     * {@code $}: a computer whose cn is not its account name (pre-staged in ADUC with a longer name, whose
     * pre-Windows 2000 name is cut to 15 characters, or renamed without its cn) has no account {@code <cn>$}, and
     * {@code -Identity '<cn>$'} finds nothing. {@code accounts}: host name → sAMAccountName (only the differing
     * ones need be given).
     */
    public Commands withAccounts(java.util.Map<String, String> accounts) {
        java.util.Map<String, String> m = new java.util.HashMap<>();
        accounts.forEach((k, v) -> {
            // an account name that is no host name with $ is kept as none (""): no command names this host, neither by
            // that name nor by <cn>$, which is another account (or none)
            if (k != null && v != null) {
                m.put(k.toLowerCase(java.util.Locale.ROOT), typeableAccount(v) ? v : "");
            }
        });
        return m.isEmpty() && this.accounts.isEmpty() ? this
                : new Commands(server, withServer, java.util.Map.copyOf(m), machines, run);
    }

    /**
     * These commands naming each host, where a command runs against the machine rather than its directory object
     * ({@code Set-VMHost -ComputerName}, {@code Enable-VMMigration -ComputerName}), by its computer name where that is
     * not the host's name: a node renamed in ADUC changes its cn only, the computer (its dNSHostName, its account,
     * its cluster node name) keeps the old name. {@code machines}: host name → computer name (see
     * {@link #machineName}; only the differing ones need be given).
     */
    public Commands withMachines(java.util.Map<String, String> machines) {
        java.util.Map<String, String> m = new java.util.HashMap<>();
        machines.forEach((k, v) -> {
            if (k != null && Values.validHostName(v)) {
                m.put(k.toLowerCase(java.util.Locale.ROOT), v);
            }
        });
        return m.isEmpty() && this.machines.isEmpty() ? this
                : new Commands(server, withServer, accounts, java.util.Map.copyOf(m), run);
    }

    /** The computer name of {@code host} for commands that reach the machine: {@link #withMachines}, else the name. */
    public String machine(String host) {
        String m = host == null || machines.isEmpty() ? null : machines.get(host.toLowerCase(java.util.Locale.ROOT));
        return m != null ? m : host;
    }

    /**
     * The name of the computer behind a directory object called {@code name} (its cn): the first label of the
     * dNSHostName the computer writes itself, spelt as its sAMAccountName where the two are the same name
     * ({@code HV03} for {@code CN=HV03-renamed}, {@code HV03$}, {@code hv03.contoso.com}); {@code name} where it is
     * that label already (a pre-staged {@code hyperv-node-prod01} whose account is cut to 15 characters), where no
     * dNSHostName is known or where its label is no host name.
     */
    public static String machineName(String name, String dnsHostName, String samAccountName) {
        if (name == null || dnsHostName == null || dnsHostName.isBlank()) {
            return name;
        }
        String label = dnsHostName.strip();
        int dot = label.indexOf('.');
        label = dot < 0 ? label : label.substring(0, dot);
        if (label.isEmpty() || label.equalsIgnoreCase(name) || !Values.validHostName(label)) {
            return name;
        }
        if (samAccountName != null && samAccountName.equalsIgnoreCase(label + "$")) {
            return samAccountName.substring(0, samAccountName.length() - 1);
        }
        return label;
    }

    /**
     * The identity the AD cmdlets take for {@code host}: its sAMAccountName ({@code HV01$}); the name with {@code $}
     * unless {@link #withAccounts} says otherwise; null when that account name cannot be typed ({@link #named}).
     */
    public String account(String host) {
        // nearly every directory names no account otherwise: no lower-cased name to look up
        String a = host == null || accounts.isEmpty() ? null : accounts.get(host.toLowerCase(java.util.Locale.ROOT));
        return a == null ? host + "$" : a.isEmpty() ? null : a;
    }

    /**
     * Whether commands can name {@code host}: a valid host name whose account ({@link #account}) can be typed. A
     * computer whose cn is a host name but whose sAMAccountName is not ({@code HV04'; calc; '$}) has none.
     */
    public boolean named(String host) {
        return Values.validHostName(host) && account(host) != null;
    }

    /**
     * Whether a host called {@code name} with this {@code samAccountName} can be named in a command: the account is
     * the name with {@code $} (or unknown), or another host name with {@code $}.
     */
    public static boolean accountTypeable(String name, String samAccountName) {
        return !accountDiffers(name, samAccountName) || typeableAccount(samAccountName);
    }

    private static boolean typeableAccount(String samAccountName) {
        return samAccountName.endsWith("$")
                && Values.validHostName(samAccountName.substring(0, samAccountName.length() - 1));
    }

    /**
     * Whether {@code samAccountName} is another name than {@code name} with {@code $} (compared case-insensitively):
     * only then must commands name the account by it.
     */
    public static boolean accountDiffers(String name, String samAccountName) {
        return name != null && samAccountName != null && !samAccountName.equalsIgnoreCase(name + "$");
    }

    /** Commands bound to the domain controller {@code dc} ({@code <DC>} when null or not a valid host name). */
    public static Commands forServer(String dc) {
        return new Commands(Values.validHostName(dc) ? dc : null, true);
    }

    /** Commands for the default domain controller: no {@code -Server}. */
    public static Commands serverless() {
        return new Commands(null, false);
    }

    /** The domain controller the commands write to, or null when it is not known. */
    public String server() {
        return server;
    }

    /** {@code  -Server 'dc1.contoso.com'} (with a leading space), {@code  -Server '<DC>'}, or empty. */
    public String serverArgument() {
        return withServer ? " -Server " + Ps.quote(server == null ? DC_PLACEHOLDER : server) : "";
    }

    /** The cmdlet that carries out {@code a}; null for a decision or when a value cannot be typed safely. */
    public String powershell(Action a) {
        if (a instanceof AddDelegation d) {
            return delegation(d.host(), true, d.spns());
        } else if (a instanceof RemoveDelegation d) {
            return delegation(d.host(), false, d.spns());
        } else if (a instanceof RegisterSpn r) {
            return spn(r.host(), true, r.spn());
        } else if (a instanceof UnregisterSpn u) {
            return Values.typeableSpn(u.spn()) && Values.oneLine(u.dn())
                    ? "Set-ADObject -Identity " + Ps.quote(u.dn()) + " -Remove @{servicePrincipalName="
                    + Ps.quote(u.spn()) + "}" + serverArgument() : null;
        } else if (a instanceof SetProtocolTransition p) {
            return flags(p.host(), null, p.enabled());
        } else if (a instanceof ReplaceUnconstrained r) {
            return flags(r.host(), false, r.protocolTransition());
        } else if (a instanceof EnableAccount e) {
            return named(e.host())
                    ? "Enable-ADAccount -Identity " + Ps.quote(account(e.host())) + serverArgument() : null;
        } else if (a instanceof Action.ClearAccountExpiry e) {
            return named(e.host()) ? "Set-ADAccountExpiration -Identity " + Ps.quote(account(e.host()))
                    + " -Clear" + serverArgument() : null;
        } else if (a instanceof AddRbcd r) {
            return rbcd(r.host(), r.principals());
        } else if (a instanceof Action.SetEncryptionTypes t) {
            return encryptionTypes(t);
        } else if (a instanceof Action.RekeyServiceAccount r) {
            return rekey(r);
        } else if (a instanceof Action.ResetMachinePassword r) {
            // run on the host itself: the computer changes its own password on that DC
            return Values.validHostName(r.host()) ? "Reset-ComputerMachinePassword" + serverArgument() : null;
        } else if (a instanceof Action.SetMigrationAuthentication m) {
            return Values.validHostName(m.host()) ? "Set-VMHost -ComputerName " + Ps.quote(machine(m.host()))
                    + " -VirtualMachineMigrationAuthenticationType Kerberos" : null;
        } else if (a instanceof Action.EnableMigration m) {
            return Values.validHostName(m.host()) ? "Enable-VMMigration -ComputerName " + Ps.quote(machine(m.host())) : null;
        }
        return null;
    }

    /**
     * The commands that carry out {@code a}: its cmdlet, or for {@link Replicate} the two repadmin calls (push
     * from the DC the audit read, or the lagging DC's pull, then its inbound replication); empty when none can be typed.
     */
    public List<String> all(Action a) {
        if (a instanceof Replicate r) {
            String push = syncAll(r);
            String show = showRepl(r.to());
            List<String> out = new java.util.ArrayList<>();
            if (push != null) {
                out.add(push);
            }
            if (show != null) {
                out.add(show);
            }
            return out;
        }
        String c = powershell(a);
        return c == null ? List.of() : List.of(c);
    }

    /**
     * {@code Set-ADComputer -Identity 'HV21$' -PrincipalsAllowedToDelegateToAccount @(…)}: the full list (the
     * parameter replaces it), each principal resolved in its own domain ({@code Get-ADComputer -Server
     * 'contoso.com'}; a principal the audit does not know by name stays its SID); {@code $null} clears it. Null
     * when a value cannot be typed safely.
     */
    public String rbcd(String host, List<Action.Principal> principals) {
        if (!named(host)) {
            return null;
        }
        List<String> items = new java.util.ArrayList<>();
        for (Action.Principal p : principals) {
            String item = principal(p);
            if (item == null) {
                return null;
            }
            items.add(item);
        }
        return "Set-ADComputer -Identity " + Ps.quote(account(host)) + " -PrincipalsAllowedToDelegateToAccount "
                + (items.isEmpty() ? "$null" : "@(" + String.join(", ", items) + ")") + serverArgument();
    }

    /** Sets back the principals {@code r}'s target allowed before (none: clears the attribute). */
    public String rbcdUndo(AddRbcd r) {
        return rbcd(r.host(), r.before());
    }

    /**
     * The file {@link #rbcdSavedFirst} saves {@code host}'s descriptor to: the run's, {@code
     * kcd-rbcd-before-3f2a9c1e-HV02.sddl} ({@code kcd-rbcd-before-HV02.sddl} outside a run); the {@code n}th save of
     * one host in the run, from the second on, {@code kcd-rbcd-before-3f2a9c1e-HV02-2.sddl}.
     */
    private String rbcdFile(String host, int n) {
        return Ps.quote("kcd-rbcd-before-" + (run.isEmpty() ? "" : run + "-") + host + (n > 1 ? "-" + n : "")
                + ".sddl");
    }

    /**
     * Saves {@code host}'s resource-based delegation as it is, its security descriptor in SDDL (nothing where it has
     * none), to {@link #rbcdFile}, never over an earlier save ({@code -NoClobber}), and only then runs {@code set},
     * the list that replaces it: one line, one try block, so a save that fails (the file is there already, the DC
     * does not answer) changes nothing, and {@link #rbcdRestore} sets back the descriptor {@code set} replaced. Null
     * when the host cannot be named or {@code set} is null.
     */
    public String rbcdSavedFirst(String host, String set) {
        return rbcdSavedFirst(host, set, 1);
    }

    /**
     * The same as the {@code n}th save of {@code host}'s descriptor in the run ({@link #rbcdFile}): each decision
     * replacing one host's list saves the descriptor as it is before that yes, so a yes to another is not stopped by
     * the file of the first.
     */
    public String rbcdSavedFirst(String host, String set, int n) {
        return named(host) && set != null ? "try { (Get-ADComputer -Identity " + Ps.quote(account(host))
                + " -Properties " + Ps.quote(RBCD) + serverArgument() + " -ErrorAction Stop)." + Ps.quote(RBCD)
                + ".Sddl | Out-File -LiteralPath " + rbcdFile(host, n) + " -NoClobber -ErrorAction Stop; " + set
                + " } catch { throw }" : null;
    }

    /**
     * Sets {@code host}'s resource-based delegation back to the descriptor {@link #rbcdSavedFirst} saved, as it was
     * (owner, rights, access-denied entries, a grant to every account): the list cmdlet writes allow entries for
     * directory accounts only and cannot. An empty file (the host had none: {@code .Sddl} of an attribute not set is
     * nothing) clears the attribute. In one try block: a file it cannot read or a descriptor it cannot parse stops it
     * before it writes, rather than the next statement writing whatever {@code $sd} held. Null when the host cannot
     * be named.
     */
    public String rbcdRestore(String host) {
        return rbcdRestore(host, 1);
    }

    /** The same for the {@code n}th save ({@link #rbcdSavedFirst(String, String, int)}). */
    public String rbcdRestore(String host, int n) {
        if (!named(host)) {
            return null;
        }
        String identity = "Set-ADComputer -Identity " + Ps.quote(account(host));
        return "try { $sddl = ([string](Get-Content -LiteralPath " + rbcdFile(host, n) + " -Raw -ErrorAction Stop)).Trim();"
                + " if ($sddl) { $sd = New-Object Security.AccessControl.RawSecurityDescriptor -ArgumentList $sddl;"
                + " $bytes = New-Object byte[] ($sd.BinaryLength); $sd.GetBinaryForm($bytes, 0); " + identity
                + " -Replace @{" + Ps.quote(RBCD) + " = $bytes}" + serverArgument() + " } else { " + identity
                + " -Clear " + Ps.quote(RBCD) + serverArgument() + " } } catch { throw }";
    }

    private static final String RBCD = "msDS-AllowedToActOnBehalfOfOtherIdentity";

    private String principal(Action.Principal p) {
        if (p.name() != null && named(p.name())) {
            return "(Get-ADComputer -Identity " + Ps.quote(account(p.name())) + (p.domain() != null
                    && Values.validHostName(p.domain()) ? " -Server " + Ps.quote(p.domain()) : "") + ")";
        }
        return org.kcdauditor.directory.Sids.isSid(p.sid()) ? Ps.quote(p.sid()) : null;
    }

    /** {@code repadmin /syncall <dc> /AdeP}: pushes every partition from {@code dc}; null for an unusable name. */
    public static String syncAll(String dc) {
        String arg = dc == null ? DC_PLACEHOLDER : Values.validHostName(dc) ? Cmd.arg(dc) : null;
        return arg == null ? null : "repadmin /syncall " + arg + " /AdeP";
    }

    /**
     * The replication {@code r} asks for: the push from its source, or, from a read-only source ({@link Replicate#pull}),
     * {@code repadmin /syncall <to> /Ade}, which has the lagging DC pull every partition from its partners (without
     * {@code /P}); null for an unusable name.
     */
    public static String syncAll(Replicate r) {
        if (!r.pull()) {
            return syncAll(r.from());
        }
        String arg = Values.validHostName(r.to()) ? Cmd.arg(r.to()) : null;
        return arg == null ? null : "repadmin /syncall " + arg + " /Ade";
    }

    /** {@code repadmin /showrepl <dc>}: a DC's inbound replication partners and their last results. */
    public static String showRepl(String dc) {
        String arg = Values.validHostName(dc) ? Cmd.arg(dc) : null;
        return arg == null ? null : "repadmin /showrepl " + arg;
    }

    /**
     * Carries out {@code t}: clears USE_DES_KEY_ONLY when asked, then sets msDS-SupportedEncryptionTypes, unless the
     * value stays as it is ({@link Action.SetEncryptionTypes#keepsValue}); null for an account that cannot be typed.
     */
    private String encryptionTypes(Action.SetEncryptionTypes t) {
        Account on = account(t);
        if (on == null) {
            return null;
        }
        return commands(t.clearDesOnly() ? desKeyOnly(on, false) : null,
                t.keepsValue() ? null : setEncryptionTypes(on, t.value()));
    }

    /**
     * The undo of {@code t}: msDS-SupportedEncryptionTypes back to its previous value (null: cleared) unless it was
     * kept, then USE_DES_KEY_ONLY set again when {@code t} cleared it; null for an account that cannot be typed.
     */
    public String restoreEncryptionTypes(Action.SetEncryptionTypes t) {
        Account on = account(t);
        if (on == null) {
            return null;
        }
        return commands(t.keepsValue() ? null : setEncryptionTypes(on, t.previous()),
                t.clearDesOnly() ? desKeyOnly(on, true) : null);
    }

    /** The cmdlet that sets an account's attributes and the account, single-quoted, as its -Identity. */
    private record Account(String cmdlet, String identity) {
    }

    /**
     * The account {@code t} sets: a computer's with Set-ADComputer ({@code 'HV01$'}, {@link #account(String)}); the
     * user or managed service account a file server is keyed on by its sAMAccountName, with Set-ADUser or
     * Set-ADServiceAccount; null when that name cannot be typed ({@link Values#typeableEntry}: no quote of any kind,
     * no control, bidirectional or invisible character, ASCII only).
     */
    private Account account(Action.SetEncryptionTypes t) {
        Action.ServiceAccount s = t.serviceAccount();
        if (s == null) {
            return named(t.host()) ? new Account("Set-ADComputer", Ps.quote(account(t.host()))) : null;
        }
        return Values.typeableEntry(s.samAccountName()) ? new Account(s.managed() ? "Set-ADServiceAccount"
                : "Set-ADUser", Ps.quote(s.samAccountName())) : null;
    }

    /** msDS-SupportedEncryptionTypes set to {@code value}; null clears it (the KDC's default applies). */
    private String setEncryptionTypes(Account on, Integer value) {
        return on.cmdlet() + " -Identity " + on.identity() + (value == null
                ? " -Clear 'msDS-SupportedEncryptionTypes'" : " -Replace @{'msDS-SupportedEncryptionTypes'=" + value + "}")
                + serverArgument();
    }

    /**
     * {@code ktpass -out NAS01.keytab -princ "cifs/nas01.contoso.com@CONTOSO.COM" -mapuser svc-nas -crypto AES256-SHA1
     * -ptype KRB5_NT_PRINCIPAL -pass * -target dc1.contoso.com}: sets the password it prompts for on the user (AD
     * derives its AES keys from it) and writes the AES256 key to the file server's keytab, on the DC the change is
     * pushed from ({@code -target}; none for the default DC). Each value a cmd-safe argument ({@link Cmd#arg}); null
     * when one cannot be typed.
     */
    private String rekey(Action.RekeyServiceAccount r) {
        // the user's name alone: ktpass looks it up in the domain of the DC it binds to, -target, which is a DC of the
        // account's own domain (a realm-qualified "CONTOSO.COM\\svc-nas" is not a form ktpass is documented to take)
        String user = Values.typeableEntry(r.samAccountName()) ? Cmd.arg(r.samAccountName()) : null;
        String principal = Values.typeableSpn(r.principal()) ? Cmd.arg(r.principal()) : null;
        String keytab = Values.validHostName(r.fileServer()) ? Cmd.arg(r.fileServer() + ".keytab") : null;
        String target = !withServer ? "" : server == null ? " -target " + DC_PLACEHOLDER : " -target " + Cmd.arg(server);
        return user == null || principal == null || keytab == null ? null : "ktpass -out " + keytab + " -princ "
                + principal + " -mapuser " + user + " -crypto AES256-SHA1 -ptype KRB5_NT_PRINCIPAL -pass *" + target;
    }

    /** The commands that are there, one after the other on one line; null for none. */
    private static String commands(String first, String second) {
        return first == null ? second : second == null ? first : first + "; " + second;
    }

    private String desKeyOnly(Account account, boolean on) {
        return "Set-ADAccountControl -Identity " + account.identity() + " -UseDESKeyOnly $" + on + serverArgument();
    }

    /** Puts an SPN taken off another object back (the undo of {@link UnregisterSpn}); null when it cannot be typed. */
    public String restore(UnregisterSpn u) {
        return Values.typeableSpn(u.spn()) && Values.oneLine(u.dn()) ? "Set-ADObject -Identity " + Ps.quote(u.dn())
                + " -Add @{servicePrincipalName=" + Ps.quote(u.spn()) + "}" + serverArgument() : null;
    }

    /**
     * Adds ({@code add}) or removes delegation entries of one host; null when a value cannot be typed. Each value goes
     * into a single-quoted string as stored, so one that is no SPN ({@code cifs\HV02}, MALFORMED_DELEGATION_ENTRY) is
     * removed, or put back by the rollback, exactly as it is; the plan itself only adds the SPNs a pair needs.
     */
    public String delegation(String host, boolean add, List<String> spns) {
        if (!named(host) || spns.isEmpty() || !spns.stream().allMatch(Values::typeableEntry)) {
            return null;
        }
        return "Set-ADComputer -Identity " + Ps.quote(account(host)) + (add ? " -Add" : " -Remove")
                + " @{'msDS-AllowedToDelegateTo'=@(" + Ps.quoteAll(spns) + ")}" + serverArgument();
    }

    /** Registers ({@code add}) or unregisters an SPN on the host's own account; null when it cannot be typed. */
    public String spn(String host, boolean add, String spn) {
        if (!named(host) || !Values.typeableSpn(spn)) {
            return null;
        }
        return "Set-ADComputer -Identity " + Ps.quote(account(host)) + " -ServicePrincipalNames @{" + (add ? "Add"
                : "Remove") + "=" + Ps.quote(spn) + "}" + serverArgument();
    }

    /**
     * Sets the delegation flags: {@code trustedForDelegation} (unconstrained) and
     * {@code trustedToAuth} (protocol transition), each left alone when null; null when neither is set.
     */
    public String flags(String host, Boolean trustedForDelegation, Boolean trustedToAuth) {
        String account = Values.validHostName(host) ? account(host) : null; // as named(host), the account once
        if (account == null || trustedForDelegation == null && trustedToAuth == null) {
            return null;
        }
        return "Set-ADAccountControl -Identity " + Ps.quote(account)
                + (trustedForDelegation == null ? "" : trustedForDelegation ? " -TrustedForDelegation $true"
                : " -TrustedForDelegation $false") + (trustedToAuth == null ? "" : trustedToAuth
                ? " -TrustedToAuthForDelegation $true" : " -TrustedToAuthForDelegation $false") + serverArgument();
    }

    /** {@code repadmin /syncall <DC> /AdeP}: pushes the changes from the DC they were written to. */
    public String replicate() {
        return syncAll(server);
    }

    /** What the rollback export keeps of each object: every attribute the change can write. */
    private static final String EXPORTED = "msDS-AllowedToDelegateTo,userAccountControl,servicePrincipalName,"
            + "msDS-AllowedToActOnBehalfOfOtherIdentity,msDS-SupportedEncryptionTypes";

    /**
     * Exports what a rollback needs, to {@code file} (Export-Clixml): of the computers under {@code baseDn} and of
     * the objects {@code others} (DNs: the accounts a duplicate SPN is taken off, user accounts too), every attribute
     * the change can write (delegation entries, flags, SPNs, resource-based delegation, encryption types); null for a
     * base DN that does not stay on one line. A DN with a control, bidirectional or invisible character is given by
     * its UTF-8 bytes (Base64), as remediation.ps1 names it.
     */
    public String export(String baseDn, List<String> others, String file) {
        if (!Values.oneLine(baseDn)) {
            return null;
        }
        String computers = "Get-ADComputer -Filter * -SearchBase " + Ps.quote(baseDn == null ? "" : baseDn)
                + " -Properties " + EXPORTED + serverArgument();
        // a DN with a control, bidirectional or invisible character would be shown escaped and name no object: it is
        // given by its exact bytes, as remediation.ps1 takes the SPN off it
        List<String> objects = others.stream().filter(java.util.Objects::nonNull).distinct().map(dn -> "Get-ADObject"
                + " -Identity " + (Values.shownAsStored(dn) ? Ps.quote(dn) : "([Text.Encoding]::UTF8.GetString("
                + "[Convert]::FromBase64String(" + Ps.quote(Values.base64(dn)) + ")))") + " -Properties " + EXPORTED
                + serverArgument()).toList();
        String source = objects.isEmpty() ? computers : "& { " + computers + "; " + String.join("; ", objects) + " }";
        return source + " | Select-Object Name,DistinguishedName," + EXPORTED + " | Export-Clixml " + Ps.quote(file);
    }

    /**
     * Shows how {@code host} authenticates live migrations ({@code Kerberos} is needed; {@code CredSSP} fails under
     * Credential Guard and is not constrained delegation); null for an unsafe name.
     */
    public static String migrationAuthCheck(String host) {
        return Values.validHostName(host) ? "Get-VMHost -ComputerName " + Ps.quote(host)
                + " | Select-Object ComputerName, VirtualMachineMigrationAuthenticationType" : null;
    }

    /**
     * Shows how each of {@code hosts} authenticates live migrations, one loop for all ({@link #migrationAuthCheck} of
     * each); null when none has a safe name (those are left out).
     */
    public static String migrationAuthCheckLoop(List<String> hosts) {
        String in = hostList(hosts);
        return in == null ? null : "foreach ($h in " + in + ") { Get-VMHost -ComputerName $h | Select-Object"
                + " ComputerName, VirtualMachineMigrationAuthenticationType }";
    }

    /**
     * Sets each of {@code hosts}' live migration authentication to Kerberos where it is CredSSP, one loop for all
     * (so that it can be pasted whole and changes only the hosts on CredSSP); null when none has a safe name (those
     * are left out).
     */
    public static String migrationAuthFixLoop(List<String> hosts) {
        String in = hostList(hosts);
        return in == null ? null : "foreach ($h in " + in + ") { if ((Get-VMHost -ComputerName $h)"
                + ".VirtualMachineMigrationAuthenticationType -eq 'CredSSP') { Set-VMHost -ComputerName $h"
                + " -VirtualMachineMigrationAuthenticationType Kerberos } }";
    }

    /** {@code 'HV01', 'HV02'}: the hosts with a safe name, quoted; null when there is none. */
    private static String hostList(List<String> hosts) {
        List<String> safe = hosts.stream().filter(Values::validHostName).map(Ps::quote).toList();
        return safe.isEmpty() ? null : String.join(", ", safe);
    }

    /**
     * The configuration file the closing commands name when the run recorded none (the demo, a findings.json written
     * before {@code summary.configFile}): the administrator's own, by its usual name, which the runbook says to replace.
     */
    public static final String PREFLIGHT_CONFIG = "kcd-audit.yaml";

    /**
     * The configuration file {@code recorded} ({@code summary.configFile}, {@code AuditInputs.configFile}) as the
     * commands that name it take it ({@link #preflight(String, String)}, {@link #baselineCapture(String)}): one argument
     * for the shells of the system whose path it is ({@link org.kcdauditor.cli.ShellArg#ofPath}); null, for
     * {@link #PREFLIGHT_CONFIG}, where the run recorded none or no quoting keeps the path one literal argument. The
     * runbook's closing commands and the findings' own take it from here, so that they name it alike.
     */
    public static String configArg(String recorded) {
        return recorded == null ? null : org.kcdauditor.cli.ShellArg.ofPath(recorded);
    }

    /**
     * The closing check of a change: {@code kcd-audit preflight --config "C:\kcd\kcd-audit.yaml" --cluster HVC1} audits
     * again and says GO or what still blocks; null for a cluster name no shell takes as one plain argument.
     * {@code config}: the configuration file as one shell argument ({@link #configArg}), or null for the placeholder
     * {@link #PREFLIGHT_CONFIG}.
     */
    public static String preflight(String cluster, String config) {
        String arg = Cmd.arg(cluster);
        return arg == null ? null : "kcd-audit preflight --config " + (config == null ? PREFLIGHT_CONFIG : config)
                + " --cluster " + arg;
    }

    /**
     * The baseline captured anew from the directory after an approved change (the old file kept as a .bak), with a
     * place for the CAB approver's name as the test moves have one for the VM (in double quotes: one argument in
     * cmd and PowerShell alike, with the name that replaces it); {@code config} as {@link #preflight} takes it.
     */
    public static String baselineCapture(String config) {
        return "kcd-audit baseline capture --config " + (config == null ? PREFLIGHT_CONFIG : config)
                + " --approved-by \"<CAB approver>\" --force";
    }

    /** A live migration of a test VM to {@code target}, started on a node of the cluster; null for an unsafe name. */
    public static String testMove(String target) {
        return Values.validHostName(target) ? "Move-ClusterVirtualMachineRole -Name '<test VM>' -Node "
                + Ps.quote(target) + " -MigrationType Live" : null;
    }

    /**
     * A live migration of a test VM to {@code destination} (its FQDN, else its computer name), a node of another cluster
     * (a migration group), named {@code target} in the placeholder for the storage path there: Move-ClusterVirtualMachineRole
     * moves a role only between the nodes of one cluster, so this is Hyper-V's shared-nothing move with the VM's storage
     * (Move-VM -IncludeStorage -DestinationStoragePath, Microsoft Learn), of a VM that is no clustered role; null for an
     * unsafe name.
     */
    public static String testMoveAcross(String destination, String target) {
        return Values.validHostName(destination) && Values.validHostName(target) ? "Move-VM -Name '<test VM>'"
                + " -DestinationHost " + Ps.quote(destination) + " -IncludeStorage -DestinationStoragePath "
                + Ps.quote("<path on " + target + ">") : null;
    }
}
