# shellcheck shell=bash
# Helpers the action's scripts share. Source it; it sets nothing else.

# escape TEXT: TEXT made safe as the message of a workflow command (::error::…), so a value a user gave
# cannot end the command or start another: % CR LF become %25 %0D %0A, as GitHub's toolkit escapes them.
escape() {
  local text=${1//%/%25}
  text=${text//$'\r'/%0D}
  text=${text//$'\n'/%0A}
  printf '%s' "$text"
}

# error MESSAGE / warning MESSAGE: one annotation, titled so it is clear the action (not bomax) said it.
error() { printf '::error title=Bomax.Ci action::%s\n' "$(escape "$1")"; }
warning() { printf '::warning title=Bomax.Ci action::%s\n' "$(escape "$1")"; }

# sha256 FILE… (or - for stdin): sha256sum's output, also where only shasum is there (macOS runners).
sha256() {
  if command -v sha256sum >/dev/null; then sha256sum "$@"; else shasum -a 256 "$@"; fi
}

# output NAME VALUE: one step output (VALUE on one line).
output() { printf '%s=%s\n' "$1" "$2" >> "$GITHUB_OUTPUT"; }
