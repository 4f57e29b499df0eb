package org.kcdauditor.directory;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchRequest;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.SearchRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.model.Operator;
import org.kcdauditor.model.OperatorAccount;
import org.kcdauditor.support.CliRun;
import org.kcdauditor.support.TestDirectory;
import org.kcdauditor.support.TestDirectory.Mode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Membership through the primary group: AD lists an account's primary group in its {@code primaryGroupID} only, not
 * in the group's {@code member} nor in the account's {@code memberOf}, so neither reading {@code member} nor
 * LDAP_MATCHING_RULE_IN_CHAIN shows it; the account is a member all the same. Protected Users (RID 525) as the primary
 * group, or a group nested in it, keeps an operator from being delegated. Read over real LDAP from UnboundID's
 * in-memory server with the domain of {@link DomainFactsTest}, member by member and, made to answer the in-chain rule
 * as AD does ({@link InChainAnswers}), with it.
 */
class PrimaryGroupOperatorsTest {
    static final String USERS = DomainFactsTest.USERS;
    static final List<String> OPERATORS = List.of("adm-frank", "adm-gina", "HV Operators");

    @TempDir
    Path tmp;

    /**
     * Answers {@code memberOf:1.2.840.113556.1.4.1941:=<group>} as AD does: the entries reached through {@code member}
     * from the group, nested groups included, never through a primary group (AD's memberOf does not list it). The
     * other parts of an AND filter are applied to them; UnboundID's server itself would refuse the rule.
     */
    static final class InChainAnswers extends InMemoryOperationInterceptor {
        InMemoryDirectoryServer ds;

        @Override
        public void processSearchRequest(InMemoryInterceptedSearchRequest request) throws LDAPException {
            Filter f = request.getRequest().getFilter();
            List<Filter> parts = f.getFilterType() == Filter.FILTER_TYPE_AND ? Arrays.asList(f.getComponents())
                    : List.of(f);
            Filter chain = parts.stream().filter(p -> p.getFilterType() == Filter.FILTER_TYPE_EXTENSIBLE_MATCH
                    && OperatorResolver.IN_CHAIN.equals(p.getMatchingRuleID())).findFirst().orElse(null);
            if (chain == null) {
                return;
            }
            Filter rest = Filter.createANDFilter(parts.stream().filter(p -> p != chain).toList());
            Set<DN> seen = new HashSet<>();
            Deque<String> groups = new ArrayDeque<>(List.of(chain.getAssertionValue()));
            while (!groups.isEmpty()) {
                Entry group = ds.getEntry(groups.poll());
                String[] members = group == null ? null : group.getAttributeValues("member");
                for (String m : members == null ? new String[0] : members) {
                    Entry e = seen.add(new DN(m)) ? ds.getEntry(m) : null;
                    if (e == null) {
                        continue;
                    }
                    if (rest.matchesEntry(e)) {
                        request.sendSearchEntry(e);
                    }
                    if (e.hasObjectClass("group")) {
                        groups.add(m);
                    }
                }
            }
            SearchRequest none = request.getRequest().duplicate();
            none.setFilter(Filter.createEqualityFilter("objectClass", "no-such-class"));
            request.setRequest(none);
        }
    }

    /**
     * The domain of {@link DomainFactsTest} with its operators, plus users whose primary group is Protected Users
     * (adm-frank), Tier0 Admins, nested in Protected Users (adm-gina), and HV Operators (adm-hank, and the computer
     * WS0002, which is no operator).
     *
     * @param activeDirectory whether the server answers as AD, with the in-chain rule
     */
    private static InMemoryDirectoryServer server(boolean activeDirectory) throws Exception {
        List<Attribute> root = new ArrayList<>(DomainFactsTest.AD_ROOT);
        InChainAnswers inChain = new InChainAnswers();
        InMemoryDirectoryServer ds;
        if (activeDirectory) {
            root.add(new Attribute("supportedCapabilities", DomainReader.AD_CAPABILITY));
            ds = TestDirectory.start(Mode.PLAIN, null, 0, root, inChain);
        } else {
            ds = TestDirectory.start(Mode.PLAIN, null, 0, root);
        }
        inChain.ds = ds;
        DomainFactsTest.domain(ds, true);
        DomainFactsTest.operators(ds);
        primaryUser(ds, "adm-frank", 525);
        primaryUser(ds, "adm-gina", 1500);
        primaryUser(ds, "adm-hank", 1600);
        ds.add(new Entry("dn: CN=WS0002,OU=Hyper-V," + DomainFactsTest.BASE, "objectClass: top", "objectClass: user",
                "objectClass: computer", "cn: WS0002", "sAMAccountName: WS0002$", "userAccountControl: 4096",
                "primaryGroupID: 1600"));
        return ds;
    }

