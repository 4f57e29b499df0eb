package org.kcdauditor.rules;

import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Spn;
import org.kcdauditor.remedy.Action;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Small helpers shared by rules (and, for {@link #hostOf}, by the reports that read the rules' evidence). */
public final class Rules {
    private Rules() {
    }

    /**
     * {@code " It matters because H10A migrates over SMB (VirtualMachineMigrationPerformanceOption SMB in its Get-VMHost
     * export vmhost.csv:2): ..."} where some of {@code pairs} need one of {@code spns} only because their source's
     * Get-VMHost export says it migrates over SMB while policy.services leaves cifs out ({@link
     * org.kcdauditor.audit.AuditContext#smbReason}: a {@code cifs/<peer>}, or the {@code HOST/<peer>} serving it); empty
     * otherwise. Each source once, in the order of {@code pairs}.
     */
    static String smbWhy(org.kcdauditor.audit.AuditContext ctx, java.util.Collection<org.kcdauditor.audit.PairStatus> pairs,
                         java.util.Collection<String> spns) {
        java.util.Set<String> reasons = new java.util.LinkedHashSet<>();
        for (org.kcdauditor.audit.PairStatus p : pairs) {
            for (String spn : spns) {
                String reason = ctx.smbReason(p, spn);
                if (reason != null) {
                    reasons.add(reason);
                    break;
                }
            }
        }
        return reasons.isEmpty() ? "" : " It matters because " + String.join("; ", reasons) + ": the VMMS of a node"
                + " migrating over SMB sends the memory of a live migration to its peer's SMB server with delegated"
                + " credentials to cifs/<peer>, which is required although policy.services leaves cifs out.";
    }

    /**
     * {@code " The attribute changed 2026-11-30 14:02:11 UTC at DC2 (version 7)."} where the directory's
     * replication metadata says so; empty otherwise (the report then says once that change times are not available).
     */
    static String changed(org.kcdauditor.model.AttributeChange c) {
        return c == null ? "" : " " + c.attribute() + " " + c.describe() + ".";
    }

    /**
     * The host an SPN names, as a finding's peer: its host part without port, without the rest of a DNS name (a
     * trailing dot included), upper case; null for a value with no {@code service/host} shape.
     */
    public static String hostOf(String spn) {
        Spn s = Spn.parse(spn);
        if (s == null) {
            return null;
        }
        String h = s.host();
        int colon = h.indexOf(':');
        h = colon >= 0 ? h.substring(0, colon) : h;
        int dot = h.indexOf('.');
        return (dot > 0 ? h.substring(0, dot) : h).toUpperCase(Locale.ROOT);
    }

    /**
     * The objects holding {@code spn}, each with the value exactly as it stores it (case, trailing dot,
     * third part): what {@code setspn -D} and the removal need.
     */
    static List<Evidence.Holder> holders(List<AdObject> owners, String spn) {
        return holders(owners, spn, o -> null);
    }

    /** {@link #holders(List, String)}, each with the DNS domain {@code domain} gives (null: none said). */
    static List<Evidence.Holder> holders(List<AdObject> owners, String spn,
                                         java.util.function.Function<AdObject, String> domain) {
        // the whole SPN, as the KDC compares it: a value with another third part is another SPN, not a holder
        String key = Spn.wholeKeyOf(spn);
        List<Evidence.Holder> out = new ArrayList<>();
        for (AdObject o : owners) {
            for (String stored : o.spns()) {
                if (Spn.wholeKeyOf(stored).equals(key)) {
                    out.add(new Evidence.Holder(o.name(), o.samAccountName(), o.dn(), stored, domain.apply(o)));
                }
            }
        }
        return out;
    }

    /** Removing the SPN from each of {@code holders}, with the domain of one in another domain than the host's. */
    static List<Action> unregister(List<Evidence.Holder> holders) {
        return holders.stream().<Action>map(h -> new Action.UnregisterSpn(h.name(), h.samAccountName(), h.dn(),
                h.stored(), h.domain())).toList();
    }
}
