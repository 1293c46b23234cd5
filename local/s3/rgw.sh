#!/usr/bin/env bash
# The project's local S3: Ceph's RADOS Gateway on a one-node cluster (mon + osd, no mgr).
# RGW enforces signatures, POST policies and multipart rules as AWS does, which the stub
# servers on npm don't (see /work/shared/NOTES.md).
# Usage: rgw.sh start|stop|status|env|reset|user-add UID|user-rm UID
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# Absolute and canonical: the path is also how we recognise our daemons (see alive).
STATE=$(realpath -m "${S3VIDEO_STATE_DIR:-$REPO/.local}/rgw")
PORT=${S3VIDEO_S3_PORT:-7480}
BUCKET=${S3VIDEO_S3_BUCKET:-s3video-local}
CORS_ORIGINS=${S3VIDEO_CORS_ORIGINS:-*}
ENDPOINT=http://127.0.0.1:$PORT
# Every ceph tool reads the cluster from here, never from /etc/ceph.
export CEPH_CONF=$STATE/ceph.conf
DAEMONS=(radosgw ceph-osd ceph-mon) # stop order; start is the reverse
declare -A LOG=([ceph-mon]=mon.a [ceph-osd]=osd.0 [radosgw]=client.rgw.local [setup]=setup)

say() { echo "local S3: $*"; }
die() { echo "local S3: $*" >&2; exit 1; }
now() { echo "${EPOCHREALTIME//[!0-9]/}"; } # microseconds; the separator follows the locale
since() { local ds=$((($(now) - $1) / 100000)); echo "$((ds / 10)).$((ds % 10)) s"; }

