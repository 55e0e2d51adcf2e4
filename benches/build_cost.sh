#!/usr/bin/env bash
# Build cost of the generated crate (docs/performance.md, section 2).
#
#   bash benches/build_cost.sh [RUNS]     (RUNS of each no-op build, default 10;
#                                        half as many of the slower measurements)
#
# Measures, in a private copy of the committed tree (git archive HEAD) with
# its own target directory, so that other people's builds and edits neither
# disturb it nor are disturbed:
#   1. a no-op `cargo build`, and proves that codegen did not rerun: the build
#      script's `output` file and the generated sources keep their mtimes, and
#      `cargo build -v` says `Fresh providers`;
#   2. `cargo build` after `touch specs/k7_antivirus.yaml` (build script rerun,
#      proven by the `output` file's new mtime, plus recompiling `providers`);
#   3. `cargo check` of a scratch crate holding only a generated synthetic spec
#      of N = 10, 100 and 1,000 endpoints (benches/support/synth.rs), per endpoint.
# Uses hyperfine when installed (apt-get install -y hyperfine), else repeated
# timed runs (median). Needs git, cargo; takes ~10 minutes on 2 cores (most of
# it the first, unmeasured, builds).
set -euo pipefail

RUNS=${1:-10}
SLOW_RUNS=$(( (RUNS + 1) / 2 ))
REPO=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
WORK=${BUILD_COST_DIR:-$(mktemp -d /tmp/build-cost.XXXXXX)}
SRC=$WORK/src
export CARGO_TARGET_DIR=$WORK/target
export CARGO_TERM_COLOR=never
mkdir -p "$SRC" "$WORK/results"
git -C "$REPO" archive HEAD | tar -x -C "$SRC"
echo "commit $(git -C "$REPO" rev-parse --short HEAD), work dir $WORK"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"

have_hyperfine() { command -v hyperfine >/dev/null; }

# time_cmd NAME RUNS PREPARE COMMAND: median wall seconds of RUNS runs, in results/NAME.
time_cmd() {
  local name=$1 runs=$2 prepare=$3 cmd=$4
  if have_hyperfine; then
    hyperfine --style basic --warmup 1 --runs "$runs" --prepare "$prepare" \
      --export-json "$WORK/results/$name.json" "$cmd" >&2
    jq -r '.results[0].median' "$WORK/results/$name.json" > "$WORK/results/$name"
  else
    local times=()
    bash -c "$prepare" && bash -c "$cmd" >/dev/null 2>&1 # warm-up
    for _ in $(seq "$runs"); do
      bash -c "$prepare"
      local t0 t1
      t0=$(date +%s.%N)
      bash -c "$cmd" >/dev/null 2>&1
      t1=$(date +%s.%N)
      times+=("$(echo "$t1 - $t0" | bc -l)")
    done
    printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}' \
      > "$WORK/results/$name"
  fi
  printf '%-28s median %.3f s\n' "$name" "$(cat "$WORK/results/$name")"
}

cd "$SRC"
echo "== first build (not measured)"
cargo build -q

# The build script's run directory: the one whose `output` names the generated code.
OUT_FILE=$(ls -t "$CARGO_TARGET_DIR"/debug/build/providers-*/output | head -1)
OUT_DIR=$(dirname "$OUT_FILE")/out
stamp() { stat -c '%n %.9Y' "$OUT_FILE" "$OUT_DIR"/*.rs; }
before=$(stamp)

echo "== no-op build"
time_cmd noop_build "$RUNS" "true" "cargo build -q"
after=$(stamp)
if [ "$before" = "$after" ]; then
  echo "no-op build did not rerun codegen: build-script output and generated files unchanged"
else
  echo "NO-OP BUILD RERAN CODEGEN:"; diff <(echo "$before") <(echo "$after") || true
fi
cargo build -v 2>&1 | grep -E 'Fresh providers|Running .*build-script|Dirty providers' || true

echo "== rebuild after touching a spec"
t_before=$(stat -c %.9Y "$OUT_FILE")
time_cmd touch_spec_build "$SLOW_RUNS" "touch specs/k7_antivirus.yaml" "cargo build -q"
t_after=$(stat -c %.9Y "$OUT_FILE")
if [ "$t_before" != "$t_after" ]; then
  echo "touching a spec reran the build script (its output file is newer)"
else
  echo "TOUCHING A SPEC DID NOT RERUN THE BUILD SCRIPT"
fi
touch specs/k7_antivirus.yaml
cargo build -v 2>&1 | grep -E 'Dirty providers|Running .*build-script-build|Running .*rustc --crate-name providers ' | cut -c1-160 || true

echo "== cargo check of generated synthetic specs"
cargo build -q --release -p providers-codegen --features cli --example synth_spec --bin codegen
for n in 10 100 1000; do
  crate=$WORK/check_$n
  mkdir -p "$crate/src" "$crate/gen" "$crate/spec"
  "$CARGO_TARGET_DIR/release/examples/synth_spec" "$n" > "$crate/spec/synth.yaml"
  # As the real crate generates: `send_blocking` behind the `blocking` feature.
  "$CARGO_TARGET_DIR/release/codegen" generate --blocking feature=blocking --out "$crate/gen" "$crate/spec/synth.yaml" >/dev/null
  cat > "$crate/Cargo.toml" <<TOML
[package]
name = "check_$n"
version = "0.0.0"
edition = "2021"
publish = false

[features]
# As in the real crate: the generated code has `#[cfg(feature = "blocking")]` items.
blocking = ["providers-runtime/blocking"]

[dependencies]
providers-runtime = { path = "$SRC/runtime" }
serde = { version = "1", features = ["derive"] }
serde_json = { version = "1", features = ["raw_value"] }

[workspace]
TOML
  cat > "$crate/src/lib.rs" <<'RS'
//! The generated code of one synthetic spec, as the `providers` crate includes it.
#![allow(missing_docs)]
pub use providers_runtime as runtime;
include!("../gen/providers.rs");
RS
  cp "$SRC/Cargo.lock" "$crate/Cargo.lock"
  # Dependencies, not measured; the generated code must check without a warning.
  (cd "$crate" && cargo check -q 2>&1 | tee "$WORK/results/warnings_$n" | head -20)
  if [ -s "$WORK/results/warnings_$n" ]; then echo "WARNINGS in the generated code (N=$n)"; fi
  lines=$(wc -l < "$crate/gen/synth.rs")
  echo "N=$n: $lines generated lines"
  echo "$lines" > "$WORK/results/lines_$n"
  (cd "$crate" && time_cmd "check_$n" "$SLOW_RUNS" "touch src/lib.rs" "cargo check -q")
done

echo
echo "## Build cost (medians, seconds)"
echo
r() { cat "$WORK/results/$1"; }
echo "| what | median | per endpoint |"
echo "| --- | ---: | ---: |"
printf '| no-op `cargo build` | %.3f s | |\n' "$(r noop_build)"
printf '| `cargo build` after `touch specs/k7_antivirus.yaml` | %.3f s | |\n' "$(r touch_spec_build)"
for n in 10 100 1000; do
  printf '| `cargo check`, %s endpoints (%s lines) | %.3f s | %.2f ms |\n' \
    "$n" "$(r lines_$n)" "$(r check_$n)" "$(echo "$(r check_$n) * 1000 / $n" | bc -l)"
done
printf '| marginal check cost per endpoint, (t(1000) - t(10)) / 990 | | %.2f ms |\n' \
  "$(echo "($(r check_1000) - $(r check_10)) * 1000 / 990" | bc -l)"
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "work dir kept: $WORK (rm -rf it when done)"
