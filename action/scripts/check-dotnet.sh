#!/usr/bin/env bash
# Says whether the .NET SDK the tool needs (DOTNET_VERSION, e.g. 10.0.x) is already installed, so that
# actions/setup-dotnet runs only when it is not. Output: missing=true|false.
set -uo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

wanted=${DOTNET_VERSION:-10.0.x}
prefix=${wanted%%[.][x*]*}          # 10.0.x -> 10.0 ; 10.x -> 10 ; 10.0.100 stays
sdks=$(dotnet --list-sdks 2>/dev/null || true)
if printf '%s\n' "$sdks" | awk '{ print $1 }' | grep -Eq "^${prefix//./\\.}(\.|$)"; then
  echo "Bomax.Ci: .NET SDK $wanted is installed ($(printf '%s\n' "$sdks" | awk '{ print $1 }' | grep -E "^${prefix//./\\.}(\.|$)" | tail -n 1))"
  output missing false
else
  echo "Bomax.Ci: .NET SDK $wanted is not installed; actions/setup-dotnet will install it"
  output missing true
fi
