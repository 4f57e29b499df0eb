#!/usr/bin/env python3
"""Writes config/demo/contoso.ldif: the demo directory for `kcd-audit demo`.

Two Hyper-V clusters of contoso.com with the drift administrators meet in practice, plus a few
hundred unrelated computers and service accounts. Run it again after changing the scenario:
    python3 scripts/demo/gen-contoso-ldif.py > config/demo/contoso.ldif
Binary values (objectSid, the RBCD security descriptor) are built exactly as AD stores them.
"""
import base64
import calendar
import struct

DOMAIN_SID = "S-1-5-21-3623811015-3361044348-30300820"
BASE = "DC=contoso,DC=com"
MIG = "Microsoft Virtual System Migration Service"
WS2019 = ("Windows Server 2019 Datacenter", "10.0 (17763)")
WS2022 = ("Windows Server 2022 Datacenter", "10.0 (20348)")
WORKSTATION, DISABLED, UNCONSTRAINED, PROTOCOL_TRANSITION = 0x1000, 0x2, 0x80000, 0x1000000
NORMAL_ACCOUNT = 0x200
# msDS-SupportedEncryptionTypes as Windows writes it at join: RC4 | AES128 | AES256
WINDOWS_ENC_TYPES = 0x1C
RC4_ONLY = 0x4


def filetime(iso):
    """AD's large-integer time (pwdLastSet): 100 ns ticks since 1601-01-01, from YYYY-MM-DD."""
    y, m, d = (int(x) for x in iso.split("-"))
    return str((calendar.timegm((y, m, d, 0, 0, 0)) + 11644473600) * 10_000_000)


# Machine passwords change every 30 days: every account's password is recent unless a scenario says otherwise.
RECENT_PASSWORD = filetime("2026-10-20")


def sid_bytes(sid):
    parts = sid.split("-")
    subs = [int(p) for p in parts[3:]]
    return struct.pack("<BB", int(parts[1]), len(subs)) + int(parts[2]).to_bytes(6, "big") + b"".join(
        struct.pack("<I", s) for s in subs)


def rbcd_descriptor(allowed):
    """Self-relative SD: owner BUILTIN\\Administrators, DACL with one access-allowed ACE per SID."""
    owner = sid_bytes("S-1-5-32-544")
    aces = b"".join(struct.pack("<BBHI", 0, 0, 8 + len(sid_bytes(s)), 0xF01FF) + sid_bytes(s) for s in allowed)
    acl = struct.pack("<BBHHH", 4, 0, 8 + len(aces), len(allowed), 0) + aces
    header = struct.pack("<BBHIIII", 1, 0, 0x8004, 20, 0, 0, 20 + len(owner))
    return header + owner + acl


def b64(data):
    return base64.b64encode(data).decode()


def entry(dn, attrs):
    lines = ["dn: " + dn]
    for name, values in attrs:
        for v in values if isinstance(values, list) else [values]:
            if isinstance(v, bytes):
                lines.append(f"{name}:: {b64(v)}")
            else:
                lines.append(f"{name}: {v}")
    print("\n".join(lines) + "\n")


rid = [1100]


def replication(attribute, version, time, dc):
    """One value of msDS-ReplAttributeMetaData as AD returns it (XML, then a NUL): the attribute's last
    originating write, at which DC, and its version."""
    return ("<DS_REPL_ATTR_META_DATA>\n\t<pszAttributeName>%s</pszAttributeName>\n\t<dwVersion>%d</dwVersion>\n"
            "\t<ftimeLastOriginatingChange>%s</ftimeLastOriginatingChange>\n"
            "\t<uuidLastOriginatingDsaInvocationID>%s</uuidLastOriginatingDsaInvocationID>\n"
            "\t<usnOriginatingChange>%d</usnOriginatingChange>\n\t<usnLocalChange>%d</usnLocalChange>\n"
            "\t<pszLastOriginatingDsaDN>CN=NTDS Settings,CN=%s,CN=Servers,CN=Default-First-Site-Name,CN=Sites,"
            "CN=Configuration,%s</pszLastOriginatingDsaDN>\n</DS_REPL_ATTR_META_DATA>\n\0") % (
        attribute, version, time, INVOCATION[dc], 40000 + version, 40000 + version, dc, BASE)


INVOCATION = {"DC1": "3d0b2c4e-8a51-4f6e-9c1a-52e7b0d4a911", "DC2": "b7e91f06-2c3d-4a8b-8f5e-0a6c9d1e2f37"}


