#!/usr/bin/env bash
# Builds the bomax tool from the action's repository into BOMAX_TOOL_DIR, unless it is already there (the
# action used twice in one job). Output: built=true when it built, so the cache is saved only then.
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [ -f "$BOMAX_TOOL_DIR/bomax.dll" ]; then
  echo "Bomax.Ci: bomax is already built in $BOMAX_TOOL_DIR"
  exit 0
fi
project="$GITHUB_ACTION_PATH/../src/Bomax.Cli/Bomax.Cli.csproj"
echo "Bomax.Ci: building bomax (LibTorch backend ${BACKEND:-cpu}) into $BOMAX_TOOL_DIR"
DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 \
  dotnet publish "$project" --configuration Release --output "$BOMAX_TOOL_DIR" "-p:BomaxTorchBackend=${BACKEND:-cpu}"
output built true
