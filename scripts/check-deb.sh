#!/usr/bin/env bash
# Checks a newswatch .deb against CONTRACT §12 without installing it:
#
#   scripts/check-deb.sh PACKAGE.deb
#
# control fields (dpkg-deb --field), the conffile, every installed path (dpkg-deb --contents), one man page per
# command, the maintainer scripts, the packaged binary (its --version equals the package's upstream version, it
# accepts the packaged config, ldd shows no Swift runtime) and lintian (fails on any error; warnings are printed).
# Exit 0 when everything holds; otherwise 1, after naming every failed check.
set -euo pipefail

deb="${1:?usage: scripts/check-deb.sh PACKAGE.deb}"
[ -f "$deb" ] || { echo "check-deb: FAIL: $deb does not exist" >&2; exit 1; }

if ! command -v lintian >/dev/null 2>&1; then
    echo "check-deb: installing lintian" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends lintian >/dev/null ||
        { echo "check-deb: FAIL: lintian is missing and could not be installed" >&2; exit 1; }
fi

failures=0
fail() {
    echo "check-deb: FAIL: $*" >&2
    failures=$((failures + 1))
}
ok() { echo "check-deb: ok: $*"; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# --- Control fields ---
field() { dpkg-deb --field "$deb" "$1"; }
[ "$(field Package)" = newswatch ] || fail "Package is '$(field Package)', not newswatch"
arch="$(dpkg --print-architecture)"
[ "$(field Architecture)" = "$arch" ] || fail "Architecture is '$(field Architecture)', this machine is $arch"
version="$(field Version)"
[ "$(basename "$deb")" = "newswatch_${version}_${arch}.deb" ] ||
    fail "file name $(basename "$deb") is not newswatch_${version}_${arch}.deb"
depends="$(field Depends)"
for lib in libc6 libcurl4 libxml2 libsqlite3-0 systemd; do
    # Whole package names only: libcurl4 must not be satisfied by libcurl4-gnutls-dev and the like.
    printf '%s\n' "$depends" | tr ',|' '\n\n' | sed 's/^ *//; s/ .*//' | grep -qx "$lib" ||
        fail "Depends lacks $lib: $depends"
done
for name in Maintainer Installed-Size Description Section Priority; do
    [ -n "$(field "$name")" ] || fail "control field $name is missing"
done
ok "control: $(field Package) $version $arch; Depends: $depends"

# --- Conffiles and maintainer scripts ---
dpkg-deb --control "$deb" "$work/control"
[ "$(cat "$work/control/conffiles" 2>/dev/null)" = /etc/newswatch/newswatch.toml ] ||
    fail "conffiles is not exactly /etc/newswatch/newswatch.toml"
expect_script() { # SCRIPT PATTERN WHAT
    grep -q -- "$2" "$work/control/$1" 2>/dev/null || fail "$1 does not $3"
}
expect_script postinst 'systemd-sysusers .*newswatch.conf' "create the user (systemd-sysusers)"
expect_script postinst 'systemd-tmpfiles .*--create newswatch.conf' "create /etc/newswatch (systemd-tmpfiles)"
expect_script postinst "deb-systemd-helper enable 'newswatch.service'" "enable the unit (deb-systemd-helper)"
expect_script postinst 'if \[ -d /run/systemd/system \]' "start the unit only when systemd runs"
expect_script prerm "deb-systemd-invoke stop 'newswatch.service'" "stop the unit"
expect_script postrm "deb-systemd-helper purge 'newswatch.service'" "purge the enablement state"
if grep -n '/var/lib/newswatch' "$work/control/postrm" "$work/control/prerm" | grep -v '^[^:]*:[0-9]*:#' | grep -q .; then
    fail "a removal script touches /var/lib/newswatch, which purge must never delete"
fi
for script in postinst prerm postrm; do
    sh -n "$work/control/$script" || fail "$script is not valid sh"
done
ok "conffiles and maintainer scripts"

# --- Contents ---
dpkg-deb --contents "$deb" >"$work/contents"
has() { awk '{print $6}' "$work/contents" | grep -qx "./$1"; }
paths=(
    usr/bin/newswatch
    lib/systemd/system/newswatch.service
    usr/lib/sysusers.d/newswatch.conf
    usr/lib/tmpfiles.d/newswatch.conf
    etc/newswatch/newswatch.toml
    usr/share/man/man1/newswatch.1.gz
    usr/share/bash-completion/completions/newswatch
    usr/share/zsh/vendor-completions/_newswatch
    usr/share/fish/vendor_completions.d/newswatch.fish
    usr/share/doc/newswatch/copyright
    usr/share/doc/newswatch/changelog.Debian.gz
)
for path in "${paths[@]}"; do
    has "$path" || fail "the package lacks /$path"
done
if awk '$2 != "root/root"' "$work/contents" | grep -q .; then
    fail "files not owned by root/root: $(awk '$2 != "root/root" {print $6}' "$work/contents" | tr '\n' ' ')"
fi
if grep -q '/var/lib/newswatch' "$work/contents"; then
    fail "the package ships /var/lib/newswatch (the state directory belongs to the admin, not to dpkg)"
fi
ok "contents: ${#paths[@]} required paths, all root/root"

# --- The packaged files themselves ---
dpkg-deb -x "$deb" "$work/root"
bin="$work/root/usr/bin/newswatch"
if [ -x "$bin" ]; then
    upstream="$("$bin" --version)" || fail "newswatch --version failed"
    [ "${version%-*}" = "$upstream" ] || fail "Version $version does not match newswatch --version ($upstream)"

    "$bin" check-config --config "$work/root/etc/newswatch/newswatch.toml" >"$work/check-config" 2>&1 ||
        fail "newswatch check-config rejects the packaged config: $(cat "$work/check-config")"

    # One man page per command and subcommand, named as generate-manual names them (newswatch.SUB.1).
    "$bin" --experimental-dump-help >"$work/help.json"
    python3 - "$work/help.json" >"$work/man-expected" <<'EOF'
import json, sys
def walk(cmd, prefix):
    name = prefix + [cmd["commandName"]]
    yield ".".join(name)
    for sub in cmd.get("subcommands") or []:
        if sub["commandName"] != "help":
            yield from walk(sub, name)
for page in walk(json.load(open(sys.argv[1]))["command"], []):
    print(page)
EOF
    while read -r page; do
        has "usr/share/man/man1/$page.1.gz" || fail "no man page /usr/share/man/man1/$page.1.gz"
    done <"$work/man-expected"

    # No Swift runtime on the target: everything Swift is linked in; the rest are Debian libraries.
    ldd "$bin" >"$work/ldd" 2>&1 || fail "ldd failed: $(cat "$work/ldd")"
    if grep -Eq 'libswift|libFoundation|lib_Foundation|libdispatch|libBlocksRuntime' "$work/ldd"; then
        fail "the binary links the Swift runtime dynamically: $(grep -E 'swift|Foundation|dispatch|Blocks' "$work/ldd")"
    fi
    grep -q 'not found' "$work/ldd" && fail "unresolved libraries: $(grep 'not found' "$work/ldd")"
    echo "check-deb: ldd /usr/bin/newswatch:"
    sed 's/^/    /' "$work/ldd"
    ok "binary: --version $upstream, check-config passes, $(wc -l <"$work/man-expected") man pages, no Swift runtime"
else
    fail "/usr/bin/newswatch is missing or not executable"
fi
grep -q '^ExecStart=/usr/bin/newswatch ' "$work/root/lib/systemd/system/newswatch.service" 2>/dev/null ||
    fail "the packaged unit does not run /usr/bin/newswatch"

# --- lintian ---
lintian_status=0
lintian --fail-on error --display-info --tag-display-limit 0 "$deb" >"$work/lintian" 2>&1 || lintian_status=$?
echo "check-deb: lintian output:"
sed 's/^/    /' "$work/lintian"
if [ "$lintian_status" -ne 0 ] || grep -q '^E: ' "$work/lintian"; then
    fail "lintian reports errors (exit $lintian_status)"
else
    ok "lintian: no errors ($(grep -c '^W: ' "$work/lintian" || true) warnings)"
fi

if [ "$failures" -gt 0 ]; then
    echo "check-deb: $failures check(s) FAILED for $deb" >&2
    exit 1
fi
echo "check-deb: all checks passed for $deb"
