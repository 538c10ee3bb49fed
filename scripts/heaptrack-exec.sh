#!/bin/bash
# heaptrack-exec.sh COMMAND [ARGS...]: runs COMMAND under heaptrack's LD_PRELOAD library, keeping its pid (exec),
# so that signals and /proc reach the profiled process itself (`heaptrack COMMAND` runs it as a child of a shell).
# The profile is written to ${HEAPTRACK_OUT:-/tmp/heaptrack-exec.$$}.zst; read it with `heaptrack_print -f FILE`.
# daemon-bench.py --daemon-wrap scripts/heaptrack-exec.sh profiles the daemon only (session 9, issue 18).
set -euo pipefail
lib=/usr/lib/heaptrack
[ -x "$lib/libexec/heaptrack_interpret" ] || { echo "heaptrack-exec: heaptrack is not installed" >&2; exit 1; }
out="${HEAPTRACK_OUT:-/tmp/heaptrack-exec.$$}"
pipe="$(mktemp -u /tmp/heaptrack-exec-fifo.XXXXXX)"
mkfifo "$pipe"
("$lib/libexec/heaptrack_interpret" < "$pipe" | zstd -q -c > "$out.zst"; rm -f "$pipe") &
exec env LD_PRELOAD="$lib/libheaptrack_preload.so" DUMP_HEAPTRACK_OUTPUT="$pipe" "$@"