    private static void primaryUser(InMemoryDirectoryServer ds, String name, int primaryGroup) throws Exception {
        ds.add(new Entry("dn: CN=" + name + "," + USERS, "objectClass: top", "objectClass: person",
                "objectClass: user", "cn: " + name, "sAMAccountName: " + name, "userAccountControl: 512",
                "primaryGroupID: " + primaryGroup));
    }

    private Path config(InMemoryDirectoryServer ds) throws Exception {
        Path cfg = TestDirectory.config(tmp, "ldap://127.0.0.1:" + ds.getListenPort(), List.of("HV01", "HV02"),
                "allowInsecureBind: true", "pageSize: 3");
        Files.writeString(cfg, Files.readString(cfg) + "policy:\n  operators:\n" + OPERATORS.stream()
                .map(o -> "    - '" + o + "'\n").collect(Collectors.joining()));
        return cfg;
    }

    private List<Operator> operators(InMemoryDirectoryServer ds) throws Exception {
        AuditConfig config = ConfigLoader.load(config(ds));
        try (LDAPConnection c = new LDAPConnection("127.0.0.1", ds.getListenPort(), TestDirectory.BIND_DN,
                TestDirectory.PASSWORD)) {
            return new DirectoryCollector(config, Clock.systemUTC()).collect(c, n -> { }).operators();
        }
    }

    /** Primary groups count for the operators, as the server of {@code activeDirectory} expands groups. */
    private void assertPrimaryGroupsCount(boolean activeDirectory, Operator.Expansion expansion) throws Exception {
        InMemoryDirectoryServer ds = server(activeDirectory);
        List<Operator> ops;
        try {
            ops = operators(ds);
        } finally {
            ds.shutDown(true);
        }
        assertEquals(OPERATORS, ops.stream().map(Operator::name).toList());
        assertEquals(Boolean.TRUE, ops.get(0).accounts().get(0).protectedUsers(),
                "adm-frank: Protected Users is its primary group");
        assertEquals(Boolean.TRUE, ops.get(1).accounts().get(0).protectedUsers(),
                "adm-gina: its primary group Tier0 Admins is nested in Protected Users");
        Operator group = ops.get(2);
        assertEquals(expansion, group.expansion());
        Map<String, OperatorAccount> members = group.accounts().stream().collect(Collectors.toMap(
                OperatorAccount::samAccountName, a -> a));
        assertEquals(List.of("adm-bob", "adm-carol", "adm-dave", "adm-hank"), members.keySet().stream().sorted()
                .toList(), "adm-hank through its primary group, the computer WS0002 left out");
        assertEquals(Boolean.FALSE, members.get("adm-hank").protectedUsers());
        assertEquals(Boolean.TRUE, members.get("adm-bob").protectedUsers(), "still through member");
    }

    @Test
    void primaryGroupsCountWhenMembersAreReadOneByOne() throws Exception {
        assertPrimaryGroupsCount(false, Operator.Expansion.MEMBER_ATTRIBUTE);
    }

    @Test
    void primaryGroupsCountBesideTheInChainRule() throws Exception {
        assertPrimaryGroupsCount(true, Operator.Expansion.IN_CHAIN);
    }

    @Test
    void anOperatorInProtectedUsersThroughItsPrimaryGroupIsNotDelegable() throws Exception {
        InMemoryDirectoryServer ds = server(true);
        try {
            Path out = tmp.resolve("out");
            CliRun r = CliRun.run(Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD), "run", "--config",
                    config(ds).toString(), "--out", out.toString(), "--formats", "json");
            assertTrue(r.exitCode() == 0 || r.exitCode() == 3, r.toString());
            List<JsonNode> notDelegable = StreamSupport.stream(CliRun.findings(out).path("findings").spliterator(),
                    false).filter(f -> f.path("rule").asText().equals("OPERATOR_NOT_DELEGABLE")).toList();
            assertEquals(List.of("adm-bob", "adm-frank", "adm-gina"), notDelegable.stream()
                    .map(f -> f.path("host").asText()).sorted().toList(), notDelegable.toString());
            assertTrue(notDelegable.stream().allMatch(f -> f.path("evidence").path("protectedUsers").asBoolean()),
                    notDelegable.toString());
        } finally {
            ds.shutDown(true);
        }
    }
}