def metadata(delegate_to, uac, spn=(4, "2024-05-14T09:20:11Z", "DC1")):
    """The delegation attributes' metadata of a Hyper-V host: (version, time, DC) each."""
    return [replication("msDS-AllowedToDelegateTo", *delegate_to), replication("userAccountControl", *uac),
            replication("servicePrincipalName", *spn)]


def computer(name, ou, os, uac, spns, delegate=(), rbcd=None, dns=True, usn=20000, enc=WINDOWS_ENC_TYPES,
             pwd=RECENT_PASSWORD, meta=None):
    rid[0] += 1
    fqdn = name.lower() + ".contoso.com"
    attrs = [("objectClass", ["top", "person", "organizationalPerson", "user", "computer"]),
             ("cn", name), ("sAMAccountName", name + "$"), ("userAccountControl", str(uac)),
             ("objectSid", sid_bytes(f"{DOMAIN_SID}-{rid[0]}")),
             ("operatingSystem", os[0]), ("operatingSystemVersion", os[1]),
             ("whenChanged", "20261020083000.0Z"), ("uSNChanged", str(usn + rid[0])),
             ("lastLogonTimestamp", "134060000000000000"), ("pwdLastSet", pwd)]
    if enc is not None:
        attrs.append(("msDS-SupportedEncryptionTypes", str(enc)))
    if dns:
        attrs.insert(3, ("dNSHostName", fqdn))
    attrs.append(("servicePrincipalName", list(spns)))
    if delegate:
        attrs.append(("msDS-AllowedToDelegateTo", list(delegate)))
    if rbcd:
        attrs.append(("msDS-AllowedToActOnBehalfOfOtherIdentity", rbcd_descriptor(rbcd)))
    if meta:
        attrs.append(("msDS-ReplAttributeMetaData", [m.encode() for m in meta]))
    entry(f"CN={name},{ou}", attrs)
    return f"{DOMAIN_SID}-{rid[0]}"


def host_spns(name, hyperv=True, drop=()):
    fqdn = name.lower() + ".contoso.com"
    services = ["HOST", "RestrictedKrbHost", "WSMAN"] + (
        [MIG, "Microsoft Virtual Console Service"] if hyperv else [])
    return [f"{s}/{n}" for s in services for n in (name, fqdn) if f"{s}/{n}" not in drop]


def delegation(targets, services=(MIG, "cifs"), skip=()):
    out = []
    for t in targets:
        for s in services:
            for n in (t, t.lower() + ".contoso.com"):
                if f"{s}/{n}" not in skip:
                    out.append(f"{s}/{n}")
    return out


def container(dn, cls="container"):
    rdn = dn.split(",")[0]
    attr, value = rdn.split("=", 1)
    entry(dn, [("objectClass", ["top", cls]), (attr.lower(), value)])


print("# Demo directory for kcd-audit: generated by scripts/demo/gen-contoso-ldif.py; do not edit by hand.\n")
entry(BASE, [("objectClass", ["top", "domain", "domainDNS"]), ("dc", "contoso"),
             ("objectSid", sid_bytes(DOMAIN_SID))])
for dn in (f"CN=Users,{BASE}", f"CN=Computers,{BASE}"):
    container(dn)
for ou in ("OU=Domain Controllers", "OU=Hyper-V", "OU=HVC1,OU=Hyper-V", "OU=HVC2,OU=Hyper-V", "OU=Servers",
           "OU=Workstations"):
    container(f"{ou},{BASE}", "organizationalUnit")
# The naming contexts AD answers a domain-root search with as continuation references.
for nc in ("CN=Configuration", "DC=DomainDnsZones", "DC=ForestDnsZones"):
    entry(f"{nc},{BASE}", [("objectClass", ["top", "referral", "extensibleObject"]),
                           (nc.split("=")[0].lower(), nc.split("=")[1]),
                           ("ref", f"ldap://contoso.com/{nc},{BASE}")])

computer("DC1", f"OU=Domain Controllers,{BASE}", WS2022, 0x2000 | UNCONSTRAINED,
         host_spns("DC1", hyperv=False) + ["ldap/DC1", "ldap/dc1.contoso.com", "GC/dc1.contoso.com/contoso.com"])
# Each Hyper-V host carries msDS-ReplAttributeMetaData as AD returns it: the November drift was made on DC2.
SETUP = (4, "2025-03-18T10:02:45Z", "DC1")

