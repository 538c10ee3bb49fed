#!/bin/bash
# heaptrack-exec.sh COMMAND [ARGS...]: runs COMMAND under heaptrack's LD_PRELOAD library, keeping its pid (exec),
# so that signals and /proc reach the profiled process itself (`heaptrack COMMAND` runs it as a child of a shell).
# The profile is written to ${HEAPTRACK_OUT:-/tmp/heaptrack-exec.$$}.zst; read it with `heaptrack_print -f FILE`.
# daemon-bench.py --daemon-wrap scripts/heaptrack-exec.sh profiles the daemon only (session 9, issue 18).
set -euo pipefail
lib=/usr/lib/heaptrack
[ -x "$lib/libexec/heaptrack_interpret" ] || { echo "heaptrack-exec: heaptrack is not installed" >&2; exit 1; }
[ $# -gt 0 ] || { echo "usage: heaptrack-exec.sh COMMAND [ARGS...]" >&2; exit 64; }
# Checked before the FIFO exists: a command that cannot start would leave the reader below waiting on it forever.
command -v "$1" > /dev/null || { echo "heaptrack-exec: cannot run $1" >&2; exit 127; }
out="${HEAPTRACK_OUT:-/tmp/heaptrack-exec.$$}"
pipe="$(mktemp -u /tmp/heaptrack-exec-fifo.XXXXXX)"
mkfifo "$pipe"
# The reader and its compressor run on after COMMAND ends, until the profile is written: wait for the file's size to
# settle before reading it.
("$lib/libexec/heaptrack_interpret" < "$pipe" | zstd -q -c > "$out.zst"; rm -f "$pipe") &
echo "heaptrack-exec: profile of pid $$ goes to $out.zst" >&2
exec env LD_PRELOAD="$lib/libheaptrack_preload.so" DUMP_HEAPTRACK_OUTPUT="$pipe" "$@"
