#!/usr/bin/env bash
# Names the bomax tool build: a cache key from the hash of the source it is built from (the action's own
# repository, one folder up from the action) and where it lives. hashFiles() cannot do this: it reads only
# files under the workspace, and the action is checked out outside it. Outputs: key, dir.
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

root=$(cd "$GITHUB_ACTION_PATH/.." && pwd)
# One file at a time rather than xargs -d, which macOS's BSD xargs does not have.
hash=$(cd "$root" && find src build Directory.Build.props Directory.Build.targets Directory.Packages.props -type f \
         -not -path '*/bin/*' -not -path '*/obj/*' 2>/dev/null | LC_ALL=C sort \
         | while IFS= read -r file; do sha256 "$file"; done | sha256 - | cut -c1-32)
backend=${BACKEND:-cpu}
output key "bomax-tool-v1-${RUNNER_OS:-Linux}-${RUNNER_ARCH:-X64}-dotnet${DOTNET_VERSION:-10.0.x}-${backend}-${hash}"
output dir "${RUNNER_TEMP:?RUNNER_TEMP is not set}/bomax-tool-${backend}"
