#!/usr/bin/env bash
# Builds newswatch_<version>_<arch>.deb into OUT_DIR (default .build-deb/out) — CONTRACT §12.
#
#   scripts/build-deb.sh [OUT_DIR]
#
# A release build linked with --static-swift-stdlib (its own scratch path .build-deb, so a debug .build is left
# alone), stripped the way dh_strip does; man pages from swift-argument-parser's generate-manual plugin; the
# completions from the binary; Depends from dpkg-shlibdeps plus what the maintainer scripts call (systemd-sysusers);
# maintainer scripts as dh_installsysusers/dh_installtmpfiles/dh_installsystemd generate them
# (packaging/debian/). The Debian version is the top entry of packaging/debian/changelog; its upstream part must
# equal `newswatch --version` (NewswatchVersion in Sources/newswatch/Newswatch.swift), or the build stops.
# Prints the path of the .deb on its last line. Check it with scripts/check-deb.sh.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
pkg="$root/packaging/debian"
scratch="$root/.build-deb"
out_dir="${1:-$scratch/out}"

die() {
    echo "build-deb: $*" >&2
    exit 1
}

# The Debian tools, only if missing (CI machines start bare; apt needs root there).
missing=()
command -v dpkg-shlibdeps >/dev/null 2>&1 || missing+=(dpkg-dev)
command -v gzip >/dev/null 2>&1 || missing+=(gzip)
command -v strip >/dev/null 2>&1 || missing+=(binutils)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "build-deb: installing ${missing[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
        die "could not install ${missing[*]} (run as root, or install them yourself)"
fi

# The changelog dates the build (man pages, file times), so two builds of one commit are the same package.
deb_version="$(dpkg-parsechangelog -l "$pkg/changelog" -S Version)"
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(dpkg-parsechangelog -l "$pkg/changelog" -S Timestamp)}"
arch="$(dpkg --print-architecture)"

echo "build-deb: [$(date -u +%T)] swift build -c release --static-swift-stdlib (scratch path .build-deb)" >&2
swift build -c release --product newswatch --static-swift-stdlib --scratch-path "$scratch" >&2
bin_dir="$(swift build -c release --static-swift-stdlib --scratch-path "$scratch" --show-bin-path)"
# SwiftPM does not relink when only --static-swift-stdlib changed (seen after `swift package plugin
# generate-manual`, which rebuilds the release products without it in this scratch path): relink from scratch.
if ldd "$bin_dir/newswatch" | grep -q 'libswiftCore'; then
    echo "build-deb: $bin_dir/newswatch links the Swift runtime dynamically; relinking it" >&2
    rm -f "$bin_dir/newswatch"
    swift build -c release --product newswatch --static-swift-stdlib --scratch-path "$scratch" >&2
    ! ldd "$bin_dir/newswatch" | grep -q 'libswiftCore' || die "swift build did not link the Swift runtime statically"
fi

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
tree="$stage/root"
mkdir -p "$tree/DEBIAN" "$tree/usr/bin"

install -m 0755 "$bin_dir/newswatch" "$tree/usr/bin/newswatch"
strip --remove-section=.comment --remove-section=.note "$tree/usr/bin/newswatch"
bin="$tree/usr/bin/newswatch"

upstream="$("$bin" --version)"
[ "${deb_version%-*}" = "$upstream" ] ||
    die "packaging/debian/changelog is at $deb_version but newswatch --version says $upstream: add a changelog entry"

# The unit as installed: the binary lives in /usr/bin, not /usr/local/bin as in a hand install.
install -d "$tree/lib/systemd/system" "$tree/usr/lib/sysusers.d" "$tree/usr/lib/tmpfiles.d"
sed 's|/usr/local/bin/newswatch|/usr/bin/newswatch|g' systemd/newswatch.service >"$tree/lib/systemd/system/newswatch.service"
chmod 0644 "$tree/lib/systemd/system/newswatch.service"
install -m 0644 systemd/newswatch.sysusers "$tree/usr/lib/sysusers.d/newswatch.conf"
install -m 0644 systemd/newswatch.tmpfiles "$tree/usr/lib/tmpfiles.d/newswatch.conf"

# The conffile is the embedded default config: Config/newswatch.toml followed by Config/default-topics.toml, as
# scripts/embed-default-config.sh joins them (TOML has no include), so the packaged daemon has the default topics.
install -d "$tree/etc/newswatch"
for f in Config/newswatch.toml Config/default-topics.toml; do
    printf '%s\n' "$(cat "$f")"
done >"$tree/etc/newswatch/newswatch.toml"
chmod 0644 "$tree/etc/newswatch/newswatch.toml"
"$bin" check-config --config "$tree/etc/newswatch/newswatch.toml" >/dev/null ||
    die "the packaged config fails newswatch check-config"
echo /etc/newswatch/newswatch.toml >"$tree/DEBIAN/conffiles"

