#!/usr/bin/env bash
# Renders a policy with the extension's grammar (scripts/render-example.mjs, shiki) and captures
# the page as a PNG with headless Chromium (Debian: `apt-get install -y chromium`), then shrinks it
# with pngquant (`apt-get install -y pngquant`) so that it stays small in the repository.
#
#   scripts/render-example.sh [POLICY] [OUT.png]
#
# Defaults: policies/french_b2b.dunning -> docs/images/policy-highlighted.png (in the README).
set -euo pipefail
extension=$(cd "$(dirname "$0")/.." && pwd)
repo=$(cd "$extension/../.." && pwd)
policy=${1:-$repo/policies/french_b2b.dunning}
png=${2:-$repo/docs/images/policy-highlighted.png}
html=$extension/out/policy-highlighted.html

for tool in chromium pngquant; do
    if ! command -v "$tool" >/dev/null; then
        echo "render-example: $tool is not installed (Debian: apt-get install -y $tool)" >&2
        exit 2
    fi
done

size=$(node "$extension/scripts/render-example.mjs" "$policy" "$html")
mkdir -p "$(dirname "$png")"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --force-device-scale-factor=1 --user-data-dir="$profile" \
    --window-size="$size" --screenshot="$png" "file://$html" 2>/dev/null
pngquant --force --skip-if-larger --strip --output "$png" -- "$png"
echo "render-example: $png ($size, $(wc -c <"$png") bytes)"
