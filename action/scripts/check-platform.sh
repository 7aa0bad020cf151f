#!/usr/bin/env bash
# Stops the action before anything is installed or built when the runner is a platform bomax has no LibTorch for:
# TorchSharp's CPU LibTorch exists for Linux X64, Windows X64 and macOS ARM64, its CUDA build for Linux X64 only.
# Without this a job on macOS X64 or Linux ARM64 would build the tool and fail at the first fit, minutes in.
# Inputs: RUNNER_PLATFORM_OS and RUNNER_PLATFORM_ARCH (runner.os, runner.arch), INPUT_DEVICE.
set -uo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

os=${RUNNER_PLATFORM_OS:-unknown}
arch=${RUNNER_PLATFORM_ARCH:-unknown}
supported="Linux X64, Windows X64 or macOS ARM64 (e.g. runs-on: ubuntu-latest, windows-latest or macos-latest)"
case "$os/$arch" in
  Linux/X64 | Windows/X64 | macOS/ARM64) ;;
  *)
    error "this runner is $os $arch, and bomax's LibTorch is not built for it: run the job on $supported"
    exit 1
    ;;
esac
if [ "${INPUT_DEVICE:-auto}" = cuda ] && [ "$os/$arch" != Linux/X64 ]; then
  error "input 'device' is 'cuda' on a $os $arch runner: the CUDA LibTorch is built for Linux X64 only; use device: cpu or auto here"
  exit 1
fi
echo "Bomax.Ci: runner $os $arch is supported"
