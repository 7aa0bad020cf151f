#!/usr/bin/env bash
# Runs bomax the way the action's mode says. bomax itself writes the step outputs, the step summary, the
# notice and the pull-request comment (it sees GITHUB_ACTIONS=true); its exit code is the step's.
#   run      evaluate with the spec's eval command, report, comment;
#   suggest  write the next pairs as pending-pairs (a matrix), evaluating nothing;
#   report   merge the journal fragments under INPUT_FRAGMENTS into the journal, then report and comment;
#   setup    nothing more: bomax is on PATH for the job's own steps.
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

budget=()
[ -z "${INPUT_BUDGET:-}" ] || budget=(--budget "$INPUT_BUDGET")
pr=()
[ -z "${INPUT_PULL_REQUEST:-}" ] || pr=(--pr "$INPUT_PULL_REQUEST")

case "$BOMAX_MODE" in
  run)
    exec bomax run "$INPUT_SPEC" --device "$INPUT_DEVICE" --comment "$BOMAX_COMMENT" "${budget[@]}" "${pr[@]}"
    ;;
  suggest)
    # --no-lease: this job keeps no journal (the matrix jobs record into fragments that a later job merges), so a lease here would reserve nothing anyone reads.
    exec bomax suggest "$INPUT_SPEC" --count "$INPUT_COUNT" --json --no-lease --device "$INPUT_DEVICE" "${budget[@]}"
    ;;
  report)
    if [ -n "${INPUT_FRAGMENTS:-}" ]; then
      fragments=()
      if [ -d "$INPUT_FRAGMENTS" ]; then
        mapfile -t fragments < <(find "$INPUT_FRAGMENTS" -type f -name '*.jsonl' | LC_ALL=C sort)
      fi
      if [ "${#fragments[@]}" -eq 0 ]; then
        warning "no journal fragments (*.jsonl) under '$INPUT_FRAGMENTS': reporting from the journal as it is"
      else
        journals=("${fragments[@]}")
        [ ! -f "$BOMAX_JOURNAL" ] || journals=("$BOMAX_JOURNAL" "${journals[@]}")
        bomax journal merge "${journals[@]}" -o "$BOMAX_JOURNAL"
      fi
    fi
    exec bomax report "$INPUT_SPEC" --device "$INPUT_DEVICE" --comment "$BOMAX_COMMENT" "${pr[@]}"
    ;;
  setup)
    echo "Bomax.Ci: bomax is on PATH; the study's journal is $BOMAX_JOURNAL"
    ;;
esac
