#!/usr/bin/env bash
# Checks the action's inputs before anything is installed or run. Each problem is one ::error:: that names
# the input, echoes the value and lists what is accepted; any problem fails the step (and so the job).
# Inputs arrive as INPUT_* variables (never interpolated into this script). Outputs: spec (the spec's path from
# the workspace, so bomax's ::error file=… annotations point at the file in the repository), comment (the bomax
# --comment mode) and backend (the LibTorch build the tool needs).
set -uo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

problems=0
problem() { error "$1"; problems=$((problems + 1)); }

mode=${INPUT_MODE:-run}
case "$mode" in
  run|suggest|report|setup) ;;
  *) problem "input 'mode' is '$mode': use run, suggest, report or setup" ;;
esac

workdir=${INPUT_WORKING_DIRECTORY:-.}
if [ ! -d "$workdir" ]; then
  problem "input 'working-directory' is '$workdir', which is not a directory (a relative path starts at the workspace, ${GITHUB_WORKSPACE:-the current directory})"
fi

spec=${INPUT_SPEC:-}
case "$spec" in
  "") problem "input 'spec' is empty: give the path of the study YAML, relative to working-directory" ;;
  /*) [ -f "$spec" ] || problem "input 'spec' is '$spec', which is not a file" ;;
  *) [ ! -d "$workdir" ] || [ -f "$workdir/$spec" ] || problem "input 'spec' is '$spec', which is not a file in working-directory '$workdir' (did the job check out the repository first?)" ;;
esac
case "$spec" in
  /*) from_workspace=$spec ;;
  *) from_workspace=${workdir%/}/$spec ;;
esac
while [[ "$from_workspace" == ./* ]]; do from_workspace=${from_workspace#./}; done
output spec "$from_workspace"

case "${INPUT_COMMENT:-true}" in
  true) output comment upsert ;;
  false) output comment off ;;
  *) problem "input 'comment' is '${INPUT_COMMENT}': use true (one sticky pull-request comment per study) or false" ;;
esac

device=${INPUT_DEVICE:-auto}
case "$device" in
  auto|cpu) output backend cpu ;;
  cuda) output backend cuda ;;
  *) problem "input 'device' is '$device': use auto, cpu or cuda" ;;
esac

budget=${INPUT_BUDGET:-}
if [ -n "$budget" ] && ! [[ "$budget" =~ ^[1-9][0-9]*$ || "$budget" =~ ^[0-9]+(\.[0-9]+)?%$ && ! "$budget" =~ ^0+(\.0+)?%$ ]]; then
  problem "input 'budget' is '$budget': use a count of evaluations like 40 or a percentage of the grid like 5%, or leave it empty for the spec's budget.max-evals"
fi

case "${INPUT_JOURNAL_CACHE:-true}" in
  true|false) ;;
  *) problem "input 'journal-cache' is '${INPUT_JOURNAL_CACHE}': use true or false" ;;
esac

case "${INPUT_UPLOAD_ARTIFACT:-true}" in
  true|false) ;;
  *) problem "input 'upload-artifact' is '${INPUT_UPLOAD_ARTIFACT}': use true (upload the report and the journal as an artifact) or false" ;;
esac

count=${INPUT_COUNT:-16}
if ! [[ "$count" =~ ^[1-9][0-9]{0,5}$ ]]; then
  problem "input 'count' is '$count': use a whole number of pairs from 1 (at most 256 fit in one matrix)"
fi

pr=${INPUT_PULL_REQUEST:-}
if [ -n "$pr" ] && ! [[ "$pr" =~ ^[1-9][0-9]{0,9}$ ]]; then
  problem "input 'pull-request' is '$pr': use a pull-request number like 42, or leave it empty for the one in the event"
fi

if [ -n "${INPUT_FRAGMENTS:-}" ] && [ "$mode" != report ]; then
  warning "input 'fragments' is read only in mode 'report'; mode is '$mode', so it is ignored"
fi

if ! [[ "${INPUT_DOTNET_VERSION:-10.0.x}" =~ ^[0-9]+(\.([0-9]+|x|\*)){0,2}$ ]]; then
  problem "input 'dotnet-version' is '${INPUT_DOTNET_VERSION}': use a version like 10.0.x, 10.0 or 10.0.100"
fi

if [ "$problems" -gt 0 ]; then
  echo "Bomax.Ci: $problems input problem(s); nothing was installed or evaluated" >&2
  exit 1
fi
