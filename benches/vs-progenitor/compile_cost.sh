#!/usr/bin/env bash
# (e) of the side-by-side benchmark (docs/performance.md, "Side by side with
# progenitor"): what each generator's output costs to compile.
#
#   bash benches/vs-progenitor/compile_cost.sh [N] [ROUNDS]   (default 1000 endpoints, 2 rounds)
#   RUSTC_RERUN=1 bash ...   also reruns the exact rustc command under /usr/bin/time (slower)
#
# 1. Builds this crate's release binary and writes both outputs of the same
#    synthetic API of N endpoints (`vs-progenitor emit N DIR`).
# 2. Makes a scratch crate of each, with its own target directory:
#      ours:       providers-runtime (path dependency on ../../runtime), serde, serde_json;
#                  src/lib.rs includes the generated index, as the `providers` crate does;
#      progenitor: progenitor-client, reqwest (json, query, stream; rustls as ours),
#                  serde, serde_json, futures (progenitor's README for build.rs users).
#    and builds their dependencies (`cargo check` and `cargo build`, not measured;
#    the generated code must compile without a warning).
# 3. Measures (CARGO_INCREMENTAL=0), alternating the two crates (ABBA) for ROUNDS
#    rounds, the wall time of `cargo check` and of `cargo build` (debug) after
#    `touch src/lib.rs`: only the generated crate is compiled.
# 4. rustc's peak memory: each timed cargo runs under `/usr/bin/time -f %M`,
#    whose figure is the largest single process of the tree (Linux's ru_maxrss
#    of a reaped child includes its reaped children's maximum), and with the
#    dependencies fresh that is the one rustc. With RUSTC_RERUN=1 it also takes
#    the exact rustc command from `cargo check -v` / `cargo build -v` (with the
#    environment cargo sets) and reruns it under `/usr/bin/time -f %M`,
#    ROUNDS times per crate, alternating.
# Needs cargo, bash, awk, bc, GNU time (/usr/bin/time); not hyperfine. At N=1000 on 2
# shared cores: about 15 minutes for the first builds of the dependencies, then
# 3-5 minutes per measured round (a whole `cargo check` of our output took 3 minutes at load 3.7).
set -euo pipefail

N=${1:-1000}
ROUNDS=${2:-2}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
WORK=${COMPILE_COST_DIR:-$(mktemp -d /tmp/vs-compile.XXXXXX)}
unset CARGO_TARGET_DIR CARGO_BUILD_TARGET_DIR
export CARGO_TERM_COLOR=never
# Whole compiles: after `touch`, incremental compilation would reuse nearly
# everything of an unchanged file; a changed spec, or CI, compiles it anew.
export CARGO_INCREMENTAL=0
mkdir -p "$WORK/results"
echo "commit $(git -C "$REPO" rev-parse --short HEAD), N=$N, $ROUNDS rounds, work dir $WORK"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB; $(rustc --version)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== generating both outputs"
(cd "$HERE" && cargo build --release -q)
"$HERE/target/release/vs-progenitor" emit "$N" "$WORK"

cat > "$WORK/ours/Cargo.toml" <<TOML
[package]
name = "ours_$N"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
providers-runtime = { path = "$REPO/runtime" }
serde = { version = "1", features = ["derive"] }
serde_json = { version = "1", features = ["raw_value"] }

[workspace]
TOML
mkdir -p "$WORK/ours/src"
cat > "$WORK/ours/src/lib.rs" <<'RS'
//! The generated code of the synthetic spec, as the `providers` crate includes it.
#![allow(missing_docs)]
include!("../gen/providers.rs");
RS
cp "$REPO/Cargo.lock" "$WORK/ours/Cargo.lock"

