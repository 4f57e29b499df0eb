package org.kcdauditor.report;

import org.kcdauditor.model.EncryptionTypes;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.remedy.Values;
import org.kcdauditor.report.RemediationPlan.HostChange;
import org.kcdauditor.report.RemediationPlan.PeerSpns;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One object the proposed change touches, as the CAB reads it: what it gains (delegation to a peer, resource-based
 * delegation from a peer in another domain, an SPN, AES, Kerberos for migrations, protocol transition) and what it
 * loses (stale entries, unconstrained delegation, a duplicate SPN, what a resource-based delegation list leaves out
 * of the descriptor), in words, from the remediation plan.
 *
 * @param name      the object's name ({@code HV02}, {@code svc-vmm})
 * @param cluster   its cluster, or empty for an object outside the clusters
 * @param directory its Active Directory object changes (false: only a setting on the host, such as Set-VMHost)
 */
public record ObjectChange(String name, String cluster, List<String> gains, List<String> loses, boolean directory) {

    /**
     * What the resource-based delegation list {@code h} sets takes away from what the host's descriptor holds today
     * ({@code hd}), in words; empty when it sets none or takes nothing away. The cmdlet replaces the descriptor, so a
     * principal allowed today that the list leaves out (a grant to every account) is lost, and so is every
     * access-denied entry (it writes allow entries only).
     */
    static List<String> rbcdLosses(HostChange h, FindingsDocument.HostDoc hd) {
        List<String> out = new ArrayList<>(0);
        if (h.rbcd().isEmpty() || hd == null) {
            return out;
        }
        java.util.Set<String> listed = new java.util.HashSet<>();
        h.rbcd().forEach(p -> listed.add(p.sid()));
        // hosts[].rbcdAllowed: "<SID>" or "<SID> (<name>)"
        List<String> dropped = (hd.rbcdAllowed() == null ? List.<String>of() : hd.rbcdAllowed()).stream()
                .filter(a -> !listed.contains(a.split(" ", 2)[0])).map(Values::visible).toList();
        String attribute = " (the list replaces msDS-AllowedToActOnBehalfOfOtherIdentity)";
        if (!dropped.isEmpty()) {
            out.add("resource-based delegation from " + String.join(", ", dropped) + attribute);
        }
        if (hd.rbcdDenied() != null && !hd.rbcdDenied().isEmpty()) {
            out.add("the access-denied entries for " + String.join(", ", hd.rbcdDenied().stream()
                    .map(Values::visible).toList()) + attribute);
        }
        return out;
    }

    /** The host documents of {@code doc} by name (lower case). */
    static Map<String, FindingsDocument.HostDoc> hostDocs(FindingsDocument doc) {
        Map<String, FindingsDocument.HostDoc> out = new java.util.HashMap<>();
        for (FindingsDocument.HostDoc h : doc.hosts() == null ? List.<FindingsDocument.HostDoc>of() : doc.hosts()) {
            if (h != null && h.name() != null) {
                out.putIfAbsent(key(h.name()), h);
            }
        }
        return out;
    }

