#!/usr/bin/env bash
# Builds the .deb (Debian, 统信UOS, 银河麒麟) and checks the package itself, not the source tree:
#
#   scripts/build-deb.sh                    # release build + package + checks
#   NB_DEB_NO_BUILD=1 scripts/build-deb.sh  # package the target/release/nianbao already built
#   scripts/build-deb.sh -- ARGS            # ARGS go to `cargo deb` (e.g. --deb-revision 2)
#
# What goes in the package is [package.metadata.deb] at the end of Cargo.toml. The checks run on
# the files as extracted from the .deb, so a wrong asset path, a stale binary or a desktop file
# that a later edit broke fails here rather than on an office's computer. Any failed check stops
# the script with a non-zero exit and a line starting with "build-deb: FAILED".
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
  echo "build-deb: FAILED: $*" >&2
  exit 1
}
step() { echo "== $*"; }

[ "${1:-}" = "--" ] && shift

# cargo-deb is a cargo plug-in, not a dependency of the crate: install it on first use. --locked
# builds it with the versions its authors tested, as for our own build.
if ! cargo deb --version >/dev/null 2>&1; then
  step "installing cargo-deb (cargo install cargo-deb --locked; a few minutes, once)"
  cargo install cargo-deb --locked
fi

deb_args=(--locked --no-build)
built=${CARGO_TARGET_DIR:-target}/release/nianbao
if [ "${NB_DEB_NO_BUILD:-0}" = 1 ]; then
  # The release binary was built by an earlier step (CI, or a developer's `cargo build
  # --release --locked`): don't build it a second time. It must exist, or cargo deb would
  # package nothing useful.
  [ -x "$built" ] || fail "NB_DEB_NO_BUILD=1 but $built is not built"
else
  step "cargo build --release --locked"
  cargo build --release --locked || fail "cargo build exited with $?"
fi

# The shell completions and man pages come from the binary's own command-line definition
# (src/cli/args.rs), so they cannot drift from it; Cargo.toml's assets take them from here.
step "nianbao __generate target/generated"
rm -rf target/generated
"$built" __generate target/generated || fail "the completions and man pages could not be generated"

# cargo deb prints the path of the .deb it wrote as the last line of its standard output (build
# progress and warnings go to standard error).
step "cargo deb ${deb_args[*]} $*"
out=$(cargo deb "${deb_args[@]}" "$@") || fail "cargo deb exited with $?"
deb=$(printf '%s\n' "$out" | tail -n 1)
[ -f "$deb" ] || fail "cargo deb did not report a .deb (its output: $out)"
echo "$deb"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dpkg-deb -x "$deb" "$work/root" || fail "dpkg-deb -x could not unpack $deb"
root=$work/root

step "package control fields"
dpkg-deb -f "$deb" Package Version Architecture Depends Recommends Suggests Section Priority Maintainer
[ "$(dpkg-deb -f "$deb" Package)" = nianbao ] || fail "package name is not nianbao"

# Every file the desktop needs, at the path it looks in.
step "files in place"
expected=(
  usr/bin/nianbao
  usr/share/applications/cn.nianbao.Nianbao.desktop
  usr/share/metainfo/cn.nianbao.Nianbao.metainfo.xml
  usr/share/mime/packages/cn.nianbao.Nianbao.xml
  usr/share/icons/hicolor/scalable/apps/cn.nianbao.Nianbao.svg
  usr/share/doc/nianbao/README.md
  usr/share/doc/nianbao/OFL.txt
  usr/share/bash-completion/completions/nianbao
  usr/share/zsh/vendor-completions/_nianbao
  usr/share/fish/vendor_completions.d/nianbao.fish
)
for n in 16 24 32 48 64 128 256 512; do
  expected+=("usr/share/icons/hicolor/${n}x${n}/apps/cn.nianbao.Nianbao.png")
done
for f in "${expected[@]}"; do
  [ -s "$root/$f" ] || fail "missing or empty in the package: /$f"
done
# Man pages: cargo deb gzips what goes under usr/share/man.
for page in nianbao nianbao-check nianbao-export nianbao-import nianbao-new nianbao-sum nianbao-export-csv; do
  [ -s "$root/usr/share/man/man1/$page.1.gz" ] || [ -s "$root/usr/share/man/man1/$page.1" ] \
    || fail "missing or empty in the package: man page $page(1)"