cat > "$WORK/progenitor/Cargo.toml" <<TOML
[package]
name = "progenitor_$N"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
progenitor-client = "0.15"
reqwest = { version = "0.13", default-features = false, features = ["json", "query", "stream", "rustls"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
futures = "0.3"

[workspace]
TOML
mkdir -p "$WORK/progenitor/src"
cat > "$WORK/progenitor/src/lib.rs" <<'RS'
//! progenitor's output for the synthetic OpenAPI document, as a build.rs user includes it.
#![allow(missing_docs)]
include!("../gen/progenitor.rs");
RS

for c in ours progenitor; do
  echo "== $c: dependencies (not measured)"
  (cd "$WORK/$c" && cargo check -q 2>&1 | tee "$WORK/results/warnings_$c" | head -20)
  (cd "$WORK/$c" && cargo build -q 2>&1 | head -20)
  if [ -s "$WORK/results/warnings_$c" ]; then echo "WARNINGS in $c's generated code"; fi
done
lines() { cat "$WORK/$1"/gen/*.rs | wc -l; }
echo "generated lines: ours $(lines ours), progenitor $(lines progenitor)"

now() { date +%s.%N; }
# measure KIND CRATE: one timed `cargo KIND` of just the crate, seconds appended to results/KIND_CRATE.
measure() {
  local kind=$1 c=$2 t0 t1
  touch "$WORK/$c/src/lib.rs"
  t0=$(now)
  (cd "$WORK/$c" && /usr/bin/time -f %M -o "$WORK/results/rss.tmp" cargo "$kind" -q)
  t1=$(now)
  echo "$t1 - $t0" | bc -l >> "$WORK/results/${kind}_$c"
  tail -1 "$WORK/results/rss.tmp" >> "$WORK/results/maxrss_${kind}_$c"
  printf '  %-6s %-10s %.2f s, %s KiB (load %s)\n' "$kind" "$c" "$(echo "$t1 - $t0" | bc -l)" \
    "$(tail -1 "$WORK/results/rss.tmp")" "$(cut -d' ' -f1 /proc/loadavg)"
}

for kind in check build; do
  echo "== cargo $kind, $ROUNDS rounds, alternating"
  rm -f "$WORK/results/${kind}_ours" "$WORK/results/${kind}_progenitor" \
    "$WORK/results/maxrss_${kind}_ours" "$WORK/results/maxrss_${kind}_progenitor"
  for r in $(seq "$ROUNDS"); do
    if [ $((r % 2)) = 1 ]; then order="ours progenitor"; else order="progenitor ours"; fi
    for c in $order; do measure "$kind" "$c"; done
  done
done

# rustc_cmd KIND CRATE: the exact rustc invocation (with cargo's environment) of the crate itself.
rustc_cmd() {
  local kind=$1 c=$2
  touch "$WORK/$c/src/lib.rs"
  (cd "$WORK/$c" && cargo "$kind" -v 2>&1) | grep -E "^ +Running \`.*--crate-name ${c}_$N " \
    | sed -E 's/^ +Running `//; s/`$//' | tail -1
}
for kind in check build; do
  [ "${RUSTC_RERUN:-0}" = 1 ] || break
  echo "== rustc peak memory ($kind), $ROUNDS rounds, alternating"
  declare -A cmd
  for c in ours progenitor; do
    cmd[$c]=$(rustc_cmd "$kind" "$c")
    if [ -z "${cmd[$c]}" ]; then echo "no rustc command found for $c"; exit 1; fi
  done
  rm -f "$WORK/results/rss_${kind}_ours" "$WORK/results/rss_${kind}_progenitor"
  for r in $(seq "$ROUNDS"); do
    if [ $((r % 2)) = 1 ]; then order="ours progenitor"; else order="progenitor ours"; fi
    for c in $order; do
      # cargo prints `VAR=value ... rustc ARGS`, shell-quoted: `env` runs it, so
      # /usr/bin/time measures rustc itself.
      (cd "$WORK/$c" && eval "/usr/bin/time -f %M -o '$WORK/results/rss.tmp' env ${cmd[$c]}" >/dev/null 2>&1)
      tail -1 "$WORK/results/rss.tmp" >> "$WORK/results/rss_${kind}_$c"
      printf '  rustc %-6s %-10s %s KiB\n' "$kind" "$c" "$(tail -1 "$WORK/results/rss.tmp")"
    done
  done
  unset cmd
done

# stats FILE SCALE: "median (min-max)" of the numbers in FILE, each divided by SCALE.
stats() {
  sort -g "$1" | awk -v s="$2" '{a[NR]=$1/s} END {
    m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2;
    printf "%.2f (%.2f-%.2f)", m, a[1], a[NR] }'
}
med() { sort -g "$1" | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
# ratios A B: "median ratio of medians (min-max of per-round ratios)".
ratios() {
  paste "$1" "$2" | awk -v ma="$(med "$1")" -v mb="$(med "$2")" '
    { r = $1 / $2; if (NR == 1 || r < lo) lo = r; if (NR == 1 || r > hi) hi = r }
    END { printf "**%.2f** (%.2f-%.2f)", ma / mb, lo, hi }'
}
R=$WORK/results
echo
echo "## Compile cost of the generated code, N=$N (median (min-max) of $ROUNDS rounds)"
echo
echo "| measure | ours | progenitor | ours/progenitor |"
echo "| --- | ---: | ---: | ---: |"
echo "| \`cargo check\`, s | $(stats "$R/check_ours" 1) | $(stats "$R/check_progenitor" 1) | $(ratios "$R/check_ours" "$R/check_progenitor") |"
echo "| \`cargo build\` (debug), s | $(stats "$R/build_ours" 1) | $(stats "$R/build_progenitor" 1) | $(ratios "$R/build_ours" "$R/build_progenitor") |"
echo "| rustc peak memory, check, GiB (time around cargo) | $(stats "$R/maxrss_check_ours" 1048576) | $(stats "$R/maxrss_check_progenitor" 1048576) | $(ratios "$R/maxrss_check_ours" "$R/maxrss_check_progenitor") |"
echo "| rustc peak memory, debug build, GiB (time around cargo) | $(stats "$R/maxrss_build_ours" 1048576) | $(stats "$R/maxrss_build_progenitor" 1048576) | $(ratios "$R/maxrss_build_ours" "$R/maxrss_build_progenitor") |"
if [ "${RUSTC_RERUN:-0}" = 1 ]; then
echo "| rustc peak memory, check, GiB (rustc rerun) | $(stats "$R/rss_check_ours" 1048576) | $(stats "$R/rss_check_progenitor" 1048576) | $(ratios "$R/rss_check_ours" "$R/rss_check_progenitor") |"
echo "| rustc peak memory, debug build, GiB (rustc rerun) | $(stats "$R/rss_build_ours" 1048576) | $(stats "$R/rss_build_progenitor" 1048576) | $(ratios "$R/rss_build_ours" "$R/rss_build_progenitor") |"
fi
echo "| generated lines | $(lines ours) | $(lines progenitor) | $(echo "$(lines ours) / $(lines progenitor)" | bc -l | xargs printf '%.2f') |"
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "work dir kept: $WORK (rm -rf it when done)"