    static List<ObjectChange> of(RemediationPlan plan, FindingsDocument doc) {
        Map<String, String> clusterOf = new java.util.HashMap<>();
        Map<String, FindingsDocument.HostDoc> hostDocs = hostDocs(doc);
        hostDocs.forEach((k, h) -> {
            if (h.cluster() != null) {
                clusterOf.put(k, h.cluster());
            }
        });
        Map<String, Building> out = new LinkedHashMap<>();
        for (HostChange h : plan.hosts()) {
            Building b = out.computeIfAbsent(key(h.name()), k -> new Building(h.name(), h.cluster()));
            b.directory = true;
            for (PeerSpns p : h.add()) {
                b.gains.add("delegation to " + Values.visibleAccount(p.peer()) + ": " + entries(p.spns()));
            }
            for (PeerSpns p : h.remove()) {
                // labelled by why it goes, as the procedure's step: "delegation to domain controller DC1 (security)"
                String removal = plan.removal(h, p);
                b.loses.add(Character.toLowerCase(removal.charAt(7)) + removal.substring(8) + ": " + entries(p.spns()));
            }
            for (String spn : h.register()) {
                b.gains.add("SPN " + Values.visibleSpn(spn) + " registered on its own account");
            }
            List<String> allowed = h.rbcd().stream().filter(x -> !x.present())
                    .map(x -> x.domain() == null || x.domain().isBlank() ? x.name() : x.name() + " (" + x.domain() + ")")
                    .toList();
            if (!allowed.isEmpty()) {
                b.gains.add("resource-based delegation from " + (allowed.size() <= 3 ? String.join(", ", allowed)
                        : String.join(", ", allowed.subList(0, 2)) + " and " + (allowed.size() - 2) + " more")
                        + " (msDS-AllowedToActOnBehalfOfOtherIdentity)");
            }
            b.loses.addAll(rbcdLosses(h, hostDocs.get(key(h.name()))));
            if (h.encryption() != null) {
                b.gains.add("AES for Kerberos (" + (h.encryption().keepsValue() ? "USE_DES_KEY_ONLY cleared;"
                        + " msDS-SupportedEncryptionTypes " + h.encryption().value() + " kept: "
                        : (h.encryption().clearDesOnly() ? "USE_DES_KEY_ONLY cleared; " : "")
                        + "msDS-SupportedEncryptionTypes " + h.encryption().value() + ": ")
                        + String.join(", ", EncryptionTypes.names(h.encryption().value())) + ")");
            }
            if (h.unconstrained()) {
                b.loses.add("unconstrained delegation (to any service)");
                b.gains.add("constrained delegation, " + h.aducProtocol());
            } else if (Boolean.TRUE.equals(h.trustedToAuth())) {
                b.gains.add("protocol transition (" + h.aducProtocol() + ")");
            } else if (Boolean.FALSE.equals(h.trustedToAuth())) {
                b.loses.add("protocol transition (now " + h.aducProtocol() + ")");
            }
        }
        for (Action.OnHost a : plan.onHosts()) {
            Building b = out.computeIfAbsent(key(a.subject()), k -> new Building(a.subject(),
                    clusterOf.getOrDefault(k, "")));
            if (a instanceof Action.ResetMachinePassword) {
                b.directory = true;
                b.gains.add("a new computer password, with AES keys (reset on the host)");
            } else if (a instanceof Action.SetMigrationAuthentication) {
                b.gains.add("Kerberos for live migration instead of CredSSP (Set-VMHost on the host)");
            } else if (a instanceof Action.EnableMigration) {
                b.gains.add("live migration enabled (on the host)");
            }
        }
        for (Action.UnregisterSpn u : plan.unregister()) {
            Building b = out.computeIfAbsent(key(u.dn()), k -> new Building(Values.visibleAccount(u.holder()), ""));
            b.directory = true;
            b.loses.add("the duplicate SPN " + Values.visibleSpn(u.spn()));
        }
        List<ObjectChange> list = new ArrayList<>();
        out.values().forEach(b -> list.add(new ObjectChange(b.name, b.cluster == null ? "" : b.cluster,
                List.copyOf(b.gains), List.copyOf(b.loses), b.directory)));
        return List.copyOf(list);
    }

    /** One entry by its value, several by their count and first value ({@link Values#visibleSpn}). */
    private static String entries(List<String> spns) {
        String first = Values.visibleSpn(spns.get(0));
        return spns.size() == 1 ? first : spns.size() + " entries (" + first + ", …)";
    }

    private static String key(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }

    private static final class Building {
        final String name;
        final String cluster;
        final List<String> gains = new ArrayList<>();
        final List<String> loses = new ArrayList<>();
        boolean directory;

        Building(String name, String cluster) {
            this.name = name;
            this.cluster = cluster;
        }
    }
}