done
echo "${#expected[@]} files present"
[ -x "$root/usr/bin/nianbao" ] || fail "/usr/bin/nianbao is not executable"

# The packaged binary runs (right architecture, its shared libraries resolve) and is the
# version Cargo.toml names, and its headless checker passes a known-good report (exit 0 means
# no errors; 1 and 2 would mean findings or a failure).
step "usr/bin/nianbao --version"
version=$("$root/usr/bin/nianbao" --version) || fail "nianbao --version exited with $?"
echo "$version"
crate_version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
[ "$version" = "nianbao $crate_version" ] || fail "packaged binary says '$version', Cargo.toml says $crate_version"
step "usr/bin/nianbao check tests/fixtures/hangzhou-2021.csv"
"$root/usr/bin/nianbao" check tests/fixtures/hangzhou-2021.csv || fail "nianbao check exited with $?"

# desktop-file-validate exits 0 on warnings (only errors fail it), so anything it prints fails too.
desktop=$root/usr/share/applications/cn.nianbao.Nianbao.desktop
if command -v desktop-file-validate >/dev/null; then
  step "desktop-file-validate"
  report=$(desktop-file-validate "$desktop" 2>&1) || fail "desktop-file-validate: $report"
  [ -z "$report" ] || fail "desktop-file-validate: $report"
  echo "no errors, no warnings"
else
  echo "(desktop-file-validate not installed: apt-get install desktop-file-utils)"
fi

# --no-net: AppStream would otherwise fetch every URL in the file; errors and warnings fail it,
# informational notes do not. The program has no web site, and AppStream 1.0.2 and later warn
# about a missing homepage unless told, with the override that they allow for exactly this case
# (older versions neither warn nor know the tag, and refuse the override).
if command -v appstreamcli >/dev/null; then
  step "appstreamcli validate --no-net"
  as_args=(--no-net)
  as_version=$(appstreamcli --version | sed -n 's/^AppStream version: *//p')
  if [ "$(printf '%s\n' 1.0.2 "$as_version" | sort -V | head -n 1)" = 1.0.2 ]; then
    as_args+=(--override=url-homepage-missing=info)
  fi
  echo "AppStream $as_version: appstreamcli validate ${as_args[*]}"
  appstreamcli validate "${as_args[@]}" "$root/usr/share/metainfo/cn.nianbao.Nianbao.metainfo.xml" ||
    fail "appstreamcli validate found errors or warnings"
else
  echo "(appstreamcli not installed: apt-get install appstream)"
fi

# The MIME package compiles (update-mime-database rejects malformed rules) and registers the
# glob; a draft named the old way, *.ron, is found by its content (the magic rule).
if command -v update-mime-database >/dev/null; then
  step "update-mime-database (MIME type application/x-nianbao-draft)"
  mkdir -p "$work/xdg/mime/packages"
  cp "$root/usr/share/mime/packages/cn.nianbao.Nianbao.xml" "$work/xdg/mime/packages/"
  # XDG_DATA_DIRS names the temporary folder only so that update-mime-database does not print
  # a note that it is outside the search path.
  XDG_DATA_DIRS=$work/xdg update-mime-database "$work/xdg/mime" ||
    fail "update-mime-database rejected the MIME package"
  grep -q '^60:application/x-nianbao-draft:\*\.nianbao\.ron$' "$work/xdg/mime/globs2" ||
    fail "the *.nianbao.ron glob is not in the compiled MIME database"
  grep -q 'nianbao-draft' "$work/xdg/mime/magic" || fail "the content rule is not in the compiled MIME database"
  if command -v gio >/dev/null; then
    printf '(\n  format: "nianbao-draft",\n  version: 1,\n)\n' >"$work/old.ron"
    type=$(XDG_DATA_DIRS=$work/xdg XDG_DATA_HOME=$work/none gio info -a standard::content-type "$work/old.ron" |
      sed -n 's/^ *standard::content-type: //p')
    [ "$type" = application/x-nianbao-draft ] || fail "a draft named old.ron is seen as '$type'"
  fi
  echo "glob and content rule registered"
fi

step "dpkg-deb -c $deb"
dpkg-deb -c "$deb"
step "size"
size=$(stat -c %s "$deb")
echo "$deb: $size bytes ($(du -h "$deb" | cut -f1)), installed $(dpkg-deb -f "$deb" Installed-Size) KiB"
echo "build-deb: OK"
