#!/usr/bin/env python3
"""Writes an AD-shaped LDIF for the kcd-auditor benchmark, and the matching kcd-audit config.

N Hyper-V hosts in clusters (always one 64-node cluster when N >= 64; the rest cycle through
--cluster-sizes), M unrelated computers (workstations with HOST SPNs), a few service accounts that
register SPNs, and about 2 % drift on the hosts:
  missing-entry      one msDS-AllowedToDelegateTo value removed
  missing-direction  every value naming one peer removed (A -> B gone, B -> A intact)
  stale-entry        values naming a host that no longer exists (HV9xxxx)
  unconstrained      userAccountControl |= 0x80000 (TRUSTED_FOR_DELEGATION)
plus, independent of those, a handful of RBCD descriptors and duplicate HOST SPNs.

Stdlib only. Deterministic for a given --seed. Also writes <out>.manifest.json with the counts
(hosts, others, clusters, drift by kind, total entries) so the runner can check the tool saw
every object.

Usage: gen_ldif.py --hosts 20000 --others 80000 --ldif data.ldif --config kcd-audit.yaml \
         --url ldap://127.0.0.1:3890 --bind-dn CN=svc-kcdaudit,OU=Service Accounts,DC=contoso,DC=com
"""
import argparse
import base64
import json
import random
import struct
import sys

BASE = "DC=contoso,DC=com"
DOMAIN = "contoso.com"
DOMAIN_SID = (21, 1004336348, 1177238915, 682003330)  # S-1-5-21-a-b-c
MVSMS = "Microsoft Virtual System Migration Service"
UAC_WORKSTATION_TRUST = 0x1000
UAC_TRUSTED_TO_AUTH = 0x1000000
UAC_TRUSTED_FOR_DELEGATION = 0x80000
SERVER_OS = [("Windows Server 2022 Datacenter", "10.0 (20348)"),
             ("Windows Server 2019 Datacenter", "10.0 (17763)"),
             ("Windows Server 2025 Datacenter", "10.0 (26100)")]
CLIENT_OS = [("Windows 11 Enterprise", "10.0 (22631)"), ("Windows 10 Enterprise", "10.0 (19045)")]


def sid_bytes(rid, authority=5, subs=DOMAIN_SID):
    parts = list(subs) + [rid]
    return struct.pack("<BB", 1, len(parts)) + struct.pack(">Q", authority)[2:] + struct.pack("<%dI" % len(parts), *parts)


def rbcd_descriptor(allowed_rids):
    """Self-relative security descriptor: owner BUILTIN\\Administrators, DACL allowing each SID."""
    owner = struct.pack("<BB", 1, 2) + struct.pack(">Q", 5)[2:] + struct.pack("<II", 32, 544)
    aces = b""
    for rid in allowed_rids:
        sid = sid_bytes(rid)
        aces += struct.pack("<BBHI", 0x00, 0x00, 8 + len(sid), 0x000F01FF) + sid
    dacl = struct.pack("<BBHHH", 4, 0, 8 + len(aces), len(allowed_rids), 0) + aces
    header_len = 20
    off_owner = header_len
    off_dacl = off_owner + len(owner)
    header = struct.pack("<BBHIIII", 1, 0, 0x8004, off_owner, 0, 0, off_dacl)
    return header + owner + dacl


def b64(data):
    return base64.b64encode(data).decode("ascii")


def filetime(epoch_seconds):
    return (int(epoch_seconds) + 11644473600) * 10_000_000


# The delegation attributes first, then others an AD computer object carries metadata for.
META_ATTRS = ["msDS-AllowedToDelegateTo", "userAccountControl", "servicePrincipalName",
              "msDS-SupportedEncryptionTypes", "msDS-AllowedToActOnBehalfOfOtherIdentity", "objectClass", "cn",
              "description", "instanceType", "whenCreated", "displayName", "nTSecurityDescriptor", "name",
              "codePage", "countryCode", "dBCSPwd", "localPolicyFlags", "unicodePwd", "ntPwdHistory", "pwdLastSet",
              "primaryGroupID", "supplementalCredentials", "objectSid", "accountExpires", "lmPwdHistory",
              "sAMAccountName", "sAMAccountType", "operatingSystem", "operatingSystemVersion", "dNSHostName",
              "objectCategory", "isCriticalSystemObject", "lastLogonTimestamp", "msDS-KeyCredentialLink",
              "ms-Mcs-AdmPwdExpirationTime", "msDS-SupportedEncryptionTypes2", "userCertificate", "location",
              "managedBy", "netbootSCPBL"]


