#!/usr/bin/env bash
# Installs a newswatch .deb on this machine, uses it, and purges it (CI; CONTRACT §12). As root.
#
#   scripts/check-deb-install.sh PACKAGE.deb
#
# dpkg -i must succeed without systemd as PID 1 (the unit is enabled, not started); the installed newswatch must
# print the package's version, accept the packaged config and link no Swift runtime; dpkg --purge must remove the
# package's files and enablement but leave /var/lib/newswatch exactly as it was. A /var/lib/newswatch that does
# not exist yet is created with a sentinel file for the check and removed afterwards.
# Refuses to run if newswatch is already installed (it would be replaced, then purged).
set -euo pipefail

deb="${1:?usage: scripts/check-deb-install.sh PACKAGE.deb}"
die() {
    echo "check-deb-install: FAIL: $*" >&2
    exit 1
}
[ "$(id -u)" -eq 0 ] || die "must run as root (dpkg -i)"
[ -f "$deb" ] || die "$deb does not exist"
if dpkg-query -W -f '${Status}' newswatch 2>/dev/null | grep -q 'installed'; then
    die "newswatch is already installed here; not replacing it"
fi

state=/var/lib/newswatch
created_state=false
if [ ! -e "$state" ]; then
    mkdir -p "$state"
    echo "purge must keep this" >"$state/sentinel"
    created_state=true
fi
fingerprint() { find "$state" -printf '%p %y %s %m %u %g %T@\n' | sort | sha256sum; }
before="$(fingerprint)"
cleanup() {
    if "$created_state"; then rm -rf "$state"; fi
}
trap cleanup EXIT

dpkg -i "$deb" || die "dpkg -i $deb failed"
# From here on, whatever fails, the package comes off again.
purged=false
trap 'if ! "$purged"; then dpkg --purge newswatch >/dev/null 2>&1 || true; fi; cleanup' EXIT

version="$(dpkg-deb --field "$deb" Version)"
[ "$(command -v newswatch)" = /usr/bin/newswatch ] || die "newswatch on PATH is $(command -v newswatch), not /usr/bin"
installed="$(newswatch --version)" || die "newswatch --version failed"
[ "$installed" = "${version%-*}" ] || die "newswatch --version says $installed, the package is $version"
echo "check-deb-install: newswatch --version: $installed"

newswatch check-config --config /etc/newswatch/newswatch.toml >/tmp/newswatch-check-config.$$ 2>&1 ||
    die "check-config rejects the packaged config: $(cat /tmp/newswatch-check-config.$$)"
echo "check-deb-install: newswatch check-config --config /etc/newswatch/newswatch.toml: $(tail -n 1 /tmp/newswatch-check-config.$$)"
rm -f /tmp/newswatch-check-config.$$

echo "check-deb-install: ldd /usr/bin/newswatch:"
ldd /usr/bin/newswatch | sed 's/^/    /'
if ldd /usr/bin/newswatch | grep -Eq 'libswiftCore|libFoundation|lib_Foundation|libdispatch|not found'; then
    die "/usr/bin/newswatch needs the Swift runtime or a missing library"
fi

getent passwd newswatch >/dev/null || die "postinst did not create the user newswatch"
[ "$(stat -c '%a %U %G' /etc/newswatch)" = "750 root newswatch" ] ||
    die "/etc/newswatch is $(stat -c '%a %U %G' /etc/newswatch), not 750 root newswatch (tmpfiles)"
wants=/etc/systemd/system/multi-user.target.wants/newswatch.service
[ -L "$wants" ] || die "postinst did not enable newswatch.service ($wants is missing)"
echo "check-deb-install: installed: user newswatch, /etc/newswatch 750 root:newswatch, unit enabled"

dpkg --purge newswatch || die "dpkg --purge newswatch failed"
purged=true
for gone in /usr/bin/newswatch /etc/newswatch /lib/systemd/system/newswatch.service "$wants"; do
    [ ! -e "$gone" ] && [ ! -L "$gone" ] || die "purge left $gone behind"
done
[ "$(fingerprint)" = "$before" ] || die "purge changed $state"
echo "check-deb-install: purged; $state untouched"
