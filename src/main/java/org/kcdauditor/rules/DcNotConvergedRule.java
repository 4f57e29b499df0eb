package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.ResolvedCluster;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.DcRead;
import org.kcdauditor.model.DirectoryPart;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.Spn;
import org.kcdauditor.model.Uac;
import org.kcdauditor.remedy.Action;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * DC_NOT_CONVERGED: another domain controller of the domain holds different delegation attributes for a node than
 * the DC the audit read ({@code preflight --all-dcs}). A change takes effect where the hosts' DCs have it: until
 * replication has converged, hosts that authenticate against that DC still fail. One finding per DC, host and
 * attribute, with the values on both sides.
 */
public final class DcNotConvergedRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("DC_NOT_CONVERGED", Severity.HIGH, Category.REPLICATION,
            "A domain controller has not replicated a host's delegation yet",
            "`preflight --all-dcs`: a domain controller holds another `msDS-AllowedToDelegateTo`,"
                    + " `userAccountControl`, `servicePrincipalName`, `msDS-AllowedToActOnBehalfOfOtherIdentity` or"
                    + " `msDS-SupportedEncryptionTypes` for a node than the DC the audit read (or not the node at all)"
                    + " — one finding per DC, host and attribute",
            "A host asks the KDC of its own site's DC for tickets. A delegation change made on one DC takes effect"
                    + " there only after replication (other sites: at the next scheduled replication, by default"
                    + " every 180 minutes), so a GO given right after the change can be followed by failed"
                    + " migrations from hosts whose DC has not replicated yet.",
            "Microsoft Learn: repadmin /syncall, repadmin /showrepl; Active Directory replication concepts");

    /** The attributes compared, each with how one DC's copy is shown. */
    private static final Map<String, Function<AdObject, List<String>>> ATTRIBUTES = attributes();

    private static Map<String, Function<AdObject, List<String>>> attributes() {
        Map<String, Function<AdObject, List<String>>> m = new java.util.LinkedHashMap<>();
        m.put("msDS-AllowedToDelegateTo", AdObject::delegateTo);
        m.put("userAccountControl", o -> List.of(uac(o.userAccountControl())));
        m.put("servicePrincipalName", AdObject::spns);
        m.put("msDS-AllowedToActOnBehalfOfOtherIdentity", o -> o.rbcdPresent() ? o.rbcdSids() : List.of());
        m.put("msDS-SupportedEncryptionTypes", o -> o.supportedEncryptionTypes() == null ? List.of()
                : List.of(String.valueOf(o.supportedEncryptionTypes())));
        return m;
    }

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        Map<String, AdObject> byDn = null;
        for (DirectoryPart part : ctx.snapshot().directories()) {
            for (DcRead dc : part.domainControllers()) {
                if (dc.audited() || !dc.reachable()) {
                    continue;
                }
                if (byDn == null) {
                    byDn = checked(ctx);
                }
                String audited = part.dc() != null ? part.dc() : part.url();
                for (String dn : dc.missing()) {
                    AdObject node = byDn.get(dn.toLowerCase(Locale.ROOT));
                    if (node != null) {
                        emit(ctx, out, dc, audited, node, "object", List.of(node.dn()), List.of(),
                                dc.name() + " does not hold " + node.name() + " at all, which " + audited
                                        + " (the DC the audit read) does: the computer object has not replicated there"
                                        + " yet.");
                    }
                }
                for (AdObject theirs : dc.objects()) {
                    AdObject ours = byDn.get(theirs.dn().toLowerCase(Locale.ROOT));
                    if (ours == null) {
                        continue;
                    }
                    ATTRIBUTES.forEach((attribute, values) -> {
                        List<String> here = values.apply(ours);
                        List<String> there = values.apply(theirs);
                        if (!same(attribute, here, there)) {
                            emit(ctx, out, dc, audited, ours, attribute, here, there, describe(dc.name(), audited,
                                    ours.name(), attribute, here, there));
                        }
                    });
                }
            }
        }
    }

    private static void emit(AuditContext ctx, FindingSink out, DcRead dc, String audited, AdObject node,
                             String attribute, List<String> expected, List<String> actual, String message) {
        out.add(INFO).cluster(clusterOf(ctx, node)).host(node.name()).idSpn(dc.name() + "/" + attribute)
                .evidence(Evidence.builder().dc(dc.name()).auditedDc(audited).attribute(attribute).expected(expected)
                        .actual(actual).build())
                .message(message)
                .action(new Action.Manual("Wait for replication, or push it now, and run the preflight with --all-dcs"
                        + " again before patching: hosts that authenticate against " + dc.name() + " still see the"
                        + " old values.", List.of(new Action.Replicate(audited, dc.name()))))
                .emit();
    }

    /** The objects a DC check reads: cluster nodes and file servers, by lower-case DN. */
    private static Map<String, AdObject> checked(AuditContext ctx) {
        Map<String, AdObject> out = new HashMap<>();
        for (ResolvedCluster c : ctx.clusters()) {
            for (AdObject o : c.nodes()) {
                out.putIfAbsent(o.dn().toLowerCase(Locale.ROOT), o);
            }
            for (AdObject o : c.fileServers()) {
                out.putIfAbsent(o.dn().toLowerCase(Locale.ROOT), o);
            }
        }
        return out;
    }

    private static String clusterOf(AuditContext ctx, AdObject o) {
        ResolvedCluster c = ctx.clusterOf(o);
        if (c != null) {
            return c.name();
        }
        for (ResolvedCluster rc : ctx.clusters()) {
            if (rc.fileServers().contains(o)) {
                return rc.name();
            }
        }
        return null;
    }

    /** Multi-valued attributes compare as sets (SPNs in normal form, case-insensitive). */
    private static boolean same(String attribute, List<String> a, List<String> b) {
        return keys(attribute, a).equals(keys(attribute, b));
    }

    private static Set<String> keys(String attribute, List<String> values) {
        Set<String> out = new LinkedHashSet<>();
        for (String v : values) {
            if (v != null) {
                out.add(attribute.startsWith("msDS-AllowedToDelegateTo") || attribute.equals("servicePrincipalName")
                        ? Spn.keyOf(v) : v.toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    static String describe(String dc, String audited, String host, String attribute, List<String> here,
                           List<String> there) {
        String lead = dc + " and " + audited + " (the DC the audit read) disagree on " + host + "'s " + attribute + ": ";
        if (attribute.equals("userAccountControl") || attribute.equals("msDS-SupportedEncryptionTypes")) {
            return lead + audited + " holds " + shown(here) + ", " + dc + " " + shown(there) + ".";
        }
        List<String> lacks = difference(attribute, here, there);
        List<String> extra = difference(attribute, there, here);
        List<String> parts = new ArrayList<>();
        if (!lacks.isEmpty()) {
            parts.add(dc + " lacks " + String.join(", ", lacks));
        }
        if (!extra.isEmpty()) {
            parts.add(dc + " still holds " + String.join(", ", extra));
        }
        return lead + String.join("; ", parts) + ".";
    }

    private static List<String> difference(String attribute, List<String> a, List<String> b) {
        Set<String> other = keys(attribute, b);
        List<String> out = new ArrayList<>();
        for (String v : a) {
            if (v != null && !other.contains(keys(attribute, List.of(v)).iterator().next())) {
                out.add(v);
            }
        }
        return out;
    }

    private static String shown(List<String> values) {
        return values.isEmpty() ? "no value" : String.join(", ", values);
    }

    private static String uac(int value) {
        return String.format(Locale.ROOT, "0x%X (%s)", value, String.join(", ", Uac.flagNames(value)));
    }
}
