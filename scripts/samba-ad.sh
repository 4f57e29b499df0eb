#!/usr/bin/env bash
# samba-ad.sh — a throwaway Samba Active Directory domain controller on 127.0.0.1,
# for trying kcd-auditor against a real DC and for the integration suite.
#
#   scripts/samba-ad.sh up   [DIR]   install packages if missing, provision CONTOSO.TEST into DIR, start it
#   scripts/samba-ad.sh seed [DIR]   create the demo clusters (HVC1 correct, HVC2 drifted) with samba-tool
#   scripts/samba-ad.sh status [DIR] say whether the DC in DIR runs and answers LDAP
#   scripts/samba-ad.sh down [DIR]   stop the DC started from DIR (by its PID file)
#   scripts/samba-ad.sh strong-auth yes|no [DIR]  set "ldap server require strong auth" and restart the DC
#   scripts/samba-ad.sh join [DIR]   join a second DC, DC2, on 127.0.0.2 (into DIR/dc2) and start it
#   scripts/samba-ad.sh replicate [DIR]  pull the domain partition from DC1 into DC2 now
#   scripts/samba-ad.sh purge [DIR]  stop it (and DC2) and delete DIR
#
# DIR defaults to /tmp/kcd-samba (config/samba-example.yaml points there).
# Needs root (packages, ports 88/389/636). Listens on 127.0.0.1 only. Samba's ports are fixed,
# so only one DC can run per network namespace and address.
#
# DC2 (join) listens on 127.0.0.2 only; the script adds that address to the loopback interface (Samba serves
# only addresses an interface carries). Without DNS the two DCs cannot find each other's GUID names, so DC2
# replicates only when told to (replicate): a change made on DC1 stays away from DC2 until then, which is
# what the convergence check (preflight --all-dcs) is tested with.
#
# What `up` leaves in DIR:
#   admin.pass               the Administrator password (also: CONTOSO\Administrator, Administrator@contoso.test)
#   tls/ca.crt               the CA that signed the DC's certificate (SAN IP:127.0.0.1, DNS:localhost, DNS:dc1.contoso.test)
#   tls/truststore.p12       PKCS12 trust store holding that CA; its password is in tls/truststore.pass
#   etc/krb5.conf            a krb5.conf whose KDC is 127.0.0.1 (for kinit / GSSAPI)
#   svc-kcdaudit.keytab      keys of svc-kcdaudit@CONTOSO.TEST, for GSSAPI binds (with etc/krb5.conf)
#   etc/smb.conf             the DC's configuration
set -euo pipefail

REALM=CONTOSO.TEST
DOMAIN=CONTOSO
DNSDOMAIN=contoso.test
BASEDN="DC=contoso,DC=test"
HOSTNAME_DC=dc1
ADMIN_PASS_DEFAULT='Kcd-Samba-Adm1n!'
TRUSTSTORE_PASS=changeit
PACKAGES=(samba samba-ad-dc samba-ad-provision winbind krb5-user ldap-utils ldb-tools openssl)
PORTS=(88 389 636 3268 3269 464 445 135)

die() { echo "samba-ad: error: $*" >&2; exit 1; }
log() { echo "samba-ad: $*" >&2; }

