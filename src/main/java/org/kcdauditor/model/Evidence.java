package org.kcdauditor.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * The facts a rule judged, as data ({@code findings[].evidence} in findings.json). Every field is
 * optional; a rule sets those it looked at. Reports, the remediation plan and notices read these,
 * never the finding's message.
 *
 * @param service          the service class of a required entry ({@code cifs})
 * @param nameForm         {@code netbios} or {@code fqdn}
 * @param spn              the SPN concerned, when the finding is about one
 * @param attribute        the directory attribute concerned ({@code msDS-AllowedToDelegateTo} …)
 * @param expected         what the policy or the baseline expects
 * @param actual           what the directory holds
 * @param holders          other objects that hold the SPN
 * @param userAccountControl the value judged
 * @param uacBits          its flag names
 * @param delegationBits   a delegation bit differs from the baseline
 * @param targetExists     whether the host a delegation entry names exists in the directory
 * @param fileServer       the target is a Scale-Out File Server, not a migration peer
 * @param pairs            the directed pairs the finding covers or breaks
 * @param sids             SIDs (RBCD)
 * @param kb               a catalogued hardening update
 * @param cve              its CVE
 * @param via              the KB that carried it onto the host (a monthly cumulative update)
 * @param installedOn      when it was installed
 * @param eventIds         event ids observed
 * @param eventCount       how many events
 * @param lastEvent        the newest one
 * @param classifications  their classification (and HRESULT)
 * @param delegationExplains whether delegation findings explain the events
 * @param relatedFindings  ids of the findings that cause this one or explain it
 * @param previousRunId    the run compared with (CHANGED_SINCE_LAST_RUN)
 * @param previousRunAt    when that run finished
 * @param changes          what changed, one line each
 * @param waivedRule       the rule a waiver names (WAIVER_EXPIRED, WAIVER_TOO_LONG, WAIVER_UNUSED)
 * @param expires          the waiver's expiry
 * @param justification    the waiver's justification
 * @param operatingSystem  the host's operating system, where it decided the finding
 * @param ou               the OU a cluster is read from
 * @param encryptionTypes  msDS-SupportedEncryptionTypes as read (null: not set)
 * @param pwdLastSet       when the account's password was last set
 * @param aesKeysSince     when the domain gained AES keys (the RID-521 group's whenCreated)
 * @param operator         the policy.operators entry an account was found through
 * @param protectedUsers   the account is (nested) in Protected Users
 * @param origin           the import record it came from ({@code file:line})
 * @param dc               the domain controller concerned (one that disagrees, or cannot be reached)
 * @param auditedDc        the domain controller the audit read, which the other is compared with
 * @param lastChange       when, where and how often the attribute concerned was last written (replication metadata)
 * @param directories      the directories (domains) concerned: a pair's source's and target's
 * @param anyAccountSids   the SIDs of a target's resource-based delegation that hold every account, every computer or
 *                         every user (Everyone, Authenticated Users, This Organization, BUILTIN\Users, Domain
 *                         Computers, Domain Users: {@link AnyAccount})
 * @param mayBeUnreadable  the bind account read no value of {@code attribute} although the replication metadata records
 *                         writes of it ({@code lastChange}): the values may be hidden from it (a deny-read ACE, which
 *                         the DC answers by leaving the attribute out) or were all removed at that write
 * @param rbcdAdded        the SIDs a host's resource-based delegation allows that the run compared with it did not
 *                         (CHANGED_SINCE_LAST_RUN)
 * @param rbcdRemoved      the SIDs it allowed in the run compared with and allows no longer (CHANGED_SINCE_LAST_RUN)
 * @param lastFoundRunId   a node renamed since a run before {@code previousRunId}, which the runs in between did not
 *                         find under its old name: the last run that found it, which its changes compare with
 *                         (CHANGED_SINCE_LAST_RUN); a configured node not found whose objectSid in the last run that
 *                         found it another computer holds now (renamed before the configuration followed): that run,
 *                         the previous one or an earlier one (HOST_NOT_FOUND)
 * @param lastFoundRunAt   when that run finished
 * @param entriesAdded     the delegation entries (msDS-AllowedToDelegateTo) a host holds that the run compared with it
 *                         did not (CHANGED_SINCE_LAST_RUN): what its {@code changes} say one line each, for counting
 * @param entriesRemoved   the entries it held in the run compared with and holds no longer (CHANGED_SINCE_LAST_RUN)
 * @param changeKinds      the kind of each line of {@code changes}, in the same order (CHANGED_SINCE_LAST_RUN: a
 *                         {@code Drift.Kind} name, {@code ENTRY_ADDED}, {@code PASSWORD_CHANGED} …), which every
 *                         decision on a change reads, never its words; on a finding read back from the history store,
 *                         which keeps no {@code changes}, the kinds alone; absent in findings.json and stored rows
 *                         written before they were recorded
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonDeserialize(builder = Evidence.Builder.class)
public record Evidence(String service, String nameForm, String spn, String attribute, List<String> expected,
                       List<String> actual, List<Holder> holders, Integer userAccountControl, List<String> uacBits,
                       Boolean delegationBits, Boolean targetExists, Boolean fileServer, List<PairRef> pairs,
                       List<String> sids, String kb, String cve, String via, LocalDate installedOn,
                       List<Integer> eventIds, Integer eventCount, Instant lastEvent, List<String> classifications,
                       Boolean delegationExplains, List<String> relatedFindings, String previousRunId,
                       Instant previousRunAt, List<String> changes, String waivedRule, LocalDate expires,
                       String justification, String operatingSystem, String ou, Integer encryptionTypes,
                       Instant pwdLastSet, Instant aesKeysSince, String operator, Boolean protectedUsers,
                       String origin, String dc, String auditedDc, AttributeChange lastChange,
                       List<String> directories, List<String> anyAccountSids, Boolean mayBeUnreadable,
                       List<String> rbcdAdded, List<String> rbcdRemoved, String lastFoundRunId,
                       Instant lastFoundRunAt, List<String> entriesAdded, List<String> entriesRemoved,
                       List<String> changeKinds) {

    public static final Evidence NONE = builder().build();

    /**
     * Another object holding an SPN: its name, sAMAccountName, DN and the value exactly as it stores it; {@code domain}
     * (DNS name) only for a holder in another domain than the host's, that of the sources whose KDC finds it.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Holder(String name, String samAccountName, String dn, String stored, String domain) {
    }

    /** A directed pair, source → target. */
    public record PairRef(String from, String to) {
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds evidence field by field (also how Jackson reads it back). */
    @JsonPOJOBuilder(withPrefix = "")
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static final class Builder {
        private String service;
        private String nameForm;
        private String spn;
        private String attribute;
        private List<String> expected;
        private List<String> actual;
        private List<Holder> holders;
        private Integer userAccountControl;
        private List<String> uacBits;
        private Boolean delegationBits;
        private Boolean targetExists;
        private Boolean fileServer;
        private List<PairRef> pairs;
        private List<String> sids;
        private String kb;
        private String cve;
        private String via;
        private LocalDate installedOn;
        private List<Integer> eventIds;
        private Integer eventCount;
        private Instant lastEvent;
        private List<String> classifications;
        private Boolean delegationExplains;
        private List<String> relatedFindings;
        private String previousRunId;
        private Instant previousRunAt;
        private List<String> changes;
        private String waivedRule;
        private LocalDate expires;
        private String justification;
        private String operatingSystem;
        private String ou;
        private Integer encryptionTypes;
        private Instant pwdLastSet;
        private Instant aesKeysSince;
        private String operator;
        private Boolean protectedUsers;
        private String origin;
        private String dc;
        private String auditedDc;
        private AttributeChange lastChange;
        private List<String> directories;
        private List<String> anyAccountSids;
        private Boolean mayBeUnreadable;
        private List<String> rbcdAdded;
        private List<String> rbcdRemoved;
        private String lastFoundRunId;
        private Instant lastFoundRunAt;
        private List<String> entriesAdded;
        private List<String> entriesRemoved;
        private List<String> changeKinds;

        public Builder service(String v) { service = v; return this; }
        public Builder nameForm(String v) { nameForm = v; return this; }
        public Builder spn(String v) { spn = v; return this; }
        public Builder attribute(String v) { attribute = v; return this; }
        public Builder expected(List<String> v) { expected = copy(v); return this; }
        public Builder actual(List<String> v) { actual = copy(v); return this; }
        public Builder holders(List<Holder> v) { holders = copy(v); return this; }
        public Builder userAccountControl(Integer v) { userAccountControl = v; return this; }
        public Builder uacBits(List<String> v) { uacBits = copy(v); return this; }
        public Builder delegationBits(Boolean v) { delegationBits = v; return this; }
        public Builder targetExists(Boolean v) { targetExists = v; return this; }
        public Builder fileServer(Boolean v) { fileServer = v; return this; }
        public Builder pairs(List<PairRef> v) { pairs = copy(v); return this; }
        public Builder sids(List<String> v) { sids = copy(v); return this; }
        public Builder kb(String v) { kb = v; return this; }
        public Builder cve(String v) { cve = v; return this; }
        public Builder via(String v) { via = v; return this; }
        public Builder installedOn(LocalDate v) { installedOn = v; return this; }
        public Builder eventIds(List<Integer> v) { eventIds = copy(v); return this; }
        public Builder eventCount(Integer v) { eventCount = v; return this; }
        public Builder lastEvent(Instant v) { lastEvent = v; return this; }
        public Builder classifications(List<String> v) { classifications = copy(v); return this; }
        public Builder delegationExplains(Boolean v) { delegationExplains = v; return this; }
        public Builder relatedFindings(List<String> v) { relatedFindings = copy(v); return this; }
        public Builder previousRunId(String v) { previousRunId = v; return this; }
        public Builder previousRunAt(Instant v) { previousRunAt = v; return this; }
        public Builder changes(List<String> v) { changes = copy(v); return this; }
        public Builder waivedRule(String v) { waivedRule = v; return this; }
        public Builder expires(LocalDate v) { expires = v; return this; }
        public Builder justification(String v) { justification = v; return this; }
        public Builder operatingSystem(String v) { operatingSystem = v; return this; }
        public Builder ou(String v) { ou = v; return this; }
        public Builder encryptionTypes(Integer v) { encryptionTypes = v; return this; }
        public Builder pwdLastSet(Instant v) { pwdLastSet = v; return this; }
        public Builder aesKeysSince(Instant v) { aesKeysSince = v; return this; }
        public Builder operator(String v) { operator = v; return this; }
        public Builder protectedUsers(Boolean v) { protectedUsers = v; return this; }
        public Builder origin(String v) { origin = v; return this; }
        public Builder dc(String v) { dc = v; return this; }
        public Builder auditedDc(String v) { auditedDc = v; return this; }
        public Builder lastChange(AttributeChange v) { lastChange = v; return this; }
        public Builder directories(List<String> v) { directories = copy(v); return this; }
        public Builder anyAccountSids(List<String> v) { anyAccountSids = copy(v); return this; }
        public Builder mayBeUnreadable(Boolean v) { mayBeUnreadable = v; return this; }
        public Builder rbcdAdded(List<String> v) { rbcdAdded = copy(v); return this; }
        public Builder rbcdRemoved(List<String> v) { rbcdRemoved = copy(v); return this; }
        public Builder lastFoundRunId(String v) { lastFoundRunId = v; return this; }
        public Builder lastFoundRunAt(Instant v) { lastFoundRunAt = v; return this; }
        public Builder entriesAdded(List<String> v) { entriesAdded = copy(v); return this; }
        public Builder entriesRemoved(List<String> v) { entriesRemoved = copy(v); return this; }
        public Builder changeKinds(List<String> v) { changeKinds = copy(v); return this; }

        public Evidence build() {
            return new Evidence(service, nameForm, spn, attribute, expected, actual, holders, userAccountControl,
                    uacBits, delegationBits, targetExists, fileServer, pairs, sids, kb, cve, via, installedOn,
                    eventIds, eventCount, lastEvent, classifications, delegationExplains, relatedFindings,
                    previousRunId, previousRunAt, changes, waivedRule, expires, justification, operatingSystem, ou,
                    encryptionTypes, pwdLastSet, aesKeysSince, operator, protectedUsers, origin, dc, auditedDc,
                    lastChange, directories, anyAccountSids, mayBeUnreadable, rbcdAdded, rbcdRemoved, lastFoundRunId,
                    lastFoundRunAt, entriesAdded, entriesRemoved, changeKinds);
        }

        private static <T> List<T> copy(List<T> v) {
            return v == null ? null : List.copyOf(v);
        }
    }
}
