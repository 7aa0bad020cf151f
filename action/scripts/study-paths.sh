#!/usr/bin/env bash
# Finds where the study keeps its journal and reports (bomax paths writes study, journal-path and
# report-directory as outputs), and keys the journal's cache. Caches are immutable, so each run saves under a
# new key and restores the newest with the key prefix: a re-run, or the next round, resumes from the journal.
# Outputs also: journal-cache-path (relative to the workspace when inside it, so the key works on any runner),
# journal-key-prefix, journal-key.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

printed=$(bomax paths "$INPUT_SPEC")
journal=$(printf '%s\n' "$printed" | sed -n 's/^journal-path=//p')
study=$(printf '%s\n' "$printed" | sed -n 's/^study=//p')
workspace=$(cd "${GITHUB_WORKSPACE:-.}" && pwd)
case "$journal" in
  "$workspace"/*) cache_path=${journal#"$workspace"/} ;;
  *) cache_path=$journal ;;
esac
where=$(printf '%s' "$cache_path" | sha256sum | cut -c1-12)
prefix="bomax-journal-v1-${study}-${where}-"
output journal-cache-path "$cache_path"
output journal-key-prefix "$prefix"
output journal-key "${prefix}${GITHUB_RUN_ID:-0}-${GITHUB_RUN_ATTEMPT:-1}-${GITHUB_JOB:-job}"
