package org.kcdauditor.support;

import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Uac;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Builds AD-shaped objects for pure rule tests: a Hyper-V host with its usual SPNs, fluent edits. */
public final class Hosts {
    public static final String MIG = "Microsoft Virtual System Migration Service";
    public static final String DOMAIN = "contoso.com";
    public static final String DOMAIN_SID = "S-1-5-21-1-2-3";

    private String dn;
    private String cn;
    private String sam;
    private String dns;
    private int uac = Uac.WORKSTATION_TRUST_ACCOUNT | Uac.TRUSTED_TO_AUTH_FOR_DELEGATION;
    private final List<String> spns = new ArrayList<>();
    private final List<String> delegateTo = new ArrayList<>();
    private List<String> rbcd = null;
    private String sid;
    private String os = "Windows Server 2022 Datacenter";
    private String osVersion = "10.0 (20348)";
    private Integer encryptionTypes;
    private Instant pwdLastSet;
    private Instant accountExpires;
    private static int nextRid = 1000;

    public static Hosts host(String name) {
        Hosts h = new Hosts();
        h.cn = name;
        h.sam = name;
        h.dn = "CN=" + name + ",OU=Hyper-V,DC=contoso,DC=com";
        h.dns = fqdn(name);
        h.sid = DOMAIN_SID + "-" + (nextRid++);
        for (String s : List.of("HOST", MIG)) {
            h.spns.add(s + "/" + name);
            h.spns.add(s + "/" + fqdn(name));
        }
        return h;
    }

    public static String fqdn(String name) {
        return name.toLowerCase(Locale.ROOT) + "." + DOMAIN;
    }

    /** Full delegation (both services, both forms) to each peer. */
    public Hosts delegatesTo(String... peers) {
        for (String p : peers) {
            for (String s : List.of(MIG, "cifs")) {
                delegateTo.add(s + "/" + p);
                delegateTo.add(s + "/" + fqdn(p));
            }
        }
        return this;
    }

    public Hosts entry(String spn) {
        delegateTo.add(spn);
        return this;
    }

    public Hosts without(String spn) {
        delegateTo.remove(spn);
        return this;
    }

    public Hosts withoutSpn(String spn) {
        spns.remove(spn);
        return this;
    }

    public Hosts spn(String spn) {
        spns.add(spn);
        return this;
    }

    /** The sAMAccountName without its {@code $}: another name than the cn (a pre-staged or renamed account). */
    public Hosts sam(String value) {
        sam = value;
        return this;
    }

    /** The cn changed (a rename in ADUC) while the sAMAccountName, the NetBIOS name, stays. */
    public Hosts cn(String value) {
        cn = value;
        return this;
    }

    public Hosts uac(int value) {
        uac = value;
        return this;
    }

    /** dNSHostName as stored (any text, e.g. a hostile value). */
    public Hosts dns(String value) {
        dns = value;
        return this;
    }

    public Hosts noDns() {
        dns = null;
        return this;
    }

    public Hosts dn(String value) {
        dn = value;
        return this;
    }

    public Hosts os(String name, String version) {
        os = name;
        osVersion = version;
        return this;
    }

    /** msDS-SupportedEncryptionTypes (null: absent). */
    public Hosts encryptionTypes(Integer value) {
        encryptionTypes = value;
        return this;
    }

    public Hosts pwdLastSet(Instant value) {
        pwdLastSet = value;
        return this;
    }

    public Hosts accountExpires(Instant value) {
        accountExpires = value;
        return this;
    }

    public Hosts rbcdFrom(String... sids) {
        rbcd = List.of(sids);
        return this;
    }

    public String sid() {
        return sid;
    }

    public AdObject build() {
        return new AdObject(dn, cn, sam + "$", dns, uac, spns, delegateTo, rbcd != null,
                rbcd == null ? List.of() : rbcd, sid, os, osVersion, null, 1, null, encryptionTypes, pwdLastSet,
                List.of(), accountExpires);
    }

    /** A user account (service account) registering SPNs. */
    public static AdObject user(String name, String... spns) {
        return new AdObject("CN=" + name + ",CN=Users,DC=contoso,DC=com", name, name, null, 0x200, List.of(spns),
                List.of(), false, List.of(), DOMAIN_SID + "-" + (nextRid++), null, null, null, 1, null);
    }
}
