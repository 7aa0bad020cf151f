#!/usr/bin/env bash
# Finds where the study keeps its journal and reports (bomax paths writes study, journal-path and
# report-directory as outputs), and keys the journal's cache. Caches are immutable, so each run saves under a
# new key and restores the newest with the key prefix: a re-run, or the next round, resumes from the journal.
# Outputs also: journal-cache-path (relative to the workspace when inside it, so the key works on any runner),
# journal-key-prefix, journal-key.
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Through tee, not $(…): a spec error's ::error file=…,line=…:: annotations must reach the log.
printed="${RUNNER_TEMP:?RUNNER_TEMP is not set}/bomax-paths-$$.txt"
bomax paths "$INPUT_SPEC" | tee "$printed"
journal=$(sed -n 's/^journal-path=//p' "$printed")
study=$(sed -n 's/^study=//p' "$printed")
rm -f "$printed"
workspace=$(cd "${GITHUB_WORKSPACE:-.}" && pwd)
case "$journal" in
  "$workspace"/*) cache_path=${journal#"$workspace"/} ;;
  *) cache_path=$journal ;;
esac
where=$(printf '%s' "$cache_path" | sha256 - | cut -c1-12)
prefix="bomax-journal-v1-${study}-${where}-"
output journal-cache-path "$cache_path"
output journal-key-prefix "$prefix"
output journal-key "${prefix}${GITHUB_RUN_ID:-0}-${GITHUB_RUN_ATTEMPT:-1}-${GITHUB_JOB:-job}"
