#!/usr/bin/env bash
# kcd-auditor benchmark (issue 7): the audit against the ldapsearch floor, on the same slapd and data.
#
#   scripts/bench/run.sh [HOSTS...]            default: 1000
#   scripts/bench/run.sh 1000 5000 20000       the issue's sizes (others = 4 x hosts: 80k at 20k)
#
# For each size: generate an AD-shaped LDIF and the matching config (gen_ldif.py), load it offline
# into an mdb database with slapadd, start a private slapd on ldap://127.0.0.1:$BENCH_PORT/ with its
# own config under a temp dir (never port 389, never the system slapd), then time
#   (a) the floor: ldapsearch paged dump (-E pr=1000/noprompt) with the collector's filter and attributes
#   (b) the audit: kcd-audit run --formats $BENCH_FORMATS --timings, the first run in a store of its own
#   (c) the next run: the same command again in that store (BENCH_NEXT=0 skips it)
# with /usr/bin/time -v (wall, peak RSS), stop slapd, and write bench/results/hosts-N.json. Only audit rounds that
# completed (exit 0 or 3) are timed; a failed one stays in "runs" with its exit code, and with none the time is "-".
#
# Environment:
#   BENCH_PORT=3890            slapd port on 127.0.0.1
#   BENCH_REPEAT=1             timed (floor, audit) rounds per size; medians are reported
#   BENCH_OTHERS=              unrelated computers (default 4 x hosts)
#   BENCH_FORMATS=json,xlsx,pdf,md,html,ps1   (findings.json, workbook, PDF, the three runbooks)
#   BENCH_HEAP=512m            heap ceiling for the audit JVM (-Xmx)
#   BENCH_AUDIT_CMD=           command to run instead of the launcher/jar (config/out args appended)
#   BENCH_KEEP=1               keep the temp dir (LDIF, slapd db, reports)
#   BENCH_WORK=                work in this (new or empty) directory instead of a mktemp one under /tmp
#   BENCH_HEAP_50000=1g        heap ceiling for one size only (BENCH_HEAP_<hosts>), e.g. the issue's 1g at 50k
#   BENCH_NEXT=1               after each round's run, time one more run in the same store (what the daily scheduled
#                              audit does: it reads the previous run and compares); 0 = first runs only
# The audit JVM logs its collections (JAVA_TOOL_OPTIONS=-Xlog:gc) to gcN.log: peak heap and the largest live set.
# Run it in a network namespace of its own to keep slapd off the shared loopback:
#   ip netns add kcdperf; ip netns exec kcdperf ip link set lo up; ip netns exec kcdperf scripts/bench/run.sh ...
#   BENCH_RESULTS=bench/results
#   BENCH_REPL_META=0          msDS-ReplAttributeMetaData values per Hyper-V host (AD: about 40), read by the audit
#                              for its change times; 0 = a server without them (one read, then none)
#   BENCH_REPL_META_FORM=xml   xml (msDS-ReplAttributeMetaData) or binary (replPropertyMetaData, as Samba returns)
# Needs: slapd, ldap-utils (Debian), python3, java 17, GNU time.  apt-get install slapd ldap-utils time
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/scripts/bench"
PORT=${BENCH_PORT:-3890}
REPEAT=${BENCH_REPEAT:-1}
FORMATS=${BENCH_FORMATS:-json,xlsx,pdf,md,html,ps1}
HEAP=${BENCH_HEAP:-512m}
RESULTS=${BENCH_RESULTS:-$ROOT/bench/results}
SIZES=("$@")
[ ${#SIZES[@]} -eq 0 ] && SIZES=(1000)
case "${1:-}" in -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;; esac
for N in "${SIZES[@]}"; do
  [[ "$N" =~ ^[1-9][0-9]*$ ]] || {
    echo "run.sh: '$N' is not a number of hosts; usage: scripts/bench/run.sh [HOSTS...] (e.g. 1000 5000 20000; --help)" >&2
    exit 2; }
done

BIND_DN="CN=svc-kcdaudit,OU=Service Accounts,DC=contoso,DC=com"
BIND_PW="bench-Pa55word"
BASE="DC=contoso,DC=com"
FILTER='(|(objectClass=computer)(servicePrincipalName=*))'
ATTRS=(cn sAMAccountName dNSHostName distinguishedName userAccountControl servicePrincipalName
       msDS-AllowedToDelegateTo msDS-AllowedToActOnBehalfOfOtherIdentity objectSid operatingSystem
       operatingSystemVersion whenChanged uSNChanged lastLogonTimestamp msDS-SupportedEncryptionTypes pwdLastSet
       accountExpires)

for tool in slapd slapadd ldapsearch python3 java; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || {
    echo "run.sh: $tool not found (apt-get install slapd ldap-utils time)" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "run.sh: /usr/bin/time (GNU time) not found" >&2; exit 2; }
SLAPD=$(command -v slapd || echo /usr/sbin/slapd)
SLAPADD=$(command -v slapadd || echo /usr/sbin/slapadd)

if ss -ltn 2>/dev/null | awk '{print $4}' | grep -qE "[:.]$PORT\$"; then
  echo "run.sh: port $PORT is already in use; set BENCH_PORT" >&2; exit 2
fi

if [ -n "${BENCH_WORK:-}" ]; then
  mkdir -p "$BENCH_WORK"; WORK=$(cd "$BENCH_WORK" && pwd)
  [ -z "$(ls -A "$WORK")" ] || { echo "run.sh: BENCH_WORK $WORK is not empty" >&2; exit 2; }
else
  WORK=$(mktemp -d /tmp/kcd-bench.XXXXXX)
fi
SLAPD_PIDFILE=""
stop_slapd() {
  if [ -n "$SLAPD_PIDFILE" ] && [ -f "$SLAPD_PIDFILE" ]; then
    local pid; pid=$(cat "$SLAPD_PIDFILE")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  SLAPD_PIDFILE=""
}
cleanup() {
  stop_slapd
  if [ "${BENCH_KEEP:-}" = 1 ]; then echo "run.sh: kept $WORK" >&2
  elif [ -n "${BENCH_WORK:-}" ]; then find "$WORK" -mindepth 1 -delete
  else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the audit command -------------------------------------------------------------------------
cd "$ROOT"
JAR="$ROOT/target/kcd-auditor.jar"
if [ -z "${BENCH_AUDIT_CMD:-}" ]; then
  if [ ! -f "$JAR" ] || [ -n "$(find "$ROOT/src/main" "$ROOT/pom.xml" -newer "$JAR" -print -quit 2>/dev/null)" ]; then
    echo "run.sh: building $JAR" >&2
    mvn -q -o -DskipTests package >"$WORK/build.log" 2>&1 || mvn -q -DskipTests package >"$WORK/build.log" 2>&1 \
      || { tail -30 "$WORK/build.log" >&2; exit 2; }
  fi
  AUDIT=(java "-Xmx$HEAP" -jar "$JAR")
  if [ -x "$ROOT/kcd-audit" ]; then
    # the launcher carries the JVM flags chosen for a batch run (KCD_AUDIT_JAVA_OPTS adds more)
    AUDIT=(env "KCD_AUDIT_HEAP=$HEAP" "$ROOT/kcd-audit")
  fi
else
  read -r -a AUDIT <<<"$BENCH_AUDIT_CMD"
fi
echo "run.sh: audit command: ${AUDIT[*]}" >&2

now() { date +%s.%N; }

mkdir -p "$RESULTS"
for N in "${SIZES[@]}"; do
  OTHERS=${BENCH_OTHERS:-$((4 * N))}
  HEAP_VAR="BENCH_HEAP_$N"; SIZE_HEAP=${!HEAP_VAR:-$HEAP}
  if [ -z "${BENCH_AUDIT_CMD:-}" ]; then
    if [ -x "$ROOT/kcd-audit" ]; then AUDIT=(env "KCD_AUDIT_HEAP=$SIZE_HEAP" "$ROOT/kcd-audit")
    else AUDIT=(java "-Xmx$SIZE_HEAP" -jar "$JAR"); fi
  fi
  D="$WORK/h$N"; mkdir -p "$D/db" "$D/run"
  echo "== $N hosts + $OTHERS other computers ($D)" >&2

  t0=$(now)
  python3 "$HERE/gen_ldif.py" --hosts "$N" --others "$OTHERS" --ldif "$D/data.ldif" --config "$D/kcd-audit.yaml" \
    --url "ldap://127.0.0.1:$PORT" --bind-dn "$BIND_DN" --bind-password "$BIND_PW" \
    --repl-meta "${BENCH_REPL_META:-0}" --repl-meta-form "${BENCH_REPL_META_FORM:-xml}" >/dev/null
  t1=$(now)

  sed -e "s|@DIR@|$D|g" -e "s|@SCHEMA@|$HERE/ad-kcd.schema|g" "$HERE/slapd.conf.in" >"$D/slapd.conf"
  "$SLAPADD" -q -f "$D/slapd.conf" -l "$D/data.ldif" >"$D/slapadd.log" 2>&1 || { tail -20 "$D/slapadd.log" >&2; exit 2; }
  t2=$(now)

  SLAPD_PIDFILE="$D/run/slapd.pid"
  "$SLAPD" -f "$D/slapd.conf" -h "ldap://127.0.0.1:$PORT/" -n kcd-bench-slapd
  for _ in $(seq 100); do
    ldapwhoami -x -H "ldap://127.0.0.1:$PORT" -D "$BIND_DN" -w "$BIND_PW" >/dev/null 2>&1 && break; sleep 0.1
  done
  ldapwhoami -x -H "ldap://127.0.0.1:$PORT" -D "$BIND_DN" -w "$BIND_PW" >/dev/null

  floor() {  # $1 = output prefix
    /usr/bin/time -v -o "$1.time" ldapsearch -x -LLL -o ldif-wrap=no -H "ldap://127.0.0.1:$PORT" -D "$BIND_DN" \
      -w "$BIND_PW" -b "$BASE" -E pr=1000/noprompt "$FILTER" "${ATTRS[@]}" >"$1.ldif" 2>"$1.err"
  }
  LOAD0=$(cut -d" " -f1-3 /proc/loadavg)
  # warm-up: one untimed dump so both measured runs see a warm slapd cache
  floor "$D/warmup" || { cat "$D/warmup.err" >&2; exit 2; }
  # a non-paged search as the audit account must stop at 1000 (AD-like limit)
  ldapsearch -x -LLL -H "ldap://127.0.0.1:$PORT" -D "$BIND_DN" -w "$BIND_PW" -b "$BASE" "(objectClass=computer)" dn \
    >"$D/nopage.ldif" 2>"$D/nopage.err" || true
  NOPAGE=$(grep -c '^dn:' "$D/nopage.ldif" || true)

  export KCD_AUDIT_LDAP_PASSWORD="$BIND_PW"
  run_audit() {  # $1 = name of its files, $2 = its gc log, $3 = store dir, $4 = out dir, $5 = formats, $6.. = flags
    local s e; s=$(now)
    set +e
    cd "$3"
    JAVA_TOOL_OPTIONS="${JAVA_TOOL_OPTIONS:-} -Xlog:gc:file=$D/$2" \
      /usr/bin/time -v -o "$D/$1.time" "${AUDIT[@]}" run --config "$D/kcd-audit.yaml" --out "$4" \
      --formats "$5" "${@:6}" >"$D/$1.out" 2>"$D/$1.err"
    rc=$?
    cd "$ROOT"
    set -e
    e=$(now)
    echo "$s $e $rc" >"$D/$1.wall"
  }
  audit_once() {  # $1 = round, $2 = formats, $3.. = extra flags; sets rc
    # each round is the first run in a store of its own (data/ under the working directory), not one more
    # run in the checkout's store: the previous run's read and a growing store are measured apart
    rm -rf "$D/out$1" "$D/store$1"; mkdir -p "$D/store$1"
    run_audit "audit$1" "gc$1.log" "$D/store$1" "$D/out$1" "${@:2}"
  }
  audit_next() {  # $1 = round, $2 = formats, $3.. = extra flags: one more run in round $1's store, as a scheduled
    # audit runs every day after the first (it reads the previous run and compares with it)
    rm -rf "$D/nextout$1"
    run_audit "next$1" "gcnext$1.log" "$D/store$1" "$D/nextout$1" "${@:2}"
    if [ "$rc" != 0 ] && [ "$rc" != 3 ]; then
      echo "run.sh: the next run exited $rc" >&2; tail -20 "$D/next$1.err" >&2
    fi
    [ "${BENCH_KEEP:-}" = 1 ] || rm -rf "$D/nextout$1"
  }
  USED_FORMATS=$FORMATS
  TFLAG=(--timings)
  # the first build of the jar (launcher), its start-up cache and a first JVM start are not part of the
  # measurement: the launcher trains its cache before 'demo' only
  "${AUDIT[@]}" demo --out "$D/warm-up" >/dev/null 2>&1 || true
  rm -rf "$D/warm-up"
  for r in $(seq "$REPEAT"); do
    a0=$(now); floor "$D/floor$r" || { cat "$D/floor$r.err" >&2; exit 2; }; a1=$(now)
    echo "$a0 $a1" >"$D/floor$r.wall"
    audit_once "$r" "$USED_FORMATS" "${TFLAG[@]}"
    if [ "$rc" = 2 ] && grep -qi -- "--timings\|unknown option" "$D/audit$r.err"; then
      echo "run.sh: the tool has no --timings yet; timing the whole run only" >&2
      TFLAG=(); audit_once "$r" "$USED_FORMATS"
    fi
    if [ "$rc" != 0 ] && [ "$rc" != 3 ] && [ "$USED_FORMATS" != json ] && grep -qi "format\|writer" "$D/audit$r.err"; then
      echo "run.sh: the tool cannot write all of $USED_FORMATS yet ($(grep -i -m1 'format\|writer' "$D/audit$r.err")); measuring json only" >&2
      USED_FORMATS=json; audit_once "$r" "$USED_FORMATS" "${TFLAG[@]}"
    fi
    if [ "$rc" != 0 ] && [ "$rc" != 3 ]; then
      echo "run.sh: audit exited $rc" >&2; tail -20 "$D/audit$r.err" >&2
    elif [ "${BENCH_NEXT:-1}" != 0 ]; then
      audit_next "$r" "$USED_FORMATS" "${TFLAG[@]}"
    fi
  done
  stop_slapd

  python3 "$HERE/summarize.py" --dir "$D" --hosts "$N" --others "$OTHERS" --repeat "$REPEAT" \
    --stamps "$t0" "$t1" "$t2" \
    --nopage-count "$NOPAGE" --formats "$USED_FORMATS" --requested-formats "$FORMATS" --load "$LOAD0" "$(cut -d" " -f1-3 /proc/loadavg)" --audit-cmd "${AUDIT[*]}" --root "$ROOT" \
    --floor-filter "$FILTER" --floor-attrs "${ATTRS[*]}" \
    --heap "$SIZE_HEAP" \
    --out "$RESULTS/hosts-$N.json"
done

TABLE=()
for N in "${SIZES[@]}"; do TABLE+=("$RESULTS/hosts-$N.json"); done
python3 "$HERE/summarize.py" --table "${TABLE[@]}"
