#!/usr/bin/env bash
# Stops the cluster tests/slurm/start-cluster.sh started in BOMAX_SLURM_DIR (default ${TMPDIR:-/tmp}/bomax-slurm):
# only the daemons whose pid files are in that folder, each by its id (TERM, then KILL after a bounded wait).
# The folder (logs, state) is kept for inspection; start-cluster.sh starts afresh in it.
set -euo pipefail

dir=${BOMAX_SLURM_DIR:-${TMPDIR:-/tmp}/bomax-slurm}
say() { echo "stop-cluster: $*" >&2; }

[ -d "$dir" ] || { say "nothing to stop: $dir does not exist"; exit 0; }

# Jobs first, while slurmctld still answers, so no slurmstepd is left behind.
if [ -f "$dir/slurm.conf" ] && [ -s "$dir/slurmctld.pid" ] && kill -0 "$(cat "$dir/slurmctld.pid")" 2>/dev/null; then
  export SLURM_CONF=$dir/slurm.conf
  timeout 10 scancel --quiet --partition=debug 2>/dev/null || true
  for _ in $(seq 1 30); do
    [ -z "$(timeout 10 squeue --noheader --format=%i 2>/dev/null)" ] && break
    sleep 0.5
  done
fi

stop() {
  local name=$1 file=$dir/$1.pid pid
  [ -s "$file" ] || return 0
  pid=$(cat "$file")
  if ! kill -0 "$pid" 2>/dev/null; then rm -f "$file"; return 0; fi
  # Only a process that is this daemon: a stale pid file must never make us signal someone else.
  if ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$name"; then
    say "pid $pid in $file is not $name; left alone"
    rm -f "$file"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "$name (pid $pid) did not stop within 10 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
  say "stopped $name (pid $pid)"
}

# slurmstepd processes of this cluster's jobs that outlived the cancel: ours carry our SLURM_CONF (from slurmd).
for pid in $(pgrep slurmstepd 2>/dev/null || true); do
  if { tr '\0' '\n' <"/proc/$pid/environ"; } 2>/dev/null | grep -qxF "SLURM_CONF=$dir/slurm.conf"; then
    say "killing slurmstepd (pid $pid) left by a job"
    kill -KILL "$pid" 2>/dev/null || true
  fi
done

stop slurmd
stop slurmctld
stop munged
