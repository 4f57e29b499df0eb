package org.kcdauditor.remedy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.List;

/**
 * What fixes a finding, as data: the remediation plan, the runbooks, the workbook, the PDF and the
 * finding's own {@code remediation} sentence are all rendered from these, never from text. In
 * findings.json each action is an object with a {@code type} ({@code addDelegation}, …).
 *
 * <p>Host names are the NetBIOS names the reports show ({@code HV01}); the AD cmdlets get the
 * account ({@code HV01$}). SPN values to remove are kept exactly as the directory stores them.
 * Every action except {@link Manual} is a change the plan can carry out: most are directory changes the
 * script makes; {@link OnHost} actions are commands an administrator runs on (or against) the host
 * itself. A {@link Manual} is a decision for an administrator, with the changes it would take, if any, as
 * {@code proposed}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Action.AddDelegation.class, name = "addDelegation"),
        @JsonSubTypes.Type(value = Action.RemoveDelegation.class, name = "removeDelegation"),
        @JsonSubTypes.Type(value = Action.RegisterSpn.class, name = "registerSpn"),
        @JsonSubTypes.Type(value = Action.UnregisterSpn.class, name = "unregisterSpn"),
        @JsonSubTypes.Type(value = Action.SetProtocolTransition.class, name = "setProtocolTransition"),
        @JsonSubTypes.Type(value = Action.ReplaceUnconstrained.class, name = "replaceUnconstrained"),
        @JsonSubTypes.Type(value = Action.EnableAccount.class, name = "enableAccount"),
        @JsonSubTypes.Type(value = Action.ClearAccountExpiry.class, name = "clearAccountExpiry"),
        @JsonSubTypes.Type(value = Action.AddRbcd.class, name = "addRbcd"),
        @JsonSubTypes.Type(value = Action.Replicate.class, name = "replicate"),
        @JsonSubTypes.Type(value = Action.SetEncryptionTypes.class, name = "setEncryptionTypes"),
        @JsonSubTypes.Type(value = Action.ResetMachinePassword.class, name = "resetMachinePassword"),
        @JsonSubTypes.Type(value = Action.RekeyServiceAccount.class, name = "rekeyServiceAccount"),
        @JsonSubTypes.Type(value = Action.SetMigrationAuthentication.class, name = "setMigrationAuthentication"),
        @JsonSubTypes.Type(value = Action.EnableMigration.class, name = "enableMigration"),
        @JsonSubTypes.Type(value = Action.Manual.class, name = "manual")})
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public sealed interface Action {

    /** The computer or account whose object the action changes; null for a {@link Manual} decision. */
    String subject();

    /** Adds {@code spns} to {@code host}'s msDS-AllowedToDelegateTo, so it may delegate to {@code peer}. */
    record AddDelegation(String host, String peer, List<String> spns) implements Action {
        public AddDelegation {
            spns = List.copyOf(spns);
        }

        @Override
        public String subject() {
            return host;
        }
    }

    /** Removes {@code spns} (as stored) from {@code host}'s msDS-AllowedToDelegateTo; {@code peer} may be null. */
    record RemoveDelegation(String host, String peer, List<String> spns) implements Action {
        public RemoveDelegation {
            spns = List.copyOf(spns);
        }

        @Override
        public String subject() {
            return host;
        }
    }

    /** Registers {@code spn} on {@code host}'s own account (servicePrincipalName). */
    record RegisterSpn(String host, String spn) implements Action {
        @Override
        public String subject() {
            return host;
        }
    }

    /**
     * Removes {@code spn} (as that object stores it) from another object's servicePrincipalName.
     *
     * @param holder  the object's name as reports show it
     * @param account its sAMAccountName (what setspn takes), or null
     * @param dn      its distinguished name (what Set-ADObject takes)
     * @param domain  its DNS domain, only where it is another than that of the host whose SPN it holds (the domain
     *                of sources whose KDC finds it first): {@code setspn -X}, looking in one domain, lists such a
     *                holder neither before nor after, so its removal is checked with {@code setspn -F -Q}; else null
     */
    record UnregisterSpn(String holder, String account, String dn, String spn, String domain) implements Action {
        @Override
        public String subject() {
            return holder;
        }
    }

    /** Sets TRUSTED_TO_AUTH_FOR_DELEGATION ("Use any authentication protocol") on or off. */
    record SetProtocolTransition(String host, boolean enabled) implements Action {
        @Override
        public String subject() {
            return host;
        }
    }

    /**
     * Clears TRUSTED_FOR_DELEGATION (unconstrained) so that the host delegates only to the services listed;
     * {@code protocolTransition} is the choice of the Delegation tab afterwards, {@code basis} why that one (the
     * baseline, the peers, the policy; null in a findings.json written before actions carried it).
     */
    record ReplaceUnconstrained(String host, boolean protocolTransition, String basis) implements Action {
        public ReplaceUnconstrained(String host, boolean protocolTransition) {
            this(host, protocolTransition, null);
        }

        @Override
        public String subject() {
            return host;
        }
    }

    /** Enables a disabled computer account. */
    record EnableAccount(String host) implements Action {
        @Override
        public String subject() {
            return host;
        }
    }

    /**
     * Clears an expired computer account's accountExpires (never expires), so that the KDC issues it a TGT again;
     * proposed in a decision only, like {@link EnableAccount}.
     */
    record ClearAccountExpiry(String host) implements Action {
        @Override
        public String subject() {
            return host;
        }
    }

    /** An action run on the host (or against it with -ComputerName), not a directory write of the script. */
    sealed interface OnHost extends Action permits ResetMachinePassword, SetMigrationAuthentication, EnableMigration {
    }

    /**
     * Sets the computer's msDS-SupportedEncryptionTypes to {@code value} (and clears USE_DES_KEY_ONLY when
     * {@code clearDesOnly}); {@code previous} is the value it replaces (null: not set), for the undo. A
     * {@code value} equal to {@code previous} keeps the value ({@link #keepsValue}). With {@code serviceAccount}, the
     * account is not a computer but the user or managed service account a file server's cifs SPNs are keyed on
     * ({@code host}: its name as reports show it), set with Set-ADUser or Set-ADServiceAccount; null for a computer.
     */
    record SetEncryptionTypes(String host, int value, boolean clearDesOnly, Integer previous,
                              ServiceAccount serviceAccount) implements Action {
        /** A computer's. */
        public SetEncryptionTypes(String host, int value, boolean clearDesOnly, Integer previous) {
            this(host, value, clearDesOnly, previous, null);
        }

        @Override
        public String subject() {
            return host;
        }

        /** Whether the value stays as it is (it allows AES already): only USE_DES_KEY_ONLY is cleared. */
        public boolean keepsValue() {
            return previous != null && previous == value;
        }
    }

    /**
     * A user or managed service account that is no computer: the account a file server's cifs SPNs are keyed on
     * (ktpass -mapuser, or a gMSA), which the AD cmdlets take by its {@code samAccountName} ({@code svc-nas},
     * {@code gmsa-nas$}): Set-ADUser for a user, Set-ADServiceAccount for a {@code managed} one (gMSA, sMSA).
     * {@code directory}: the directory (domain) it was read from, whose DC the cmdlet is run against; null with a
     * single directory.
     */
    record ServiceAccount(String samAccountName, boolean managed, String directory) {
        /** Of the only directory. */
        public ServiceAccount(String samAccountName, boolean managed) {
            this(samAccountName, managed, null);
        }
    }

    /**
     * A new password on the user {@code account} (its {@code samAccountName}) that the cifs SPNs of {@code fileServer}
     * are keyed on, and the file server's keytab made again from it: ktpass sets the password it prompts for (AD derives
     * the account's AES keys from it) and writes the AES256 key of {@code principal} ({@code cifs/nas01.contoso.com@CONTOSO.COM})
     * to a keytab for the file server, whose old keys no longer match. Proposed in a decision only: the keytab is
     * imported on the file server by hand. {@code directory}: the directory (domain) the account was read from, whose DC
     * ktpass targets; null with a single directory.
     */
    record RekeyServiceAccount(String account, String samAccountName, String fileServer, String principal,
                               String directory) implements Action {
        /** Of the only directory. */
        public RekeyServiceAccount(String account, String samAccountName, String fileServer, String principal) {
            this(account, samAccountName, fileServer, principal, null);
        }

        @Override
        public String subject() {
            return account;
        }
    }

    /** Resets the computer account's password from the host itself, which gives the account AES keys. */
    record ResetMachinePassword(String host) implements OnHost {
        @Override
        public String subject() {
            return host;
        }
    }

    /** Makes the host authenticate live migrations with Kerberos instead of CredSSP. */
    record SetMigrationAuthentication(String host) implements OnHost {
        @Override
        public String subject() {
            return host;
        }
    }

    /** Enables live migration on the host. */
    record EnableMigration(String host) implements OnHost {
        @Override
        public String subject() {
            return host;
        }
    }

    /**
     * Sets resource-based constrained delegation on {@code host} (the target): its
     * {@code msDS-AllowedToActOnBehalfOfOtherIdentity} lists {@code principals}, the accounts that may delegate to
     * it. The cmdlet that sets it ({@code -PrincipalsAllowedToDelegateToAccount}) replaces the whole list, so
     * {@code principals} is the full list afterwards: those allowed today ({@code present}) and those to add; empty
     * (written as {@code []}), it clears the attribute.
     * The only delegation that crosses a domain boundary.
     */
    record AddRbcd(String host, @JsonInclude(JsonInclude.Include.ALWAYS) List<Principal> principals)
            implements Action {
        public AddRbcd {
            principals = principals == null ? List.of() : List.copyOf(principals); // null: as written before it was kept
        }

        @Override
        public String subject() {
            return host;
        }

        /** The principals allowed before the change (what a rollback sets back). */
        public List<Principal> before() {
            return principals.stream().filter(Principal::present).toList();
        }
    }

    /**
     * An account RBCD allows: its NetBIOS name and DNS domain where the audit knows them (a computer of an audited
     * directory), its SID always; {@code present} when the target allows it already.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Principal(String name, String domain, String sid, boolean present) {
    }

    /**
     * Replication between domain controllers: push every partition from {@code from} (where the audit read the
     * change) to all DCs, and look at {@code to}'s inbound replication, which has not caught up. Not a change to an
     * object: it is proposed with a decision ({@link Manual}). With {@code pull}, {@code from} is a read-only DC,
     * which replicates inbound only and so pushes nothing: {@code to} pulls from its partners instead.
     */
    record Replicate(String from, String to,
                     @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean pull) implements Action {
        /** A push from {@code from}, a writable DC. */
        public Replicate(String from, String to) {
            this(from, to, false);
        }

        @Override
        public String subject() {
            return null;
        }
    }

    /**
     * A decision for an administrator: {@code what} to weigh, in words, and the changes that would carry
     * it out if the answer is yes (empty when it is no directory change, e.g. a configuration fix). {@code yes}: the
     * label of those changes where the question has two answers and the changes carry out one of them, naming what
     * they do ("To restore it": the removal of an entry the baseline lists was not intended); null: {@link #IF_SO},
     * the changes carry out what the question asks.
     */
    record Manual(String what, List<Action> proposed, String yes) implements Action {
        /** The label of the changes of a decision that asks whether to make them. */
        public static final String IF_SO = "If so";

        public Manual {
            proposed = proposed == null ? List.of() : List.copyOf(proposed);
        }

        public Manual(String what, List<Action> proposed) {
            this(what, proposed, null);
        }

        public Manual(String what) {
            this(what, List.of());
        }

        /** The label of the changes: {@code yes}, or {@link #IF_SO}. */
        public String yesLabel() {
            return yes == null ? IF_SO : yes;
        }

        @Override
        public String subject() {
            return null;
        }
    }
}
