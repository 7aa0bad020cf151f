#!/usr/bin/env bash
# Starts a single-node Slurm cluster on 127.0.0.1 for the tests (and for trying samples/slurm by hand):
# its own munged, slurmctld and slurmd, every file of theirs under one folder, no cgroups, no accounting
# database. Run as root. Prints the environment to use, e.g.
#   eval "$(tests/slurm/start-cluster.sh)"   # then sinfo, srun, sbatch talk to this cluster
# Idempotent: when the cluster this script started in that folder is up, it is reused as it is.
#
#   BOMAX_SLURM_DIR   the folder (default ${TMPDIR:-/tmp}/bomax-slurm); tests/slurm/stop-cluster.sh stops it
#   BOMAX_SLURM_WAIT  seconds to wait for the node to come up idle (default 60)
#   BOMAX_SLURM_PORT  slurmctld's port; slurmd's is the next one (default 6917, away from Slurm's 6817)
#
# Exit 0: up, environment printed on stdout. Exit 1: it could not come up; what each daemon logged is on stderr.
set -euo pipefail

dir=${BOMAX_SLURM_DIR:-${TMPDIR:-/tmp}/bomax-slurm}
wait_s=${BOMAX_SLURM_WAIT:-60}
port=${BOMAX_SLURM_PORT:-6917}
conf=$dir/slurm.conf
socket=$dir/munge.socket
node=bomax-node

say() { echo "start-cluster: $*" >&2; }
die() { say "$*"; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (slurmd runs jobs as their users and SlurmUser=root here)"
# The folder is root's alone: in a shared /tmp, someone else's folder (or a link) must not receive root's files.
if [ -L "$dir" ] || { [ -e "$dir" ] && [ "$(stat -c %u "$dir")" != 0 ]; }; then die "$dir is a link or not owned by root; refusing to use it"; fi
for tool in munged slurmctld slurmd sinfo scontrol; do
  command -v "$tool" >/dev/null || die "$tool is not installed (apt-get install -y slurm-wlm munge)"
done

print_env() {
  echo "export SLURM_CONF=$conf"
}

alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# The node's state as sinfo reports it ("idle", "mix", "alloc", "down*", "drain" …), or nothing.
node_state() { SLURM_CONF=$conf timeout 10 sinfo --noheader --nodes="$node" --format=%T 2>/dev/null | head -n1; }

usable() { case $(node_state) in idle | mix* | alloc* | completing*) return 0 ;; *) return 1 ;; esac; }

# --- slurm.conf -------------------------------------------------------------------------------------------------
# The node as slurmd sees the hardware (CPUs, sockets, cores, memory), so slurmd finds nothing to complain about.
hardware=$(slurmd -C 2>/dev/null | head -n1 || true)
field() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$hardware"; }
cpus=$(field CPUs)
memory=$(field RealMemory)
[ -n "$cpus" ] || cpus=$(nproc)
[ -n "$memory" ] || memory=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
topology=""
for f in Boards SocketsPerBoard CoresPerSocket ThreadsPerCore; do
  value=$(field "$f")
  if [ -n "$value" ]; then topology+=" $f=$value"; fi
done
write_conf() {
  cat <<EOF
# Written by tests/slurm/start-cluster.sh: one node on 127.0.0.1, no cgroups, no accounting database.
ClusterName=bomax-test
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# No cgroups: processes are tracked through /proc, tasks are not confined, nothing is gathered.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
MailProg=/bin/true
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
ReturnToService=2
# Seconds between SIGTERM and SIGKILL when a job or step is cancelled (Slurm's default is 30).
KillWait=5
# Seconds a finished job stays known to slurmctld; short, so that \`sbatch --wait\` polls every 2 s, not 8 to 32.
MinJobAge=4
SlurmdParameters=config_overrides
NodeName=$node NodeHostname=$(hostname -s) NodeAddr=127.0.0.1 CPUs=$cpus$topology RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
}

# Reused only when it runs the very configuration this script would write now.
if [ -f "$conf" ] && cmp -s "$conf" <(write_conf) && alive "$dir/munged.pid" && alive "$dir/slurmctld.pid" && alive "$dir/slurmd.pid" && usable; then
  say "reusing the cluster in $dir (node $node: $(node_state))"
  print_env
  exit 0
fi

# Something of ours is half up, wedged or configured otherwise (or a stale folder from a crash): stop it, start clean.
if compgen -G "$dir/*.pid" >/dev/null; then
  say "stopping the earlier cluster in $dir: not (fully) up, or configured otherwise"
  BOMAX_SLURM_DIR=$dir bash "$(dirname "$0")/stop-cluster.sh" >&2 || true
fi
mkdir -p "$dir"/state "$dir"/spool
# Each start logs afresh (the previous logs are kept as *.log.old).
for log in munged slurmctld slurmd; do
  if [ -f "$dir/$log.log" ]; then mv -f "$dir/$log.log" "$dir/$log.log.old"; fi
done
chmod 0755 "$dir"
write_conf >"$conf"

# --- munge: our own daemon, key and socket, so a site's munged (if any) is left alone -------------------------
key=$dir/munge.key
if [ ! -s "$key" ]; then
  if ! mungekey --create --keyfile="$key" 2>/dev/null; then
    dd if=/dev/urandom of="$key" bs=1024 count=1 status=none
  fi
fi
chmod 0600 "$key"
munged --socket="$socket" --key-file="$key" --pid-file="$dir/munged.pid" --log-file="$dir/munged.log" \
  --seed-file="$dir/munged.seed" --force 2>>"$dir/munged.log" || {
  cat "$dir/munged.log" >&2
  die "munged did not start (its log is above)"
}

# --- the daemons ----------------------------------------------------------------------------------------------
export SLURM_CONF=$conf
# -c: a clean start, forgetting the jobs and nodes of an earlier cluster in this folder.
slurmctld -c -f "$conf" 2>>"$dir/slurmctld.log" || {
  cat "$dir/slurmctld.log" >&2
  die "slurmctld did not start (its log is above)"
}
slurmd -N "$node" -f "$conf" 2>>"$dir/slurmd.log" || {
  cat "$dir/slurmd.log" >&2
  die "slurmd did not start (its log is above)"
}

deadline=$((SECONDS + wait_s))
state=""
while [ $SECONDS -lt $deadline ]; do
  state=$(node_state)
  case $state in idle | mix* | alloc*) break ;; esac
  sleep 1
done
if ! usable; then
  say "the node did not come up idle within ${wait_s} s (sinfo says: ${state:-nothing})"
  for log in munged slurmctld slurmd; do
    say "--- last lines of $dir/$log.log ---"
    tail -n 30 "$dir/$log.log" >&2 2>/dev/null || true
  done
  SLURM_CONF=$conf scontrol show node "$node" >&2 2>&1 || true
  exit 1
fi
say "up in $dir: node $node ($cpus CPUs, ${memory} MB) is $state; logs in $dir/*.log"
print_env
