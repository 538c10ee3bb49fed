#!/usr/bin/env bash
# libFuzzer targets of the Fuzz/ package (README: "Fuzzing and sanitizers").
#
#   scripts/fuzz.sh --list                          the target names, one per line
#   scripts/fuzz.sh --build                         build every target (as a TARGET run would), run none
#   scripts/fuzz.sh TARGET SECONDS [FLAG…]          build fuzz-TARGET, fuzz it for SECONDS
#
# FLAGs go to libFuzzer as they are (e.g. -runs=10000000, -jobs=2, -max_len=65536).
# Builds Fuzz/ in release with -sanitize=fuzzer,address (its own Fuzz/.build). The work folder is
# $NEWSWATCH_FUZZ_WORK/TARGET (default .fuzz/TARGET): corpus/ grows across runs, seeds/ is copied from the test
# fixtures on each run, artifacts/ receives crash-*, leak-*, timeout-* and oom-* inputs.
# Exit status: 0 when the time ran out without a finding, libFuzzer's non-zero status on a crash, leak, timeout
# or out-of-memory, 2 on a usage error.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
targets=(xml-feed json-feed html-text date query config opml)

usage() {
    echo "usage: scripts/fuzz.sh --list | --build | TARGET SECONDS [libFuzzer flag…]" >&2
    exit 2
}

# lld: GNU gold stops with an internal error on libFuzzer's archive next to SwiftPM's `main=` alias.
build_flags=(-c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld)

[ $# -ge 1 ] || usage
if [ "$1" = "--list" ]; then
    printf '%s\n' "${targets[@]}"
    exit 0
fi
if [ "$1" = "--build" ]; then
    [ $# -eq 1 ] || usage
    echo "fuzz: building every target (release, -sanitize=fuzzer,address)" >&2
    (cd "$root/Fuzz" && swift build "${build_flags[@]}") >&2
    exit 0
fi
[ $# -ge 2 ] || usage
target="$1"
seconds="$2"
shift 2
[[ " ${targets[*]} " == *" $target "* ]] || { echo "fuzz: unknown target '$target' (see --list)" >&2; exit 2; }
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz: SECONDS must be a positive whole number" >&2; exit 2; }

# The dictionary and the fixtures each target starts from (globs that match nothing are dropped).
fixtures="$root/Tests/NewswatchParseTests/Fixtures"
cli="$root/Tests/NewswatchCLITests/Fixtures/parse"
shared="${NEWSWATCH_SHARED_FIXTURES:-$root/../shared/fixtures}"
shopt -s nullglob
case "$target" in
xml-feed)
    dict=xml
    seeds=("$root"/Fuzz/Seeds/xml-feed/* "$fixtures"/*.xml "$fixtures"/*.rdf "$cli"/*.xml "$root"/Config/demo/*.xml
        "$root"/Config/demo/*.rdf)
    ;;
json-feed)
    dict=json
    seeds=("$fixtures"/*.json "$cli"/*.json "$root"/Config/demo/*.json)
    ;;
html-text)
    dict=html
    seeds=("$root"/Fuzz/Seeds/html-text/* "$cli"/*.html "$shared"/*.txt)
    ;;
date)
    dict=date
    seeds=("$root"/Fuzz/Seeds/date/*)
    ;;
query)
    dict=query
    seeds=("$root"/Fuzz/Seeds/query/*)
    ;;
config)
    dict=toml
    seeds=("$root"/Config/*.toml "$root"/Tests/NewswatchDaemonTests/Fixtures/config/*.toml)
    ;;
opml)
    dict=xml
    seeds=("$fixtures"/opml/*.opml "$root"/Tests/NewswatchDaemonTests/Fixtures/config/*.opml)
    ;;
esac
shopt -u nullglob

echo "fuzz: building fuzz-$target (release, -sanitize=fuzzer,address)" >&2
(cd "$root/Fuzz" && swift build "${build_flags[@]}" --product "fuzz-$target") >&2
binary="$root/Fuzz/.build/release/fuzz-$target"

work="${NEWSWATCH_FUZZ_WORK:-$root/.fuzz}/$target"
mkdir -p "$work/corpus" "$work/artifacts"
rm -rf "$work/seeds"
mkdir -p "$work/seeds"
[ ${#seeds[@]} -eq 0 ] || cp "${seeds[@]}" "$work/seeds/"

# Known leaks in a dependency (TOMLKit), listed in Fuzz/lsan.supp; every other leak fails the run.
export LSAN_OPTIONS="suppressions=$root/Fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
# A Swift trap goes to libFuzzer's deadly-signal handler (which saves the input); Swift's own backtracer would
# run first and trip AddressSanitizer while reading the crashed stack.
export SWIFT_BACKTRACE=enable=no
echo "fuzz: $target for $seconds s; corpus $work/corpus; crash artifacts go to $work/artifacts/" >&2
status=0
"$binary" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 \
    -dict="$root/Fuzz/Dictionaries/$dict.dict" -artifact_prefix="$work/artifacts/" "$@" \
    "$work/corpus" "$work/seeds" || status=$?
if [ "$status" -ne 0 ]; then
    echo "fuzz: $target FAILED (libFuzzer exit $status); reproduce with: $binary $work/artifacts/FILE" >&2
    echo "fuzz: artifacts in $work/artifacts/" >&2
fi
exit "$status"