# A pid counts only if it is still the daemon we started: pids get reused (after a reboot,
# possibly by another checkout's ceph-mon), so it must also carry this cluster's CEPH_CONF,
# and a zombie waiting for its parent is already dead.
alive() {
  local pid comm state environ
  pid=$(cat "$STATE/run/$1.pid" 2>/dev/null) || return 1
  read -r _ comm state _ 2>/dev/null <"/proc/$pid/stat" || return 1
  [[ $comm == "($1)" && $state != Z ]] || return 1
  environ=$(tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ") || return 1
  [[ $'\n'$environ$'\n' == *$'\n'"CEPH_CONF=$CEPH_CONF"$'\n'* ]]
}
answers() { curl -s -o /dev/null --max-time 2 "$ENDPOINT/"; }
running() { alive ceph-mon && alive ceph-osd && alive radosgw && answers; }

# Detached from our session (setsid) and from our stdout, so callers that capture the output
# of `start` don't wait for the daemons; -f keeps the pid we record the daemon's own. Without
# fd 9, so the daemons don't inherit the lock.
launch() {
  local prog=$1; shift
  setsid "$prog" -f "$@" </dev/null >>"$STATE/log/$prog.out" 2>&1 9>&- &
  echo $! >"$STATE/run/$prog.pid"
}

start_daemons() {
  launch ceph-mon -i a
  launch ceph-osd -i 0
  # The port is a start option, not part of the cluster, so it may change between runs.
  # tcp_nodelay: without it every answer with a body waits ~40 ms (Nagle vs the client's delayed ACK).
  launch radosgw -n client.rgw.local --rgw-frontends "beast endpoint=127.0.0.1:$PORT tcp_nodelay=1"
}

wait_ready() {
  local deadline=$((SECONDS + 60)) prog
  until answers; do
    for prog in ceph-mon ceph-osd radosgw; do
      alive "$prog" || fail_with_log "$prog exited" "$prog"
    done
    ((SECONDS < deadline)) || fail_with_log "no answer at $ENDPOINT after 60 s" radosgw
    sleep 0.2
  done
}

fail_with_log() {
  local log=$STATE/log/${LOG[$2]}.log
  # A daemon that dies before opening its log leaves the reason on stderr only.
  [[ -s $log ]] || log=$STATE/log/$2.out
  echo "local S3: $1; last lines of $log:" >&2
  tail -n 25 "$log" >&2 || true
  echo "local S3: '$0 stop' stops what did start" >&2
  exit 1
}

write_conf() {
  local fsid=$1 mon_port=$2
  cat >"$CEPH_CONF" <<EOF
[global]
fsid = $fsid
# msgr v2 only, loopback only. The mon port sits next to the S3 port so that two checkouts
# with different S3 ports don't collide on Ceph's default 3300.
mon host = [v2:127.0.0.1:$mon_port]
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind msgr1 = false
ms bind ipv6 = false
# Everything in the state dir, nothing in /var/{run,lib,log}/ceph. Log files are set per
# daemon below so that ceph clients (ceph, radosgw-admin) keep their default of none.
run dir = $STATE/run
crash dir = $STATE/crash
mon cluster log file = $STATE/log/cluster.log
# One OSD: one copy of everything, placement across OSDs rather than hosts, few PGs.
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon warn on pool no redundancy = false
# A developer's nearly full disk must not make the mon shut itself down.
mon data avail crit = 1
# Default levels write RocksDB statistics and every PG transition: ~10k log lines per start.
debug rocksdb = 0/5
debug bluestore = 0/5
debug bluefs = 0/5
debug osd = 0/5
debug mon = 0/5
debug paxos = 0/5

[client]
keyring = $STATE/admin.keyring

# Not [mon]: ceph-authtool -n mon. would read it and write a log file of its own.
[mon.a]
log file = $STATE/log/\$name.log
mon data = $STATE/mon/\$name
keyring = $STATE/mon/\$name/keyring

[osd]
log file = $STATE/log/\$name.log
osd data = $STATE/osd/\$name
keyring = $STATE/osd/\$name/keyring
osd objectstore = bluestore
# A sparse file (osd data dir/block): 64G of address space (a 5 GiB upload plus its confirm copy and
# the GC delay need ~3× the file), disk used only for what is stored.
bluestore block create = true
bluestore block size = 64G
# Ceph sizes its caches for a server (4 GiB per OSD); a laptop wants ~100 MB. With autotune
# off, the fixed cache size below replaces osd_memory_target (which has a floor of 896M).
bluestore cache autotune = false
bluestore cache size = 134217728

[client.rgw.local]
log file = $STATE/log/\$name.log
# Fixed name: the default one contains the pid, leaving one stale socket per restart.
admin socket = $STATE/run/\$name.asok
keyring = $STATE/rgw.keyring
# 512 request threads by default; one developer's browser needs far fewer.
rgw thread pool size = 64
# Deleted and overwritten data is otherwise kept allocated for 2 hours.
rgw gc obj min wait = 60
rgw gc processor period = 60
rgw gc processor max time = 60
EOF
}

# Builds the cluster with the mon running (the OSD is registered through it), then leaves
# all three daemons running. Any failure leaves no "setup-done" marker: the next start wipes
# the half-made cluster and begins again.
create_cluster() {
  local mon_port=$((PORT + 1)) fsid osd_uuid osd_key access secret
  fsid=$(cat /proc/sys/kernel/random/uuid)
  mkdir -p "$STATE"/{run,log,crash,mon/mon.a,osd/osd.0}
  write_conf "$fsid" "$mon_port"
  quiet ceph-authtool "$STATE/mon.keyring" --create-keyring --gen-key -n mon. --cap mon 'allow *'
  quiet ceph-authtool "$STATE/admin.keyring" --create-keyring --gen-key -n client.admin \
    --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *'
  quiet ceph-authtool "$STATE/rgw.keyring" --create-keyring --gen-key -n client.rgw.local \
    --cap mon 'allow rw' --cap osd 'allow rwx'
  quiet ceph-authtool "$STATE/mon.keyring" --import-keyring "$STATE/admin.keyring"
  quiet ceph-authtool "$STATE/mon.keyring" --import-keyring "$STATE/rgw.keyring"
  quiet monmaptool --create --addv a "[v2:127.0.0.1:$mon_port]" --fsid "$fsid" "$STATE/monmap"
  quiet ceph-mon --mkfs -i a --monmap "$STATE/monmap" --keyring "$STATE/mon.keyring"
  launch ceph-mon -i a

  osd_uuid=$(cat /proc/sys/kernel/random/uuid)
  osd_key=$(ceph-authtool --gen-print-key)
  quiet timeout 60 ceph osd new "$osd_uuid" 0 -i - <<<"{\"cephx_secret\": \"$osd_key\"}"
  quiet ceph-authtool "$STATE/osd/osd.0/keyring" --create-keyring -n osd.0 --add-key "$osd_key"
  quiet ceph-osd -i 0 --mkfs --osd-uuid "$osd_uuid"
  launch ceph-osd -i 0
  # tcp_nodelay: without it every answer with a body waits ~40 ms (Nagle vs the client's delayed ACK).
  launch radosgw -n client.rgw.local --rgw-frontends "beast endpoint=127.0.0.1:$PORT tcp_nodelay=1"
  wait_ready

  # Random keys per checkout: nothing secret lives in the repo, and the file is 0600.
  access=$(random_string 'A-Z0-9' 20)
  secret=$(random_string 'A-Za-z0-9' 40)
  quiet radosgw-admin user create --uid=s3video --display-name='s3video local' \
    --access-key="$access" --secret="$secret"
  (umask 077; printf '%s\n' "AWS_ACCESS_KEY_ID=$access" "AWS_SECRET_ACCESS_KEY=$secret" \
    >"$STATE/credentials")
  touch "$STATE/setup-done"
}

# Setup tools are chatty; their output goes to a log that is shown only if they fail.
quiet() { "$@" >>"$STATE/log/setup.log" 2>&1 || fail_with_log "'$*' failed" setup; }

random_string() {
  # Read a fixed amount, then cut: `tr </dev/urandom | head` dies of SIGPIPE under pipefail.
  local s
  s=$(head -c 4096 /dev/urandom | LC_ALL=C tr -dc "$1")
  echo "${s:0:$2}"
}

print_env() {
  echo "S3_ENDPOINT=$ENDPOINT"
  echo "S3_REGION=us-east-1"
  echo "S3_BUCKET=$BUCKET"
  cat "$STATE/credentials"
}

# Bucket and CORS are redone only when the bucket name or the origins change.
ensure_bucket() {
  local want="$BUCKET $CORS_ORIGINS"
  [[ $(cat "$STATE/bucket-done" 2>/dev/null) == "$want" ]] && return 0
  say "creating bucket $BUCKET (CORS origins: $CORS_ORIGINS)"
  (
    set -a
    eval "$(print_env)"
    set +a
    export S3VIDEO_CORS_ORIGINS=$CORS_ORIGINS
    cd "$REPO" && node --import tsx local/s3/make-bucket.ts
  ) >>"$STATE/log/setup.log" 2>&1 || fail_with_log "bucket setup failed" setup
  echo "$want" >"$STATE/bucket-done"
}

cmd_start() {
  local t0
  t0=$(now)
  if running; then
    say "already running at $ENDPOINT"
    return 0
  fi
  # Leftovers of a crashed or half-finished run would hold the ports or the OSD's lock.
  stop_daemons
  # Otherwise another server on our port would pass the readiness check below.
  ! answers || die "port $PORT is taken by another program; set S3VIDEO_S3_PORT"
  if [[ ! -e $STATE/setup-done ]]; then
    rm -rf "$STATE"
    say "creating cluster in $STATE"
    create_cluster
  else
    say "starting"
    mkdir -p "$STATE"/{run,log,crash}
    start_daemons
    wait_ready
  fi
  ensure_bucket
  say "ready at $ENDPOINT ($(since "$t0"))"
}

stop_daemons() {
  local prog pid i stopped=()
  for prog in "${DAEMONS[@]}"; do
    if alive "$prog"; then
      pid=$(cat "$STATE/run/$prog.pid")
      stopped+=("$pid")
      # radosgw keeps nothing on local disk, and without its OSD it would hang in shutdown
      # until the KILL below: after a crash, kill it at once.
      if [[ $prog == radosgw ]] && ! alive ceph-osd; then kill -KILL "$pid" 2>/dev/null || true; fi
      kill -TERM "$pid" 2>/dev/null || true
      for ((i = 0; i < 150; i++)); do
        alive "$prog" || break
        sleep 0.1
      done
      if alive "$prog"; then
        say "$prog did not stop in 15 s, killing it"
        kill -KILL "$pid" 2>/dev/null || true
        while alive "$prog"; do sleep 0.1; done
      fi
    fi
    rm -f "$STATE/run/$prog.pid"
  done
  # The daemons' parent is init, which may take a moment to reap them; wait (briefly) so
  # that after `stop` they are gone from the process table, not zombies.
  for pid in "${stopped[@]}"; do
    for ((i = 0; i < 30; i++)); do
      [[ -e /proc/$pid ]] || break
      sleep 0.1
    done
  done
}

cmd_stop() {
  local t0
  t0=$(now)
  [[ -d $STATE/run ]] || return 0
  stop_daemons
  say "stopped ($(since "$t0"))"
}

# Two start/stop runs on one state dir (two terminals, a test runner and a dev server) would
# overwrite each other's pid files; they take turns instead.
lock() {
  mkdir -p "$(dirname "$STATE")"
  exec 9>"$STATE.lock"
  flock -w 120 9 || die "another rgw.sh kept $STATE.lock for 120 s"
}

# A second S3 user on the running cluster, for tests that run a client under a bucket policy
# (test/infra/rgw-policy.test.ts): prints its keys as KEY=value lines. Removed with user-rm,
# which also deletes nothing but the user (its grants live in the bucket's policy).
cmd_user_add() {
  local uid=$1 access secret
  [[ $uid =~ ^s3video-[a-z0-9-]+$ ]] || die "user ids start with s3video- (got '$uid')"
  access=$(random_string 'A-Z0-9' 20)
  secret=$(random_string 'A-Za-z0-9' 40)
  radosgw-admin user create --uid="$uid" --display-name="$uid" --access-key="$access" --secret="$secret" \
    >>"$STATE/log/setup.log" 2>&1 || die "radosgw-admin user create $uid failed (see $STATE/log/setup.log)"
  echo "AWS_ACCESS_KEY_ID=$access"
  echo "AWS_SECRET_ACCESS_KEY=$secret"
}

cmd_user_rm() {
  local uid=$1
  [[ $uid =~ ^s3video-[a-z0-9-]+$ && $uid != s3video ]] || die "refusing to remove user '$uid'"
  radosgw-admin user rm --uid="$uid" >>"$STATE/log/setup.log" 2>&1 || die "radosgw-admin user rm $uid failed"
}

case ${1:-} in
  start) lock && cmd_start ;;
  stop) lock && cmd_stop ;;
  status)
    if running; then say "running at $ENDPOINT"; else say "not running"; exit 1; fi
    ;;
  env)
    [[ -e $STATE/setup-done ]] || die "not set up yet; run '$0 start'"
    print_env
    ;;
  reset)
    lock
    cmd_stop
    rm -rf "$STATE"
    say "removed $STATE"
    ;;
  user-add) running || die "not running"; cmd_user_add "${2:?uid}" ;;
  user-rm) running || die "not running"; cmd_user_rm "${2:?uid}" ;;
  *) die "usage: $0 start|stop|status|env|reset|user-add UID|user-rm UID" ;;
esac
