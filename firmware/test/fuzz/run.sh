#!/usr/bin/env bash
# Builds the libFuzzer harnesses of the firmware core (JSON reader, command
# path, viewer fan-out, JPEG header and frame attribution) and runs each one.
#
#   firmware/test/fuzz/run.sh [SECONDS]     (default 10 s per harness)
#
# Needs clang (-fsanitize=fuzzer,address,undefined), python3 and
# nlohmann-json3-dev. Seeds come from test/vectors; the growing corpus and
# any crash-* artifacts stay in build/firmware-fuzz (FUZZ_BUILD_DIR).
# Exits non-zero when a harness finds a crash.
set -euo pipefail

DURATION=${1:-10}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FIRMWARE=$(cd "$HERE/../.." && pwd)
REPO=$(cd "$FIRMWARE/.." && pwd)
CORE="$FIRMWARE/lib/camera_core/src"
CORE_INCLUDE="$FIRMWARE/lib/camera_core/include"
VERSION=$(head -n1 "$FIRMWARE/VERSION")  # the firmware version's one source
OUT=${FUZZ_BUILD_DIR:-$REPO/build/firmware-fuzz}
CXX=${FUZZ_CXX:-clang++}

mkdir -p "$OUT"
python3 "$HERE/seeds.py" "$REPO/test/vectors" "$OUT/seeds"

for harness in fuzz_json_reader fuzz_commands fuzz_stream_hub fuzz_jpeg_header; do
  echo "== $harness: build"
  "$CXX" -std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    -I"$CORE_INCLUDE" -DCAMCORE_FIRMWARE_VERSION="\"$VERSION\"" "$CORE"/*.cpp "$HERE/$harness.cpp" -o "$OUT/$harness"
  mkdir -p "$OUT/corpus/$harness"
  echo "== $harness: run ${DURATION}s"
  "$OUT/$harness" -max_total_time="$DURATION" -max_len=1024 -timeout=5 -print_final_stats=1 \
    -artifact_prefix="$OUT/crash-$harness-" "$OUT/corpus/$harness" "$OUT/seeds/$harness"
done
echo "== fuzzing done, no crash"
