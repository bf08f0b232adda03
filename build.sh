#!/usr/bin/env bash
# YoloX.NET build entry point. Every target first runs the idempotent native prerequisite (eng/setup-native.sh).
#   ./build.sh setup    native prerequisite only (libstdc++ with GLIBCXX_3.4.32 for TorchSharp)
#   ./build.sh build    restore + build the solution (Release)
#   ./build.sh test       build + package check + every test not tagged Slow (what CI runs)
#   ./build.sh test-fast  only the fast tests (end-to-end tests carry the trait Category=Slow)
#   ./build.sh test-slow  only the slow end-to-end tests
#   ./build.sh detect [images...] [yolox detect options]   detect with the official YOLOX-Nano weights
#   ./build.sh bench [BenchmarkDotNet args]                 run the benchmarks
#   ./build.sh pack        pack every package (libraries, the hosting package and the yolox tool) into artifacts/packages
#   ./build.sh package-check  pack the libraries under a fresh pre-release version, then restore, build and run
#                             samples/PackageConsumer against those packages (not the projects); part of 'test'
# Settings: YOLOX_SHARED (shared material, default ../shared), YOLOX_WEIGHTS_DIR (default $YOLOX_SHARED/assets/weights).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
# dotnet keeps its NuGet cache and first-run state under $HOME; a bare CI environment may not set it.
export HOME="${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export YOLOX_SHARED="${YOLOX_SHARED:-$(cd "$here/.." && pwd)/shared}"
export YOLOX_WEIGHTS_DIR="${YOLOX_WEIGHTS_DIR:-$YOLOX_SHARED/assets/weights}"

target="${1:-build}"
shift || true

bash eng/setup-native.sh
bash eng/setup-system.sh

# NU1603 (a transitive package resolved at a higher version than asked, e.g. Google.Protobuf under TorchSharp) stays a
# warning: the command-line -warnaserror would otherwise override WarningsNotAsErrors in Directory.Build.props.
build() { dotnet build YoloX.sln -c Release -nologo -warnaserror -warnnotaserror:NU1603 "$@"; }

# Runs the tests matching a filter and closes with one plain "N passed, N failed, N skipped" line. libtorch's own
# warnings are kept out of the log (on CPUs where NNPACK cannot start it logs one per small convolution of every
# batch-1 forward: ~29,000 lines per run; the package check's consumer likewise); TORCH_CPP_LOG_LEVEL set by the
# caller wins (YoloX.Core LibTorchLog).
run_tests() {
  local filter="$1"; shift
  export TORCH_CPP_LOG_LEVEL="${TORCH_CPP_LOG_LEVEL:-ERROR}"
  local log; log=$(mktemp)
  local status=0
  # --blame: if a test host dies (a native crash prints nothing), the log names the test it was running.
  dotnet test YoloX.sln -c Release --no-build --filter "$filter" --blame --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log" || status=$?
  awk '/^ +Passed: [0-9]+$/ {p += $2} /^ +Failed: [0-9]+$/ {f += $2} /^ +Skipped: [0-9]+$/ {s += $2}
       END {printf "%d passed, %d failed, %d skipped\n", p, f, s}' "$log"
  rm -f "$log"
  return $status
}

# The library packages (the yolox tool package carries libtorch for every platform, ~580 MB: packed by 'pack' only).
libraries=(src/YoloX.Core src/YoloX.Inference src/YoloX.Training src/YoloX.Extensions.Hosting)

pack_libraries() {
  for p in "${libraries[@]}"; do
    dotnet pack "$p" -c Release -nologo -v quiet -warnaserror -warnnotaserror:NU1603 -p:ContinuousIntegrationBuild=true "$@"
  done
}

# A fresh pre-release version per run, so the NuGet cache can never hand the sample an older build of the same version.
package_check() {
  mkdir -p artifacts/packages
  local version; version="$(sed -n 's:.*<VersionPrefix>\(.*\)</VersionPrefix>.*:\1:p' Directory.Build.props)-check.$(date +%s)"
  # --no-build: pack what the Release build just made (the callers build first).
  pack_libraries --no-build -p:VersionSuffix="${version#*-}"
  dotnet build samples/PackageConsumer -c Release -nologo -v quiet -p:YoloXPackageVersion="$version" -p:WithHosting=true
  TORCH_CPP_LOG_LEVEL="${TORCH_CPP_LOG_LEVEL:-ERROR}" dotnet samples/PackageConsumer/bin/Release/net10.0/PackageConsumer.dll \
    "$YOLOX_SHARED/assets/images/dog.jpg" "$YOLOX_WEIGHTS_DIR/yolox_nano.onnx"
  rm -f artifacts/packages/*-check.*.nupkg artifacts/packages/*-check.*.snupkg
  echo "package check passed: samples/PackageConsumer ran on YoloX.* $version from artifacts/packages"
}

case "$target" in
  setup) ;;
  pack)
    mkdir -p artifacts/packages
    pack_libraries "$@"
    dotnet pack src/YoloX.Cli -c Release -nologo -v quiet -warnaserror -warnnotaserror:NU1603 -p:ContinuousIntegrationBuild=true "$@" ;;
  package-check)
    build
    package_check ;;
  build) build ;;
  test)
    # What CI runs: the package check and every test not tagged Slow (long end-to-end runs: ./build.sh test-slow).
    build
    package_check
    run_tests "Category!=Slow" "$@" ;;
  test-fast)
    build
    run_tests "Category!=Slow" "$@" ;;
  test-slow)
    build
    # One test assembly at a time (-m:1): each slow test keeps both cores busy with libtorch's spinning OpenMP
    # threads, so two test hosts side by side only slow each other (2026-12-04, one machine: 25 min with two side by
    # side; 12 and 21 min one at a time, the 10,000-call Torch memory test taking 7 and 15 of them: the machine drifts).
    run_tests "Category=Slow" -m:1 "$@" ;;
  detect)
    build -v quiet -clp:ErrorsOnly
    # No image given (none, or only options): the official demo image.
    if [ $# -eq 0 ] || [ "${1#-}" != "$1" ]; then set -- "$YOLOX_SHARED/assets/images/dog.jpg" "$@"; fi
    has_weights=0
    for a in "$@"; do [ "$a" = "--weights" ] && has_weights=1; done
    [ $has_weights = 1 ] || set -- "$@" --weights yolox_nano.onnx
    dotnet src/YoloX.Cli/bin/Release/net10.0/yolox.dll detect "$@" ;;
  bench)
    dotnet run -c Release --project benchmarks/YoloX.Benchmarks -- "$@" ;;
  *) echo "unknown target '$target' (setup|build|test|test-fast|test-slow|detect|bench|pack|package-check)" >&2; exit 2 ;;
esac