cmd=${1:-}
VALUE=""
if [ "$cmd" = strong-auth ]; then VALUE=${2:-}; shift || true; fi
DIR=${2:-${KCD_SAMBA_DIR:-/tmp/kcd-samba}}
case "$DIR" in /*) ;; *) DIR="$(pwd)/$DIR" ;; esac
SMBCONF="$DIR/etc/smb.conf"
PIDFILE="$DIR/run/samba.pid"
DC2_ADDR=127.0.0.2
DC2DIR="$DIR/dc2"

need_root() {
    [ "$(id -u)" = 0 ] || die "must run as root (packages, privileged ports 88/389/636); try: sudo $0 $cmd $DIR"
}

admin_pass() {
    if [ -f "$DIR/admin.pass" ]; then cat "$DIR/admin.pass"; else echo "$ADMIN_PASS_DEFAULT"; fi
}

# ---------------------------------------------------------------- install
install_packages() {
    local missing=() p
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    command -v apt-get >/dev/null || die "missing packages ${missing[*]} and no apt-get to install them"
    log "installing ${missing[*]} (Debian packages; daemons are not started)"
    # Keep the packages' init scripts from starting smbd/nmbd/samba on all interfaces:
    # policy-rc.d exit 101 = "action forbidden". Restore whatever was there before.
    local prc=/usr/sbin/policy-rc.d backup=""
    if [ -e "$prc" ]; then backup=$(mktemp); cp -p "$prc" "$backup"; fi
    printf '#!/bin/sh\nexit 101\n' >"$prc"; chmod 755 "$prc"
    local rc=0
    {
        if [ ! -d /var/lib/apt/lists ] || [ -z "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v lock)" ] \
            || ! apt-cache show samba-ad-dc >/dev/null 2>&1; then
            DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -q
        fi
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends \
            "${missing[@]}"
    } >"${TMPDIR:-/tmp}/samba-ad-apt.log" 2>&1 || rc=$?
    if [ -n "$backup" ]; then mv "$backup" "$prc"; else rm -f "$prc"; fi
    [ $rc -eq 0 ] || { tail -20 "${TMPDIR:-/tmp}/samba-ad-apt.log" >&2; die "apt-get failed (rc $rc), full log: ${TMPDIR:-/tmp}/samba-ad-apt.log"; }
    # Some package versions start daemons despite policy-rc.d when systemd is absent: stop only the
    # system-wide ones that use the packaged /etc/samba/smb.conf (never ours).
    local svc
    for svc in smbd nmbd winbind samba-ad-dc; do
        [ -x "/etc/init.d/$svc" ] && /etc/init.d/"$svc" stop >/dev/null 2>&1 || true
    done
}

# ---------------------------------------------------------------- helpers
running_pid() {   # running_pid [PIDFILE]
    local file=${1:-$PIDFILE}
    [ -f "$file" ] || return 1
    local pid; pid=$(tr -dc '0-9' <"$file")
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q samba "/proc/$pid/comm" 2>/dev/null || return 1
    echo "$pid"
}

ports_busy() {
    local p busy=()
    for p in "${PORTS[@]}"; do
        # a DC2 on 127.0.0.2 (join) does not take DC1's ports
        if ss -H -ltn "sport = :$p" 2>/dev/null | grep -v " $DC2_ADDR:" | grep -q . \
            || ss -H -lun "sport = :$p" 2>/dev/null | grep -v " $DC2_ADDR:" | grep -q .; then
            busy+=("$p")
        fi
    done
    echo "${busy[*]:-}"
}

ldap_answers() {
    ldapsearch -LLL -x -H ldap://127.0.0.1 -o nettimeout=2 -b "" -s base defaultNamingContext >/dev/null 2>&1
}

set_global() {   # set_global "key" "value" [smb.conf]: replace or add a [global] parameter in smb.conf
    python3 - "${3:-$SMBCONF}" "$1" "$2" <<'PY'
import sys, re
path, key, value = sys.argv[1:4]
lines = open(path).read().split("\n")
norm = lambda s: re.sub(r"\s+", " ", s.strip().lower())
out, in_global, done = [], False, False
for line in lines:
    s = line.strip()
    if s.startswith("["):
        if in_global and not done:
            out.append("\t%s = %s" % (key, value)); done = True
        in_global = s.lower() == "[global]"
    elif in_global and "=" in s and norm(s.split("=", 1)[0]) == norm(key):
        if not done:
            out.append("\t%s = %s" % (key, value)); done = True
        continue
    out.append(line)
if not done:
    out.append("\t%s = %s" % (key, value))
open(path, "w").write("\n".join(out))
PY
}

make_tls() {
    local t="$DIR/tls"
    mkdir -p "$t"; chmod 700 "$t"
    [ -f "$t/dc.crt" ] && [ -f "$t/truststore.p12" ] && return 0
    log "generating a CA and a DC certificate (SAN IP:127.0.0.1, DNS:localhost, DNS:$HOSTNAME_DC.$DNSDOMAIN)"
    openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=kcd-auditor test CA $(date +%s)" \
        -keyout "$t/ca.key" -out "$t/ca.crt" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=$HOSTNAME_DC.$DNSDOMAIN" \
        -keyout "$t/dc.key" -out "$t/dc.csr" 2>/dev/null
    printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:$HOSTNAME_DC.$DNSDOMAIN" \
        "extendedKeyUsage=serverAuth" "keyUsage=critical,digitalSignature,keyEncipherment" >"$t/dc.ext"
    openssl x509 -req -in "$t/dc.csr" -CA "$t/ca.crt" -CAkey "$t/ca.key" -CAcreateserial -days 825 \
        -extfile "$t/dc.ext" -out "$t/dc.crt" 2>/dev/null
    chmod 600 "$t/dc.key" "$t/ca.key"   # Samba refuses a key file readable by others
    rm -f "$t/truststore.p12"
    if command -v keytool >/dev/null; then
        keytool -importcert -noprompt -storetype PKCS12 -keystore "$t/truststore.p12" -storepass "$TRUSTSTORE_PASS" \
            -alias kcd-samba-ca -file "$t/ca.crt" >/dev/null 2>&1 || die "keytool could not write $t/truststore.p12"
    else
        log "keytool (Java) not found: no tls/truststore.p12; make one from tls/ca.crt"
    fi
    echo "$TRUSTSTORE_PASS" >"$t/truststore.pass"
    chmod 644 "$t/ca.crt" "$t/dc.crt" "$t/truststore.pass" 2>/dev/null || true
    [ -f "$t/truststore.p12" ] && chmod 644 "$t/truststore.p12"
    chmod 755 "$t"
}

provision() {
    log "provisioning $REALM into $DIR"
    mkdir -p "$DIR"
    local pass; pass=$(admin_pass)
    # samba-tool reads /etc/samba/smb.conf unless told otherwise: give it an empty one so a
    # packaged or foreign configuration cannot leak into ours.
    mkdir -p "$DIR/etc"; : >"$DIR/etc/empty.conf"
    samba-tool domain provision -s "$DIR/etc/empty.conf" --targetdir "$DIR" --realm "$REALM" --domain "$DOMAIN" \
        --server-role dc --dns-backend NONE --host-name "$HOSTNAME_DC" --adminpass "$pass" \
        --option="interfaces = 127.0.0.1" --option="bind interfaces only = yes" \
        >"$DIR/provision.log" 2>&1 || { tail -20 "$DIR/provision.log" >&2; die "samba-tool domain provision failed (log: $DIR/provision.log)"; }
    rm -f "$DIR/etc/empty.conf"
    echo "$pass" >"$DIR/admin.pass"; chmod 600 "$DIR/admin.pass"
    mkdir -p "$DIR/run" "$DIR/log"
    # provisioning drops most --option values: set them now.
    set_global "interfaces" "127.0.0.1"
    set_global "bind interfaces only" "yes"
    set_global "server services" "-dns -dnsupdate -nbt -wrepl -ntp_signd"
    set_global "disable netbios" "yes"
    set_global "dns forwarder" "127.0.0.1"
    set_global "ldap server require strong auth" "no"
    set_global "pid directory" "$DIR/run"
    set_global "ncalrpc dir" "$DIR/run/ncalrpc"
    set_global "winbindd socket directory" "$DIR/run/winbindd"
    set_global "log file" "$DIR/log/log.%m"
    set_global "log level" "1"
    set_global "tls enabled" "yes"
    set_global "tls keyfile" "$DIR/tls/dc.key"
    set_global "tls certfile" "$DIR/tls/dc.crt"
    set_global "tls cafile" "$DIR/tls/ca.crt"
    # a krb5.conf for clients (kinit, GSSAPI): the KDC is this DC on loopback
    cat >"$DIR/etc/krb5.conf" <<EOF
[libdefaults]
	default_realm = $REALM
	dns_lookup_realm = false
	dns_lookup_kdc = false
	rdns = false
	udp_preference_limit = 0

[realms]
	$REALM = {
		kdc = 127.0.0.1
		admin_server = 127.0.0.1
	}

[domain_realm]
	.$DNSDOMAIN = $REALM
	$DNSDOMAIN = $REALM
	localhost = $REALM
EOF
    touch "$DIR/.kcd-samba"
}

# ldap/<name>.<domain>, ldap/<NAME> and the further SPNs given on the DC account NAME$ (written on DC1).
ldap_spns() {
    local name=$1 s; shift
    local upper; upper=$(echo "$name" | tr 'a-z' 'A-Z')
    for s in "ldap/$name.$DNSDOMAIN" "ldap/$upper" "$@"; do
        ST spn add "$s" "$upper\$" >/dev/null 2>&1 || true
    done
}

# For GSSAPI binds: the LDAP SPNs a promotion registers (Samba's dnsupdate service, disabled here,
# would add them) and a read-only service account with its keys exported to a keytab.
ensure_kerberos() {
    [ -f "$DIR/svc-kcdaudit.keytab" ] && return 0
    ldap_spns "$HOSTNAME_DC" ldap/localhost ldap/127.0.0.1
    ST user create svc-kcdaudit "$(admin_pass)" --description="kcd-auditor read-only (GSSAPI tests)" >/dev/null 2>&1 || true
    samba-tool domain exportkeytab "$DIR/svc-kcdaudit.keytab" --principal="svc-kcdaudit@$REALM" -s "$SMBCONF" \
        >/dev/null || die "samba-tool domain exportkeytab failed"
    chmod 644 "$DIR/svc-kcdaudit.keytab"   # a throwaway lab key: readable so a non-root audit can use it
    log "Kerberos: svc-kcdaudit@$REALM, keytab $DIR/svc-kcdaudit.keytab, krb5.conf $DIR/etc/krb5.conf"
}

# ---------------------------------------------------------------- commands
do_up() {
    need_root
    local pid
    if pid=$(running_pid); then
        ldap_answers || die "samba (pid $pid) from $DIR runs but LDAP does not answer on 127.0.0.1:389; see $DIR/log/"
        log "already up (pid $pid) from $DIR"; return 0
    fi
    local t0=$SECONDS
    install_packages
    command -v ss >/dev/null || die "ss (iproute2) is needed to check the ports"
    local busy; busy=$(ports_busy)
    [ -z "$busy" ] || die "ports already in use: $busy — Samba's ports (88/389/636/3268/445…) are fixed, so only one DC can run per network namespace. Stop whatever listens there (ss -ltnp) or run this in its own namespace (unshare -n)."
    if [ -d "$DIR" ] && [ ! -f "$DIR/.kcd-samba" ] && [ -n "$(ls -A "$DIR" 2>/dev/null)" ]; then
        die "$DIR exists, is not empty and was not made by this script; choose another DIR"
    fi
    if [ ! -f "$DIR/.kcd-samba" ] || [ ! -f "$SMBCONF" ]; then
        rm -rf "$DIR"; mkdir -p "$DIR"; chmod 755 "$DIR"
        make_tls
        provision
    fi
    mkdir -p "$DIR/run" "$DIR/log"
    log "starting samba (-s $SMBCONF)"
    samba -s "$SMBCONF" -D || die "samba did not start; see $DIR/log/"
    local i
    for i in $(seq 1 120); do
        if ldap_answers; then
            pid=$(running_pid || echo '?')
            ensure_kerberos
            log "up in $((SECONDS - t0)) s: pid $pid, ldap://127.0.0.1:389, ldaps://127.0.0.1:636, KDC 127.0.0.1:88, base $BASEDN"
            log "bind as Administrator@$DNSDOMAIN (or CONTOSO\\Administrator), password in $DIR/admin.pass"
            log "trust store $DIR/tls/truststore.p12 (password in $DIR/tls/truststore.pass)"
            return 0
        fi
        running_pid >/dev/null || [ $i -lt 10 ] || { tail -20 "$DIR"/log/log.samba >&2 2>/dev/null; die "samba exited; see $DIR/log/"; }
        sleep 0.5
    done
    die "LDAP did not answer on 127.0.0.1:389 within 60 s; see $DIR/log/"
}

stop_pid() {   # stop_pid PIDFILE NAME
    local pid
    if ! pid=$(running_pid "$1"); then log "$2 not running (no live PID in $1)"; return 0; fi
    log "stopping $2 (samba pid $pid)"
    kill -TERM "$pid"
    local i
    for i in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || { log "stopped"; return 0; }; sleep 0.25; done
    log "pid $pid still alive after 10 s; sending KILL to it"
    kill -KILL "$pid" 2>/dev/null || true
}

do_down() {
    [ -f "$DC2DIR/run/samba.pid" ] && stop_pid "$DC2DIR/run/samba.pid" DC2
    stop_pid "$PIDFILE" DC1
}

dc2_answers() {
    ldapsearch -LLL -x -H "ldap://$DC2_ADDR" -o nettimeout=2 -b "" -s base defaultNamingContext >/dev/null 2>&1
}

# A second DC of the domain on 127.0.0.2: samba-tool domain join as an administrator does it, its own smb.conf,
# a certificate from DIR's CA (SAN IP:127.0.0.2, DNS:dc2.contoso.test), then started.
do_join() {
    need_root
    running_pid >/dev/null && ldap_answers || die "the DC in $DIR is not up: run $0 up $DIR first"
    local pid
    if pid=$(running_pid "$DC2DIR/run/samba.pid") && dc2_answers; then log "DC2 already up (pid $pid) from $DC2DIR"; return 0; fi
    ip -4 addr show dev lo | grep -q "inet $DC2_ADDR/" || ip addr add "$DC2_ADDR/32" dev lo \
        || die "cannot add $DC2_ADDR to the loopback interface (ip addr add $DC2_ADDR/32 dev lo)"
    local p busy=()
    for p in "${PORTS[@]}"; do
        ss -H -ltn "src $DC2_ADDR:$p" 2>/dev/null | grep -q . && busy+=("$p")
    done
    [ ${#busy[@]} -eq 0 ] || die "ports already in use on $DC2_ADDR: ${busy[*]} — another DC2 runs (ss -ltnp)"
    local t0=$SECONDS conf="$DC2DIR/etc/smb.conf"
    if [ ! -f "$DC2DIR/.kcd-samba" ]; then
        rm -rf "$DC2DIR"; mkdir -p "$DC2DIR/etc" "$DC2DIR/tls"; : >"$DC2DIR/etc/empty.conf"
        log "joining DC2 ($DC2_ADDR) to $REALM"
        samba-tool domain join "$DNSDOMAIN" DC --server=127.0.0.1 -U "Administrator%$(admin_pass)" \
            --targetdir="$DC2DIR" --dns-backend=NONE -s "$DC2DIR/etc/empty.conf" --option="netbios name = DC2" \
            --option="interfaces = $DC2_ADDR" --option="bind interfaces only = yes" >"$DC2DIR/join.log" 2>&1 \
            || { tail -20 "$DC2DIR/join.log" >&2; die "samba-tool domain join failed (log: $DC2DIR/join.log)"; }
        rm -f "$DC2DIR/etc/empty.conf"
        mkdir -p "$DC2DIR/run" "$DC2DIR/log"
        local k
        for k in "server services|-dns -dnsupdate -nbt -wrepl -ntp_signd" "disable netbios|yes" \
            "ldap server require strong auth|no" "pid directory|$DC2DIR/run" "ncalrpc dir|$DC2DIR/run/ncalrpc" \
            "winbindd socket directory|$DC2DIR/run/winbindd" "log file|$DC2DIR/log/log.%m" "log level|1" \
            "tls enabled|yes" "tls keyfile|$DC2DIR/tls/dc.key" "tls certfile|$DC2DIR/tls/dc.crt" \
            "tls cafile|$DIR/tls/ca.crt"; do
            set_global "${k%%|*}" "${k#*|}" "$conf"
        done
        openssl req -newkey rsa:2048 -nodes -subj "/CN=dc2.$DNSDOMAIN" -keyout "$DC2DIR/tls/dc.key" \
            -out "$DC2DIR/tls/dc.csr" 2>/dev/null
        printf '%s\n' "subjectAltName=IP:$DC2_ADDR,DNS:dc2.$DNSDOMAIN" "extendedKeyUsage=serverAuth" \
            "keyUsage=critical,digitalSignature,keyEncipherment" >"$DC2DIR/tls/dc.ext"
        openssl x509 -req -in "$DC2DIR/tls/dc.csr" -CA "$DIR/tls/ca.crt" -CAkey "$DIR/tls/ca.key" -CAcreateserial \
            -days 825 -extfile "$DC2DIR/tls/dc.ext" -out "$DC2DIR/tls/dc.crt" 2>/dev/null
        chmod 600 "$DC2DIR/tls/dc.key"
        ldap_spns dc2 "ldap/$DC2_ADDR"   # for Kerberos binds to DC2 (preflight --all-dcs with auth: gssapi)
        touch "$DC2DIR/.kcd-samba"
    fi
    mkdir -p "$DC2DIR/run" "$DC2DIR/log"
    samba -s "$conf" -D || die "samba (DC2) did not start; see $DC2DIR/log/"
    local i
    for i in $(seq 1 120); do
        if dc2_answers; then
            log "DC2 up in $((SECONDS - t0)) s: ldap://$DC2_ADDR:389, ldaps://$DC2_ADDR:636 (dc2.$DNSDOMAIN); it replicates only with: $0 replicate $DIR"
            return 0
        fi
        sleep 0.5
    done
    die "DC2 did not answer LDAP on $DC2_ADDR:389 within 60 s; see $DC2DIR/log/"
}

# DC2 pulls the domain partition from DC1 into its database (what the KCC would schedule, given DNS).
do_replicate() {
    need_root
    [ -f "$DC2DIR/.kcd-samba" ] || die "no DC2 in $DC2DIR: run $0 join $DIR first"
    samba-tool drs replicate "$DC2_ADDR" 127.0.0.1 "$BASEDN" --local -U "Administrator%$(admin_pass)" \
        -s "$DC2DIR/etc/smb.conf" >"$DC2DIR/replicate.log" 2>&1 \
        || { tail -5 "$DC2DIR/replicate.log" >&2; die "samba-tool drs replicate failed (log: $DC2DIR/replicate.log)"; }
    log "$(tail -1 "$DC2DIR/replicate.log")"
}

do_status() {
    local pid
    if pid=$(running_pid "$DC2DIR/run/samba.pid") && dc2_answers; then echo "DC2 up (pid $pid) on $DC2_ADDR from $DC2DIR"; fi
    if pid=$(running_pid) && ldap_answers; then echo "up (pid $pid) from $DIR"; return 0; fi
    echo "down ($DIR)"; return 3
}

# samba-tool against the running DC, as Administrator, over LDAP (as an administrator would)
ST() { samba-tool "$@" -H ldap://127.0.0.1 -U "Administrator%$(admin_pass)" -s "$SMBCONF"; }
# ldapmodify as Administrator: stdin is the LDIF
LM() { ldapmodify -x -H ldap://127.0.0.1 -D "Administrator@$DNSDOMAIN" -w "$(admin_pass)" -c >/dev/null; }

MVSMS="Microsoft Virtual System Migration Service"

# host NAME OU [os] [osver]: a Hyper-V host as it looks after domain join + Hyper-V install
seed_host() {
    local name=$1 ou=$2 os=${3:-Windows Server 2022 Datacenter} osver=${4:-10.0 (20348)}
    local lower; lower=$(echo "$name" | tr 'A-Z' 'a-z')
    ST computer create "$name" --computerou="$ou" >/dev/null
    # a join sets the machine password: without one the account has no keys, so its pairs cannot be asked of the
    # KDC (samba-tool domain exportkeytab --principal='HV01$' exports nothing); one of its own per host
    ST user setpassword "$name\$" --newpassword="$(admin_pass)-$name" >/dev/null
    # a domain join registers HOST/ (which also serves cifs/); installing Hyper-V adds the migration service
    ST spn add "HOST/$name" "$name\$" >/dev/null
    ST spn add "HOST/$lower.$DNSDOMAIN" "$name\$" >/dev/null
    ST spn add "$MVSMS/$name" "$name\$" >/dev/null
    ST spn add "$MVSMS/$lower.$DNSDOMAIN" "$name\$" >/dev/null
    # samba-tool computer create leaves the account disabled, without dNSHostName or OS: fix like a join would
    LM <<EOF
dn: CN=$name,$ou,$BASEDN
changetype: modify
replace: userAccountControl
userAccountControl: 4096
-
replace: dNSHostName
dNSHostName: $lower.$DNSDOMAIN
-
replace: operatingSystem
operatingSystem: $os
-
replace: operatingSystemVersion
operatingSystemVersion: $osver
EOF
}

# delegate SRC DST [forms]: SRC may delegate to DST's migration service and cifs, both name forms
seed_delegate() {
    local src=$1 dst=$2 forms=${3:-both} lower
    lower=$(echo "$dst" | tr 'A-Z' 'a-z')
    local svc
    for svc in "$MVSMS" cifs; do
        ST delegation add-service "$src\$" "$svc/$dst" >/dev/null
        [ "$forms" = netbios ] || ST delegation add-service "$src\$" "$svc/$lower.$DNSDOMAIN" >/dev/null
    done
}

do_seed() {
    need_root
    running_pid >/dev/null && ldap_answers || die "the DC in $DIR is not up: run $0 up $DIR first"
    local t0=$SECONDS
    if ldapsearch -LLL -x -H ldap://127.0.0.1 -D "Administrator@$DNSDOMAIN" -w "$(admin_pass)" \
        -b "OU=Hyper-V,$BASEDN" -s base dn 2>/dev/null | grep -q '^dn:'; then
        log "already seeded (OU=Hyper-V,$BASEDN exists); to start over: $0 purge $DIR && $0 up $DIR && $0 seed $DIR"
        audit_hint
        return 0
    fi
    log "seeding OU=Hyper-V: HVC1 (HV01-HV03, correct), HVC2 (HV11-HV13, drifted; file server NAS01), operators"
    ST ou create "OU=Hyper-V" >/dev/null
    ST ou create "OU=HVC1,OU=Hyper-V" >/dev/null
    ST ou create "OU=HVC2,OU=Hyper-V" >/dev/null
    local h s d
    # HVC1: three correct nodes, full mesh, both forms, protocol transition ("any authentication protocol")
    for h in HV01 HV02 HV03; do seed_host "$h" "OU=HVC1,OU=Hyper-V"; done
    for s in HV01 HV02 HV03; do
        for d in HV01 HV02 HV03; do [ "$s" = "$d" ] || seed_delegate "$s" "$d"; done
        ST delegation for-any-protocol "$s\$" on >/dev/null
    done
    # HVC2: drifted
    for h in HV11 HV12 HV13; do seed_host "$h" "OU=HVC2,OU=Hyper-V"; done
    seed_delegate HV11 HV13              # HV11 -> HV12 missing entirely           (MISSING_DELEGATION)
    seed_delegate HV12 HV11
    seed_delegate HV12 HV13 netbios      # HV12 -> HV13 only the NetBIOS form      (MISSING_DELEGATION)
    seed_delegate HV13 HV11
    seed_delegate HV13 HV12
    ST delegation add-service 'HV11$' "$MVSMS/HV14" >/dev/null   # removed node HV14 (STALE_DELEGATION)
    for s in HV11 HV13; do ST delegation for-any-protocol "$s\$" on >/dev/null; done
    #   HV12 stays "Kerberos only" on a 2022 host                        (PROTOCOL_TRANSITION_MISMATCH)
    ST delegation for-any-service 'HV13$' on >/dev/null              # (UNCONSTRAINED_DELEGATION)
    # RBCD on HV11 allowing HV13, which already delegates by KCD (system-only over LDAP in Samba 4.17: write through the database)
    samba-tool delegation add-principal 'HV11$' 'HV13$' -H "tdb://$DIR/private/sam.ldb" -s "$SMBCONF" >/dev/null  # (RBCD_PRESENT)
    # a service account that also claims HV12's migration SPN (the DC refuses the exact string since
    # 2012 R2 / Samba 4.x, but not the trailing-dot spelling, which Kerberos treats as the same name)
    ST user create svc-legacy "$(admin_pass)" --userou="OU=Hyper-V" >/dev/null
    ST spn add "$MVSMS/hv12.$DNSDOMAIN." svc-legacy >/dev/null   # (DUPLICATE_SPN)
    # Kerberos beyond delegation. NAS01: a Samba file server for HVC2 whose account allows RC4 only.
    ST computer create NAS01 --computerou="OU=Hyper-V" >/dev/null
    ST spn add "HOST/NAS01" 'NAS01$' >/dev/null
    ST spn add "HOST/nas01.$DNSDOMAIN" 'NAS01$' >/dev/null
    ST user setpassword 'NAS01$' --newpassword="$(admin_pass)" >/dev/null   # a join sets the machine password
    LM <<EOF
dn: CN=NAS01,OU=Hyper-V,$BASEDN
changetype: modify
replace: userAccountControl
userAccountControl: 4096
-
replace: dNSHostName
dNSHostName: nas01.$DNSDOMAIN
-
replace: operatingSystem
operatingSystem: Samba
-
replace: operatingSystemVersion
operatingSystemVersion: 4.17
-
replace: msDS-SupportedEncryptionTypes
msDS-SupportedEncryptionTypes: 4
EOF
    for s in HV11 HV12 HV13; do
        ST delegation add-service "$s\$" "cifs/NAS01" >/dev/null
        ST delegation add-service "$s\$" "cifs/nas01.$DNSDOMAIN" >/dev/null
    done
    # HV11 may delegate to cifs on the DC itself: a sensitive target
    ST delegation add-service 'HV11$' "cifs/$HOSTNAME_DC.$DNSDOMAIN" >/dev/null
    # the operators who start migrations remotely: adm-sensitive is marked "sensitive and cannot be
    # delegated" (UAC 0x100000), adm-protected is in Protected Users through the nested group HV Tier0
    ST user create adm-sensitive "$(admin_pass)" --userou="OU=Hyper-V" >/dev/null
    LM <<EOF
dn: CN=adm-sensitive,OU=Hyper-V,$BASEDN
changetype: modify
replace: userAccountControl
userAccountControl: $((0x200 | 0x100000))
EOF
    ST user create adm-protected "$(admin_pass)" --userou="OU=Hyper-V" >/dev/null
    ST group add "HV Tier0" --groupou="OU=Hyper-V" >/dev/null
    ST group addmembers "HV Tier0" adm-protected >/dev/null
    ST group addmembers "Protected Users" "HV Tier0" >/dev/null
    ST group add "HV Operators" --groupou="OU=Hyper-V" >/dev/null
    ST group addmembers "HV Operators" adm-sensitive,adm-protected >/dev/null
    log "seeded in $((SECONDS - t0)) s."
    audit_hint
}

# The command that audits the seeded domain with config/samba-example.yaml
audit_hint() {
    # ./kcd-audit in a checkout, bin/kcd-audit in the unpacked release archive (no ./kcd-audit there)
    local launcher=./kcd-audit read=cat
    [ -e "$(dirname "$0")/../kcd-audit" ] || launcher=bin/kcd-audit
    # admin.pass is root's alone (0600): whoever ran this through sudo reads it through sudo too
    [ -z "${SUDO_USER:-}" ] || read="sudo cat"
    log "Audit it: KCD_AUDIT_LDAP_PASSWORD=\$($read $DIR/admin.pass) $launcher run --config config/samba-example.yaml"
    [ "$DIR" = /tmp/kcd-samba ] || log "config/samba-example.yaml reads /tmp/kcd-samba: change its paths to $DIR first"
}

do_strong_auth() {
    need_root
    case "$VALUE" in yes|no) ;; *) die "usage: $0 strong-auth yes|no [DIR]" ;; esac
    [ -f "$SMBCONF" ] || die "no DC provisioned in $DIR: run $0 up $DIR first"
    set_global "ldap server require strong auth" "$VALUE"
    log "ldap server require strong auth = $VALUE; restarting DC1"
    stop_pid "$PIDFILE" DC1
    do_up
}

case "$cmd" in
    up) do_up ;;
    strong-auth) do_strong_auth ;;
    seed) do_seed ;;
    join) do_join ;;
    replicate) do_replicate ;;
    down) do_down ;;
    status) do_status ;;
    purge) do_down; [ -f "$DIR/.kcd-samba" ] || [ ! -e "$DIR" ] || die "$DIR was not made by this script; not deleting it"; rm -rf "$DIR"; log "removed $DIR" ;;
    *) sed -n '2,/^set /p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; [ -z "$cmd" ] || [ "$cmd" = help ] || [ "$cmd" = -h ] || [ "$cmd" = --help ] || exit 2 ;;
esac