hvc1 = f"OU=HVC1,OU=Hyper-V,{BASE}"
# HV01 lacks the FQDN form of cifs for HV02 (one name form missing).
computer("HV01", hvc1, WS2019, WORKSTATION | PROTOCOL_TRANSITION, host_spns("HV01"),
         delegation(["HV02", "HV03"], skip={"cifs/hv02.contoso.com"})
         + delegation(["NAS01", "NAS02"], services=("cifs",)),
         meta=metadata((11, "2026-11-24T16:41:07Z", "DC2"), SETUP))
# HV02 delegates to HV01 but not to HV03 (one direction missing).
computer("HV02", hvc1, WS2019, WORKSTATION | PROTOCOL_TRANSITION, host_spns("HV02"),
         delegation(["HV01"]) + delegation(["NAS01", "NAS02"], services=("cifs",)),
         meta=metadata((6, "2025-03-18T10:04:12Z", "DC1"), SETUP))
# HV03 was set to unconstrained delegation by hand; its old entries are still there.
computer("HV03", hvc1, WS2019, WORKSTATION | UNCONSTRAINED, host_spns("HV03"),
         delegation(["HV01", "HV02"]) + delegation(["NAS01", "NAS02"], services=("cifs",)),
         meta=metadata((10, "2025-03-18T10:05:30Z", "DC1"), (5, "2026-11-23T17:05:31Z", "DC2")))

hvc2 = f"OU=HVC2,OU=Hyper-V,{BASE}"
# HV11 still delegates to HV15, removed from the cluster and the domain last year (stale entries), and to
# cifs on the domain controller DC1 (approved once for an ISO share there): with protocol transition that lets
# HV11 impersonate anyone to the DC.
sid11 = computer("HV11", hvc2, WS2022, WORKSTATION | PROTOCOL_TRANSITION, host_spns("HV11"),
                 delegation(["HV12", "HV13", "HV14"]) + [f"{MIG}/HV15", "cifs/hv15.contoso.com",
                                                         "cifs/dc1.contoso.com"],
                 meta=metadata((17, "2026-11-12T11:18:40Z", "DC1"), SETUP))
# HV12 uses "Kerberos only" on Windows Server 2022 (advisory under policy 'either').
sid12 = computer("HV12", hvc2, WS2022, WORKSTATION, host_spns("HV12"), delegation(["HV11", "HV13", "HV14"]),
                 meta=metadata((12, "2025-09-02T13:29:03Z", "DC1"), SETUP))
# HV13 reaches HV14 through resource-based delegation set on HV14, not through its own list. Its computer
# account predates the domain's first Windows Server 2008 DC and machine password changes are off on it
# (DisablePasswordChange): its password, and so its keys, are from 2007, before the domain had AES keys.
sid13 = computer("HV13", hvc2, WS2022, WORKSTATION | PROTOCOL_TRANSITION, host_spns("HV13"),
                 delegation(["HV11", "HV12"]), pwd=filetime("2007-06-12"),
                 meta=metadata((8, "2025-09-02T13:30:41Z", "DC1"), (3, "2019-01-08T15:12:09Z", "DC1")))
# HV14 was re-joined and lost the FQDN form of its migration SPN (unregistered target SPN).
computer("HV14", hvc2, WS2022, WORKSTATION | PROTOCOL_TRANSITION,
         host_spns("HV14", drop={f"{MIG}/hv14.contoso.com"}), delegation(["HV11", "HV12", "HV13"]), rbcd=[sid13],
         meta=metadata((12, "2025-09-02T13:31:15Z", "DC1"), SETUP, (7, "2026-08-12T07:55:02Z", "DC1"))
         + [replication("msDS-AllowedToActOnBehalfOfOtherIdentity", 1, "2025-09-02T13:33:40Z", "DC1")])

# A VMM service account that someone ran setspn against: duplicates HV12's migration SPN.
rid[0] += 1
entry(f"CN=svc-vmm,CN=Users,{BASE}", [
    ("objectClass", ["top", "person", "organizationalPerson", "user"]), ("cn", "svc-vmm"),
    ("sAMAccountName", "svc-vmm"), ("userAccountControl", "66048"),
    ("objectSid", sid_bytes(f"{DOMAIN_SID}-{rid[0]}")),
    ("servicePrincipalName", [f"{MIG}/hv12.contoso.com", "HTTP/vmm.contoso.com"])])
rid[0] += 1
entry(f"CN=svc-sql,CN=Users,{BASE}", [
    ("objectClass", ["top", "person", "organizationalPerson", "user"]), ("cn", "svc-sql"),
    ("sAMAccountName", "svc-sql"), ("userAccountControl", "66048"),
    ("objectSid", sid_bytes(f"{DOMAIN_SID}-{rid[0]}")),
    ("servicePrincipalName", ["MSSQLSvc/sql01.contoso.com:1433", "MSSQLSvc/sql01.contoso.com"])])

