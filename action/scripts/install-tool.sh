#!/usr/bin/env bash
# Puts a `bomax` command on PATH for the rest of the job (this action's later steps and the workflow's own),
# running the tool in BOMAX_TOOL_DIR. The wrapper lives outside the tool folder, so the cached build stays as built.
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [ ! -f "$BOMAX_TOOL_DIR/bomax.dll" ]; then
  error "the bomax tool is not in $BOMAX_TOOL_DIR: its build did not finish"
  exit 1
fi
bin="${RUNNER_TEMP:?RUNNER_TEMP is not set}/bomax-bin"
mkdir -p "$bin"
printf '#!/usr/bin/env bash\nexec dotnet %q "$@"\n' "$BOMAX_TOOL_DIR/bomax.dll" > "$bin/bomax"
chmod +x "$bin/bomax"
if [ "${RUNNER_OS:-}" = Windows ]; then
  # pwsh and cmd steps do not run a #! script: give them a bomax.cmd beside it.
  printf '@dotnet "%s" %%*\r\n' "$BOMAX_TOOL_DIR/bomax.dll" > "$bin/bomax.cmd"
fi
echo "$bin" >> "$GITHUB_PATH"
echo "Bomax.Ci: bomax is on PATH ($bin/bomax)"
