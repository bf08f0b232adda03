#!/usr/bin/env bash
# YoloX.NET build entry point. Every target first runs the idempotent native prerequisite (eng/setup-native.sh).
#   ./build.sh setup    native prerequisite only (libstdc++ with GLIBCXX_3.4.32 for TorchSharp)
#   ./build.sh build    restore + build the solution (Release)
#   ./build.sh test     build + run the test suite (fast tests; slow end-to-end tests carry Category=Slow)
#   ./build.sh test-slow  only the slow end-to-end tests
#   ./build.sh detect [images...] [yolox detect options]   detect with the official YOLOX-Nano weights
#   ./build.sh bench [BenchmarkDotNet args]                 run the benchmarks
# Settings: YOLOX_SHARED (shared material, default ../shared), YOLOX_WEIGHTS_DIR (default $YOLOX_SHARED/assets/weights).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export YOLOX_SHARED="${YOLOX_SHARED:-$(cd "$here/.." && pwd)/shared}"
export YOLOX_WEIGHTS_DIR="${YOLOX_WEIGHTS_DIR:-$YOLOX_SHARED/assets/weights}"

target="${1:-build}"
shift || true

bash eng/setup-native.sh

# NU1603 (a transitive package resolved at a higher version than asked, e.g. Google.Protobuf under TorchSharp) stays a
# warning: the command-line -warnaserror would otherwise override WarningsNotAsErrors in Directory.Build.props.
build() { dotnet build YoloX.sln -c Release -warnaserror -warnnotaserror:NU1603 "$@"; }

case "$target" in
  setup) ;;
  build) build ;;
  test)
    build
    dotnet test YoloX.sln -c Release --no-build --filter "Category!=Slow" --logger "console;verbosity=normal" "$@" ;;
  test-slow)
    build
    dotnet test YoloX.sln -c Release --no-build --filter "Category=Slow" --logger "console;verbosity=normal" "$@" ;;
  detect)
    build
    if [ $# -eq 0 ]; then set -- "$YOLOX_SHARED/assets/images/dog.jpg"; fi
    has_weights=0
    for a in "$@"; do [ "$a" = "--weights" ] && has_weights=1; done
    [ $has_weights = 1 ] || set -- "$@" --weights yolox_nano.onnx
    dotnet src/YoloX.Cli/bin/Release/net10.0/yolox.dll detect "$@" ;;
  bench)
    dotnet run -c Release --project benchmarks/YoloX.Benchmarks -- "$@" ;;
  *) echo "unknown target '$target' (setup|build|test|test-slow|detect|bench)" >&2; exit 2 ;;
esac