for i in range(1, 41):
    computer(f"SRV{i:03d}", f"OU=Servers,{BASE}", WS2022, WORKSTATION, host_spns(f"SRV{i:03d}", hyperv=False))
for i in range(1, 301):
    computer(f"WS{i:04d}", f"OU=Workstations,{BASE}", ("Windows 11 Enterprise", "10.0 (22631)"),
             WORKSTATION | (DISABLED if i % 37 == 0 else 0), host_spns(f"WS{i:04d}", hyperv=False))

# HVC1's VMs live on a NetApp filer (NAS01) and take their ISO images from a Linux Samba server (NAS02, added
# last below). ONTAP's computer account was created with RC4 only
# (msDS-SupportedEncryptionTypes 4) and its keytab holds only RC4 keys.
computer("NAS01", f"OU=Servers,{BASE}", ("NetApp Release 9.13.1P6", "9.13.1"), WORKSTATION,
         ["HOST/NAS01", "HOST/nas01.contoso.com"], enc=RC4_ONLY)

# The branch-office DC where the hand-made changes of November were written (its security log holds events
# 5136/4742 for them). Added last, so that the other objects keep their SIDs.
computer("DC2", f"OU=Domain Controllers,{BASE}", WS2022, 0x2000 | UNCONSTRAINED,
         host_spns("DC2", hyperv=False) + ["ldap/DC2", "ldap/dc2.contoso.com", "GC/dc2.contoso.com/contoso.com"])

# krbtgt registers kadmin/changepw, so the sweep reads it: a delegation entry naming krbtgt/... is recognisable.
entry(f"CN=krbtgt,CN=Users,{BASE}", [
    ("objectClass", ["top", "person", "organizationalPerson", "user"]), ("cn", "krbtgt"),
    ("sAMAccountName", "krbtgt"), ("userAccountControl", str(NORMAL_ACCOUNT | DISABLED)),
    ("objectSid", sid_bytes(f"{DOMAIN_SID}-502")), ("servicePrincipalName", "kadmin/changepw"),
    ("pwdLastSet", filetime("2019-05-02"))])


def group(name, rid_, created, members=()):
    attrs = [("objectClass", ["top", "group"]), ("cn", name), ("sAMAccountName", name),
             ("objectSid", sid_bytes(f"{DOMAIN_SID}-{rid_}")), ("whenCreated", created)]
    if members:
        attrs.append(("member", [f"CN={m},CN=Users,{BASE}" for m in members]))
    entry(f"CN={name},CN=Users,{BASE}", attrs)


def user(name):
    rid[0] += 1
    entry(f"CN={name},CN=Users,{BASE}", [
        ("objectClass", ["top", "person", "organizationalPerson", "user"]), ("cn", name),
        ("sAMAccountName", name), ("userAccountControl", str(NORMAL_ACCOUNT)),
        ("objectSid", sid_bytes(f"{DOMAIN_SID}-{rid[0]}")), ("pwdLastSet", RECENT_PASSWORD)])


# Read-only Domain Controllers (RID 521) was created when the first Windows Server 2008 DC joined: passwords set
# before that date have no AES keys (PingCastle S-AesNotEnabled reads the same date).
group("Read-only Domain Controllers", 521, "20090310091500.0Z")
# The Hyper-V operators start migrations from Windows Admin Center. adm-jdoe is also a Tier 0 admin, and
# Tier0 Admins is a member of Protected Users: constrained delegation cannot carry adm-jdoe's credentials.
user("adm-jdoe")
user("ops-hyperv")
group("Tier0 Admins", 1301, "20150612101000.0Z", ["adm-jdoe"])
group("Protected Users", 525, "20140220110000.0Z", ["Tier0 Admins"])
group("HV Operators", 1302, "20180904080000.0Z", ["adm-jdoe", "ops-hyperv"])

# HVC1's ISO library: a Linux Samba file server joined to the domain. Samba writes no msDS-SupportedEncryptionTypes,
# so the KDC issues it AES-only tickets, which its keytab must hold keys for (ENCRYPTION_TYPES_UNSET). Added last,
# so that the other objects keep their SIDs.
computer("NAS02", f"OU=Servers,{BASE}", ("Samba", "4.19.5-Debian"), WORKSTATION,
         ["HOST/NAS02", "HOST/nas02.contoso.com"], enc=None)
