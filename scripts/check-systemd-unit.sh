#!/usr/bin/env bash
# Checks systemd/newswatch.service: `systemd-analyze verify` must pass and the offline
# `systemd-analyze security` exposure must be at most $MAX_EXPOSURE (default 2.0; CONTRACT §7).
# Needs systemd-analyze (Debian: apt-get install systemd). Exit 0 pass, 1 fail, 2 cannot check.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
unit="${1:-$root/systemd/newswatch.service}"
max="${MAX_EXPOSURE:-2.0}"

if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "check-systemd-unit: systemd-analyze not found (apt-get install systemd)" >&2
    exit 2
fi
[ -f "$unit" ] || { echo "check-systemd-unit: $unit not found" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# verify insists that ExecStart's binary exists: check a copy pointing at a stub executable.
printf '#!/bin/sh\nexit 0\n' >"$work/newswatch"
chmod 755 "$work/newswatch"
sed "s|/usr/local/bin/newswatch|$work/newswatch|g" "$unit" >"$work/newswatch.service"

status=0
if ! verify_out="$(systemd-analyze verify "$work/newswatch.service" 2>&1)"; then
    echo "check-systemd-unit: systemd-analyze verify failed:" >&2
    printf '%s\n' "$verify_out" >&2
    status=1
elif [ -n "$verify_out" ]; then
    # Warnings about the unit itself are defects too.
    if printf '%s\n' "$verify_out" | grep -q "newswatch.service"; then
        echo "check-systemd-unit: systemd-analyze verify warned:" >&2
        printf '%s\n' "$verify_out" >&2
        status=1
    fi
fi
[ "$status" -eq 0 ] && echo "verify: ok"

security_out="$(systemd-analyze security --offline=true --no-pager "$work/newswatch.service" 2>&1)" || true
exposure="$(printf '%s\n' "$security_out" | sed -n 's/.*Overall exposure level for newswatch.service: \([0-9.]*\).*/\1/p')"
if [ -z "$exposure" ]; then
    echo "check-systemd-unit: no exposure level in systemd-analyze security output:" >&2
    printf '%s\n' "$security_out" >&2
    exit 1
fi
if awk -v e="$exposure" -v m="$max" 'BEGIN { exit !(e + 0 <= m + 0) }'; then
    echo "security: exposure $exposure (limit $max)"
else
    printf '%s\n' "$security_out" | grep -E '^✗' >&2 || true
    echo "check-systemd-unit: exposure $exposure exceeds $max" >&2
    status=1
fi
exit "$status"