# Man pages: one per command and subcommand, from the argument parser's own description of them. This runs the
# tool behind swift-argument-parser's generate-manual plugin (`swift package plugin generate-manual --multi-page`)
# on the packaged binary itself: the plugin would first rebuild every release product without
# --static-swift-stdlib in this scratch path (minutes, and a dynamic newswatch the next build does not relink).
echo "build-deb: [$(date -u +%T)] generate-manual (swift-argument-parser)" >&2
swift build --scratch-path "$scratch" --product generate-manual >&2
man_date="$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d)"
man_src="$stage/man"
mkdir -p "$man_src"
"$scratch/debug/generate-manual" "$bin" --multi-page --date "$man_date" --authors "newswatch maintainers" \
    --output-directory "$man_src" >&2
[ -f "$man_src/newswatch.1" ] || die "generate-manual wrote no newswatch.1 in $man_src"
install -d "$tree/usr/share/man/man1"
for page in "$man_src"/*.1; do
    title="$(basename "$page" .1)" # newswatch, newswatch.check-config, …
    spaced="${title//./ }"
    # generate-manual names a subcommand "newswatch check-config" in NAME, which whatis (lexgrog) cannot parse: NAME
    # gets the page's own name, SYNOPSIS keeps the command as typed; descriptions lose their literal quotes.
    sed -e "s/^\.Nm \"$spaced\"\$/.Nm $title/" -e "0,/^\.Nm\$/s//.Nm \"$spaced\"/" \
        -e 's/^\.Nd "\(.*\)"$/.Nd \1/' "$page" | gzip -9n >"$tree/usr/share/man/man1/$title.1.gz"
done

# Shell completions.
install -d "$tree/usr/share/bash-completion/completions" "$tree/usr/share/zsh/vendor-completions" \
    "$tree/usr/share/fish/vendor_completions.d"
# bash-completion sources the file: no #! line (lintian: bash-completion-with-hashbang).
"$bin" --generate-completion-script bash | sed '1{/^#!/d}' >"$tree/usr/share/bash-completion/completions/newswatch"
"$bin" --generate-completion-script zsh >"$tree/usr/share/zsh/vendor-completions/_newswatch"
"$bin" --generate-completion-script fish >"$tree/usr/share/fish/vendor_completions.d/newswatch.fish"

# Documentation and lintian overrides.
install -d "$tree/usr/share/doc/newswatch" "$tree/usr/share/lintian/overrides"
install -m 0644 "$pkg/copyright" "$tree/usr/share/doc/newswatch/copyright"
gzip -9n <"$pkg/changelog" >"$tree/usr/share/doc/newswatch/changelog.Debian.gz"
install -m 0644 "$pkg/lintian-overrides" "$tree/usr/share/lintian/overrides/newswatch"

for script in postinst prerm postrm; do
    install -m 0755 "$pkg/$script" "$tree/DEBIAN/$script"
done

# Depends the Debian way: dpkg-shlibdeps maps each linked library to the package (and minimum version) providing
# it. It wants a debian/control naming the package; the maintainer scripts add systemd-sysusers, as
# dh_installsysusers would.
mkdir -p "$stage/src/debian"
printf 'Source: newswatch\n\nPackage: newswatch\nArchitecture: any\n' >"$stage/src/debian/control"
shlibs="$(cd "$stage/src" && dpkg-shlibdeps -O -e"$bin" | sed -n 's/^shlibs:Depends=//p')"
[ -n "$shlibs" ] || die "dpkg-shlibdeps found no dependencies"
depends="$shlibs, systemd | systemd-standalone-sysusers | systemd-sysusers"

installed_size="$(du -sk --exclude=DEBIAN "$tree" | cut -f1)"
sed -e "s|@VERSION@|$deb_version|" -e "s|@ARCH@|$arch|" -e "s|@INSTALLED_SIZE@|$installed_size|" \
    -e "s/@DEPENDS@/$depends/" "$pkg/control" >"$tree/DEBIAN/control"

# md5sums of every file but the conffile, as dh_md5sums writes them (dpkg --verify, debsums).
(cd "$tree" && find . -type f ! -path './DEBIAN/*' ! -path './etc/*' -printf '%P\0' | LC_ALL=C sort -z |
    xargs -0 md5sum >DEBIAN/md5sums)

# Files in the package: root-owned, 0755 directories, no group/other write, one timestamp.
find "$tree" -type d -exec chmod 0755 {} +
chmod -R go-w "$tree"
find "$tree" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

mkdir -p "$out_dir"
deb="$(cd "$out_dir" && pwd)/newswatch_${deb_version}_${arch}.deb"
echo "build-deb: [$(date -u +%T)] dpkg-deb --build" >&2
dpkg-deb --root-owner-group -Zxz --build "$tree" "$deb" >&2
echo "build-deb: [$(date -u +%T)] done" >&2
echo "$deb"