def repl_meta(rid, n):
    """n msDS-ReplAttributeMetaData values as AD returns them: XML per attribute, then a NUL."""
    out = []
    for i, attr in enumerate((META_ATTRS * (n // len(META_ATTRS) + 1))[:n]):
        version = 1 + (rid + i) % 9
        out.append((("<DS_REPL_ATTR_META_DATA>\n\t<pszAttributeName>%s</pszAttributeName>\n"
                    "\t<dwVersion>%d</dwVersion>\n\t<ftimeLastOriginatingChange>2026-%02d-%02dT%02d:%02d:11Z"
                    "</ftimeLastOriginatingChange>\n\t<uuidLastOriginatingDsaInvocationID>"
                    "5a3c1e0f-2b7d-4e8a-9c0f-%012x</uuidLastOriginatingDsaInvocationID>\n"
                    "\t<usnOriginatingChange>%d</usnOriginatingChange>\n\t<usnLocalChange>%d</usnLocalChange>\n"
                    "\t<pszLastOriginatingDsaDN>CN=NTDS Settings,CN=DC%d,CN=Servers,CN=Default-First-Site-Name,"
                    "CN=Sites,CN=Configuration,%s</pszLastOriginatingDsaDN>\n</DS_REPL_ATTR_META_DATA>\n\0")
                   % (attr, version, 1 + i % 12, 1 + rid % 28, rid % 24, i % 60, rid, 40000 + rid, 40000 + rid,
                      1 + rid % 3, BASE)).encode())
    return out


# ATTRTYPs of the delegation attributes (prefix 9 = 1.2.840.113556.1.4), then filler ids for the others.
META_ATTIDS = [0x000906FB, 0x00090008, 0x00090303, 0x000907AB, 0x00090886]


def repl_blob(rid, n):
    """replPropertyMetaDataBlob (MS-DRSR 5.166): version 1, count, then 48-byte entries."""
    ids = (META_ATTIDS + [0x00020000 + i for i in range(n)])[:n]
    body = b"".join(struct.pack("<IIQ16sQQ", attid, 1 + (rid + i) % 9,
                                13_400_000_000 + rid * 60 + i, bytes(range(16)), 40000 + rid, 40000 + rid)
                    for i, attid in enumerate(ids))
    return struct.pack("<IIII", 1, 0, len(ids), 0) + body


def plan_clusters(n_hosts, sizes):
    """Cluster sizes adding up to n_hosts: one 64-node cluster first, then the cycle."""
    out = []
    left = n_hosts
    if left >= 64:
        out.append(64)
        left -= 64
    i = 0
    while left > 0:
        s = sizes[i % len(sizes)]
        i += 1
        if s >= left or left - s < 2:
            s = left
        out.append(s)
        left -= s
    if len(out) > 1 and out[-1] < 2:
        out[-2] += out.pop()
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hosts", type=int, required=True)
    ap.add_argument("--others", type=int, default=None, help="unrelated computers (default 4 x hosts)")
    ap.add_argument("--cluster-sizes", default="4,8,16,16,32,8,2,16")
    ap.add_argument("--drift", type=float, default=0.02, help="fraction of hosts with drift")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--ldif", required=True)
    ap.add_argument("--config", required=True)
    ap.add_argument("--url", default="ldap://127.0.0.1:3890")
    ap.add_argument("--bind-dn", default="CN=svc-kcdaudit,OU=Service Accounts," + BASE)
    ap.add_argument("--bind-password", default="bench-Pa55word")
    ap.add_argument("--password-env", default="KCD_AUDIT_LDAP_PASSWORD")
    ap.add_argument("--page-size", type=int, default=1000)
    ap.add_argument("--repl-meta", type=int, default=0,
                    help="msDS-ReplAttributeMetaData values per Hyper-V host, as AD returns them (an AD computer "
                         "object has about 40); 0: none, like a server that keeps no metadata")
    ap.add_argument("--repl-meta-form", choices=["xml", "binary"], default="xml",
                    help="xml: msDS-ReplAttributeMetaData as AD constructs it; binary: replPropertyMetaData, the"
                         " blob it is built from (what Samba returns, a tenth of the size)")
    a = ap.parse_args(argv)
    others = 4 * a.hosts if a.others is None else a.others
    rnd = random.Random(a.seed)
    sizes = [int(x) for x in a.cluster_sizes.split(",") if x.strip()]
    clusters = plan_clusters(a.hosts, sizes)

    # --- hosts and their intended delegation -------------------------------------------------
    hosts = []  # dicts
    cluster_nodes = []
    n = 0
    for ci, size in enumerate(clusters, start=1):
        cname = "C%04d" % ci
        pt = rnd.random() < 0.5  # protocol transition per cluster; policy 'either' accepts both
        os_name, os_ver = SERVER_OS[rnd.randrange(len(SERVER_OS))]
        names = []
        for _ in range(size):
            n += 1
            names.append("HV%05d" % n)
        cluster_nodes.append((cname, names))
        for name in names:
            deleg = []
            for peer in names:
                if peer == name:
                    continue
                fq = peer.lower() + "." + DOMAIN
                deleg += [MVSMS + "/" + peer, MVSMS + "/" + fq, "cifs/" + peer, "cifs/" + fq]
            hosts.append({"name": name, "cluster": cname, "peers": [p for p in names if p != name],
                          "uac": UAC_WORKSTATION_TRUST | (UAC_TRUSTED_TO_AUTH if pt else 0),
                          "deleg": deleg, "os": (os_name, os_ver), "rbcd": None, "rid": 10000 + int(name[2:])})

    # --- drift ---------------------------------------------------------------------------------
    drift = {"missing-entry": 0, "missing-direction": 0, "stale-entry": 0, "unconstrained": 0,
             "rbcd": 0, "duplicate-spn": 0}
    k = max(1, round(a.hosts * a.drift)) if a.hosts else 0
    for h in rnd.sample(hosts, min(k, len(hosts))):
        r = rnd.random()
        if r < 0.35 and h["deleg"]:
            h["deleg"].pop(rnd.randrange(len(h["deleg"])))
            drift["missing-entry"] += 1
        elif r < 0.60 and h["peers"]:
            peer = rnd.choice(h["peers"])
            fq = peer.lower() + "." + DOMAIN
            gone = {MVSMS + "/" + peer, MVSMS + "/" + fq, "cifs/" + peer, "cifs/" + fq}
            h["deleg"] = [v for v in h["deleg"] if v not in gone]
            drift["missing-direction"] += 1
        elif r < 0.85:
            old = "HV9%04d" % rnd.randrange(10000)
            h["deleg"] += [MVSMS + "/" + old, "cifs/" + old.lower() + "." + DOMAIN]
            drift["stale-entry"] += 1
        else:
            h["uac"] |= UAC_TRUSTED_FOR_DELEGATION
            drift["unconstrained"] += 1
    for h in rnd.sample(hosts, min(len(hosts), max(1, a.hosts // 1000))):
        h["rbcd"] = rbcd_descriptor([h["rid"] + 1, 500 + rnd.randrange(50)])
        drift["rbcd"] += 1
    dup_targets = rnd.sample(hosts, min(len(hosts), max(1, a.hosts // 5000))) if hosts else []

    # --- LDIF ------------------------------------------------------------------------------------
    entries = 0
    now = 1795000000  # fixed: 2026-11-18, keeps the LDIF deterministic
    with open(a.ldif, "w", encoding="utf-8", newline="\n") as f:
        w = f.write

        def ou(dn, name):
            nonlocal entries
            w("dn: %s\nobjectClass: top\nobjectClass: organizationalUnit\nou: %s\n\n" % (dn, name))
            entries += 1

        w("dn: %s\nobjectClass: top\nobjectClass: dcObject\nobjectClass: organization\ndc: contoso\no: Contoso\n\n" % BASE)
        entries += 1
        ou("OU=Servers," + BASE, "Servers")
        ou("OU=Hyper-V,OU=Servers," + BASE, "Hyper-V")
        ou("OU=Workstations," + BASE, "Workstations")
        ou("OU=Service Accounts," + BASE, "Service Accounts")
        # the non-admin account the audit and ldapsearch bind as (AD-like 1000-entry limits apply)
        w("dn: %s\nobjectClass: top\nobjectClass: person\ncn: %s\nsn: kcdaudit\nuserPassword: %s\n\n"
          % (a.bind_dn, a.bind_dn.split(",")[0].split("=", 1)[1], a.bind_password))
        entries += 1

        def computer(dn, name, uac, spns, deleg, os_pair, rid, rbcd=None, meta=False):
            nonlocal entries
            fq = name.lower() + "." + DOMAIN
            out = ["dn: " + dn, "objectClass: top", "objectClass: user", "objectClass: computer",
                   "cn: " + name, "sAMAccountName: " + name + "$", "dNSHostName: " + fq,
                   "userAccountControl: %d" % uac]
            out += ["servicePrincipalName: " + s for s in spns]
            out += ["msDS-AllowedToDelegateTo: " + d for d in deleg]
            if rbcd is not None:
                out.append("msDS-AllowedToActOnBehalfOfOtherIdentity:: " + b64(rbcd))
            if meta and a.repl_meta_form == "binary":
                out.append("replPropertyMetaData:: " + b64(repl_blob(rid, a.repl_meta)))
            elif meta:
                out += ["msDS-ReplAttributeMetaData:: " + b64(v) for v in repl_meta(rid, a.repl_meta)]
            out += ["objectSid:: " + b64(sid_bytes(rid)),
                    "operatingSystem: " + os_pair[0], "operatingSystemVersion: " + os_pair[1],
                    "whenChanged: " + "20261101%02d%02d00.0Z" % (rid % 24, rid % 60),
                    "uSNChanged: %d" % (100000 + rid),
                    "lastLogonTimestamp: %d" % filetime(now - (rid % 14) * 86400),
                    # Windows writes 0x1C at join; machine passwords change every 30 days
                    "msDS-SupportedEncryptionTypes: 28",
                    "pwdLastSet: %d" % filetime(now - (rid % 30) * 86400),
                    # AD sets it on every account: "never" unless an expiry is set
                    "accountExpires: 9223372036854775807"]
            w("\n".join(out) + "\n\n")
            entries += 1

        for cname, names in cluster_nodes:
            ou("OU=%s,OU=Hyper-V,OU=Servers,%s" % (cname, BASE), cname)
        for h in hosts:
            name = h["name"]
            fq = name.lower() + "." + DOMAIN
            spns = ["HOST/" + name, "HOST/" + fq, MVSMS + "/" + name, MVSMS + "/" + fq,
                    "RestrictedKrbHost/" + name, "RestrictedKrbHost/" + fq]
            computer("CN=%s,OU=%s,OU=Hyper-V,OU=Servers,%s" % (name, h["cluster"], BASE), name, h["uac"], spns,
                     h["deleg"], h["os"], h["rid"], h["rbcd"], meta=a.repl_meta > 0)
        for i in range(1, others + 1):
            name = "WS%06d" % i
            fq = name.lower() + "." + DOMAIN
            spns = ["HOST/" + name, "HOST/" + fq, "RestrictedKrbHost/" + name, "RestrictedKrbHost/" + fq]
            if i <= len(dup_targets):  # a workstation that also claims a Hyper-V host's SPN
                spns.append("HOST/" + dup_targets[i - 1]["name"])
                drift["duplicate-spn"] += 1
            computer("CN=%s,OU=Workstations,%s" % (name, BASE), name, UAC_WORKSTATION_TRUST, spns, [],
                     CLIENT_OS[i % 2], 200000 + i)
        # a few service accounts that register SPNs (the collector's servicePrincipalName=* branch)
        n_svc = max(2, (a.hosts + others) // 10000)
        for i in range(1, n_svc + 1):
            name = "svc-sql%03d" % i
            w("dn: CN=%s,OU=Service Accounts,%s\nobjectClass: top\nobjectClass: user\ncn: %s\n"
              "sAMAccountName: %s\nuserAccountControl: 66048\nservicePrincipalName: MSSQLSvc/sql%03d.%s:1433\n"
              "objectSid:: %s\n\n" % (name, BASE, name, name, i, DOMAIN, b64(sid_bytes(900000 + i))))
            entries += 1

    # --- config ----------------------------------------------------------------------------------
    with open(a.config, "w", encoding="utf-8", newline="\n") as f:
        f.write("# generated by scripts/bench/gen_ldif.py --hosts %d --others %d --seed %d\n" % (a.hosts, others, a.seed))
        f.write("directory:\n  url: %s\n  startTls: false\n  bindDn: \"%s\"\n  passwordEnv: %s\n"
                "  baseDn: \"%s\"\n  allowInsecureBind: true\n  pageSize: %d\n  timeoutSeconds: 60\n"
                % (a.url, a.bind_dn, a.password_env, BASE, a.page_size))
        f.write("policy:\n  services: [\"%s\", cifs]\n  nameForms: [netbios, fqdn]\n  protocolTransition: either\n" % MVSMS)
        f.write("clusters:\n")
        for cname, names in cluster_nodes:
            f.write("  - name: %s\n    nodes: [%s]\n" % (cname, ", ".join(names)))

    n_search = a.hosts + others + n_svc  # objects matched by (|(objectClass=computer)(servicePrincipalName=*))
    manifest = {"hosts": a.hosts, "others": others, "serviceAccounts": n_svc, "clusters": len(clusters),
                "largestCluster": max(clusters) if clusters else 0, "clusterSizes": sorted(set(clusters)),
                "delegationValues": sum(len(h["deleg"]) for h in hosts), "drift": drift,
                "ldifEntries": entries, "searchEntries": n_search, "seed": a.seed}
    with open(a.ldif + ".manifest.json", "w") as f:
        json.dump(manifest, f, indent=2)
    json.dump(manifest, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
