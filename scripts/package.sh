#!/usr/bin/env bash
# Builds the two packages of SPEC §11 from a release build with the Swift runtime linked statically:
#   dist/axpsim-VERSION-linux-ARCH.tar.gz  bin/axpsim, share/axpsim/{fixtures,scenarios}, README.md
#   dist/axpsim_VERSION_DEBARCH.deb        /usr/bin/axpsim, /usr/share/axpsim/{fixtures,scenarios},
#                                          Depends: the Debian packages of every library ldd shows
# The binary finds share/axpsim beside its own folder, so both layouts start on their bundled
# fixtures with no flag. Needs: swift, dpkg-deb, dpkg-query. Prints the two paths and their sizes.
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(sed -n 's/.*static let current = "\(.*\)".*/\1/p' Sources/AXPSimServer/AXPSimVersion.swift)
arch=$(uname -m)
debarch=$(dpkg --print-architecture)
scratch=.build-release

echo "== release build (static Swift runtime) into $scratch" >&2
swift build -c release --product axpsim --static-swift-stdlib --scratch-path "$scratch" >&2
binary="$scratch/release/axpsim"

if ldd "$binary" | grep -E 'libswift|libFoundation|libdispatch|libBlocksRuntime' >&2; then
  echo "package.sh: the binary still links the Swift runtime dynamically (see above)" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p dist

# -- the tarball -----------------------------------------------------------------------------------
root="$work/axpsim-$version"
mkdir -p "$root/bin" "$root/share/axpsim"
install -m 0755 "$binary" "$root/bin/axpsim"
strip --strip-unneeded "$root/bin/axpsim"
cp -r fixtures scenarios "$root/share/axpsim/"
cp README.md "$root/"
tarball="dist/axpsim-$version-linux-$arch.tar.gz"
tar -C "$work" -czf "$tarball" "axpsim-$version"

# -- the .deb ----------------------------------------------------------------------------------------
deb="$work/deb"
mkdir -p "$deb/DEBIAN" "$deb/usr/bin" "$deb/usr/share/axpsim" "$deb/usr/share/doc/axpsim"
install -m 0755 "$root/bin/axpsim" "$deb/usr/bin/axpsim"
cp -r fixtures scenarios "$deb/usr/share/axpsim/"
cp README.md "$deb/usr/share/doc/axpsim/"
# Depends: the package owning each shared library the binary names (NEEDED; apt brings what they need).
packages=()
for name in $(objdump -p "$binary" | awk '/NEEDED/ {print $2}'); do
  case "$name" in ld-linux*) continue ;; esac   # the loader: part of libc6, listed through libc.so.6
  lib=$(ldd "$binary" | awk -v name="$name" '$1 == name && $3 ~ /^\// {print $3}')
  [ -n "$lib" ] || { echo "package.sh: ldd does not resolve $name" >&2; exit 1; }
  owner=$(dpkg-query -S "$lib" 2>/dev/null || dpkg-query -S "$(readlink -f "$lib")" 2>/dev/null) || {
    echo "package.sh: no Debian package owns $lib (ldd of $binary)" >&2; exit 1; }
  packages+=("${owner%%:*}")
done
depends=$(printf '%s\n' "${packages[@]}" | sed 's/, .*//' | sort -u | paste -sd, - | sed 's/,/, /g')
size=$(du -sk "$deb/usr" | cut -f1)
cat > "$deb/DEBIAN/control" <<CONTROL
Package: axpsim
Version: $version
Architecture: $debarch
Maintainer: axpsim maintainers <axpsim@localhost>
Installed-Size: $size
Depends: $depends
Section: devel
Priority: optional
Homepage: https://axpsim.dev
Description: offline emulator of the Avaya Experience Platform Digital chat services
 A standalone emulator of the platform's back-end token API, the Chat SDK and Omni SDK
 protocols (long poll and WebSocket), with virtual clocks, scenarios, faults and a console.
CONTROL
debfile="dist/axpsim_${version}_${debarch}.deb"
dpkg-deb --root-owner-group --build "$deb" "$debfile" >&2

ls -l "$tarball" "$debfile" | awk '{print $5, $9}'
echo "Depends: $depends" >&2
