#!/usr/bin/env bash
# Renders the app icon's PNGs and the Windows .ico from the SVG sources:
#
#   scripts/render-icons.sh
#
# assets/icons/cn.nianbao.Nianbao.svg     the icon (24 px and up)
# assets/icons/cn.nianbao.Nianbao-16.svg  its 16 px form, fitted to the pixel grid by hand
#
# Writes assets/icons/hicolor/<N>x<N>/apps/cn.nianbao.Nianbao.png (what the .deb installs, the
# freedesktop icon theme layout) and assets/icons/nianbao.ico (16–256 px, for the Windows build).
# The outputs are committed, so neither the release build nor CI needs these tools. Needs
# rsvg-convert (Debian: librsvg2-bin), ImageMagick's convert and, optionally, optipng.
set -euo pipefail
cd "$(dirname "$0")/../assets/icons"
# /usr/bin first: a wrapper named convert earlier on PATH must not stand in for ImageMagick.
convert=/usr/bin/convert
[ -x "$convert" ] || convert=$(command -v convert)
for n in 16 24 32 48 64 128 256 512; do
  src=cn.nianbao.Nianbao.svg
  [ "$n" = 16 ] && src=cn.nianbao.Nianbao-16.svg
  mkdir -p "hicolor/${n}x${n}/apps"
  rsvg-convert -w "$n" -h "$n" "$src" -o "hicolor/${n}x${n}/apps/cn.nianbao.Nianbao.png"
done
if command -v optipng >/dev/null; then
  # Lossless; -strip all drops the timestamps so a re-render of the same SVG gives the same bytes.
  optipng -quiet -o7 -strip all hicolor/*/apps/cn.nianbao.Nianbao.png
fi
# The .ico takes the PNGs as they are (PNG-compressed 256 px entry, as Windows Vista and later read).
"$convert" hicolor/{16x16,24x24,32x32,48x48,64x64,256x256}/apps/cn.nianbao.Nianbao.png nianbao.ico
