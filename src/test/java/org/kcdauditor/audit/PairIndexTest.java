package org.kcdauditor.audit;

import org.junit.jupiter.api.Test;
import org.kcdauditor.config.ClusterConfig;
import org.kcdauditor.config.PolicyConfig;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.HostSettings;
import org.kcdauditor.model.Snapshot;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kcdauditor.support.Hosts.host;

/**
 * {@link AuditContext#pairsFrom} and {@link AuditContext#pairsTo} hold exactly the pairs of {@link AuditContext#pairs}
 * from and into each host, in its order: each source's pairs are a view of the run of the pair list they form.
 */
class PairIndexTest {
    private static final Instant NOW = Instant.parse("2026-12-06T00:00:00Z");

    /** Two clusters in one migration group (pairs across them), a file server, a node missing and an object that is no node. */
    private static AuditContext context(AuditInputs inputs) {
        List<AdObject> objects = List.of(
                host("HV01").delegatesTo("HV02", "HV11").build(), host("HV02").delegatesTo("HV01").build(),
                host("HV11").delegatesTo("HV01", "HV02", "HV12").build(), host("HV12").build(),
                host("HV21").delegatesTo("HV22").entry("cifs/NAS01").build(), host("HV22").build(),
                host("NAS01").build(), host("WS01").build());
        List<ClusterConfig> clusters = List.of(new ClusterConfig("A", List.of("HV02", "HV01"), null, null),
                new ClusterConfig("B", List.of("HV11", "HV12", "HV13"), null, null),
                new ClusterConfig("C", List.of("HV21", "HV22"), null, List.of("NAS01")));
        PolicyConfig grouped = new PolicyConfig(null, null, null, List.of(List.of("A", "B")));
        return new AuditContext(new Snapshot(NOW, "ldap://test", "DC=contoso,DC=com", objects), clusters, grouped,
                inputs);
    }

    private static void assertIndexed(AuditContext ctx) {
        int from = 0;
        int to = 0;
        for (AdObject o : ctx.snapshot().objects()) {
            List<PairStatus> out = ctx.pairs().stream().filter(p -> p.source() == o).toList();
            List<PairStatus> in = ctx.pairs().stream().filter(p -> p.target() == o).toList();
            assertEquals(out.size(), ctx.pairsFrom(o).size(), o.name());
            for (int i = 0; i < out.size(); i++) {
                assertSame(out.get(i), ctx.pairsFrom(o).get(i), o.name() + " pair " + i);
            }
            assertEquals(in.size(), ctx.pairsTo(o).size(), o.name());
            for (int i = 0; i < in.size(); i++) {
                assertSame(in.get(i), ctx.pairsTo(o).get(i), o.name() + " pair " + i);
            }
            from += out.size();
            to += in.size();
        }
        assertEquals(ctx.pairs().size(), from);
        assertEquals(ctx.pairs().size(), to);
    }

    @Test
    void eachHostsPairsAreThoseOfThePairListFromAndIntoIt() {
        AuditContext ctx = context(AuditInputs.none(NOW));
        // A and B are one group of four nodes (HV13 not found): 4 x 3; C: HV21 and HV22 each to the other and NAS01
        assertEquals(16, ctx.pairs().size());
        assertIndexed(ctx);
        AdObject hv01 = ctx.computer("HV01");
        assertEquals(List.of("HV02", "HV11", "HV12"), ctx.pairsFrom(hv01).stream().map(p -> p.target().name()).toList());
        assertEquals(List.of(), ctx.pairsFrom(ctx.computer("NAS01")));
        assertEquals(List.of("HV21", "HV22"), ctx.pairsTo(ctx.computer("NAS01")).stream()
                .map(p -> p.source().name()).toList());
        assertEquals(List.of(), ctx.pairsFrom(ctx.computer("WS01")));
        assertEquals(List.of(), ctx.pairsTo(ctx.computer("WS01")));
    }

    @Test
    void theIndexFollowsThePairsThatHostSettingsBlock() {
        // host settings give the pairs blockers of their own: a new pair list, indexed again
        HostSettings credSsp = new HostSettings("HV11", true, HostSettings.MigrationAuthentication.CREDSSP, "CredSSP",
                null, null, "hosts.csv:2");
        AuditInputs inputs = new AuditInputs(NOW, null, null, List.of(), false, null, List.of(), false,
                List.of(credSsp), true);
        for (AuditContext ctx : List.of(context(inputs), context(AuditInputs.none(NOW)).withInputs(inputs))) {
            assertIndexed(ctx);
            AdObject hv11 = ctx.computer("HV11");
            assertTrue(ctx.pairsFrom(hv11).stream().allMatch(p -> !p.blockers().isEmpty()), "CredSSP blocks them");
            assertEquals(3, ctx.pairsFrom(hv11).size());
        }
    }
}
