#!/usr/bin/env bash
# Vendors the map page's libraries into web/vendor/ from pinned npm packages.
#
#   scripts/vendor_web.sh          # from anywhere; needs npm, tar, sha256sum
#
# Fetches each tarball with `npm pack` into target/data-cache/downloads/, checks its sha256
# (below), and copies the distributed files and the licence unchanged. A second run leaves
# web/vendor/ byte-for-byte the same. To move to a new version: change the pin and the
# sha256 together, after reviewing the new tarball.
set -euo pipefail
cd "$(dirname "$0")/.."

downloads=target/data-cache/downloads
work=target/data-cache/vendor-web
out=web/vendor
mkdir -p "$downloads" "$work"

# name@version  sha256 of the tarball npm pack writes
packages=(
    "leaflet@1.9.4 84c65a256e50657896f54c33bd857b6849ebe94c817803be818bf32a3dde0b77"
    "leaflet.markercluster@1.5.3 fc6b0b1d00b6c708ae54e43ee4a11ac345e41660e19f0a570190bb35babb1a1c"
    "topojson-client@3.1.0 889fadb422f6236d0f8337a236ce6499f258b75e44b81733b13bd971067322bf"
)

fetch() { # name@version sha256 -> extracted package folder on stdout
    local spec=$1 want=$2 name=${1%@*} version=${1##*@}
    local tgz="$downloads/$name-$version.tgz"
    if [[ ! -f $tgz ]]; then
        (cd "$downloads" && npm pack --silent "$spec" >/dev/null)
    fi
    local got
    got=$(sha256sum "$tgz" | cut -d' ' -f1)
    if [[ $got != "$want" ]]; then
        echo "vendor_web: $tgz: sha256 $got, expected $want" >&2
        exit 1
    fi
    rm -rf "${work:?}/$name"
    mkdir -p "$work/$name"
    tar -xzf "$tgz" -C "$work/$name"
    echo "$work/$name/package"
}

rm -rf "$out"
mkdir -p "$out/images" "$out/licenses"
for entry in "${packages[@]}"; do
    read -r spec sha <<<"$entry"
    pkg=$(fetch "$spec" "$sha")
    case ${spec%@*} in
    leaflet)
        cp "$pkg/dist/leaflet.js" "$pkg/dist/leaflet.css" "$out/"
        cp "$pkg"/dist/images/*.png "$out/images/"
        cp "$pkg/LICENSE" "$out/licenses/leaflet-LICENSE.txt"
        ;;
    leaflet.markercluster)
        cp "$pkg/dist/leaflet.markercluster.js" "$pkg/dist/MarkerCluster.css" \
            "$pkg/dist/MarkerCluster.Default.css" "$out/"
        cp "$pkg/MIT-LICENCE.txt" "$out/licenses/leaflet.markercluster-LICENSE.txt"
        ;;
    topojson-client)
        cp "$pkg/dist/topojson-client.min.js" "$out/"
        cp "$pkg/LICENSE" "$out/licenses/topojson-client-LICENSE.txt"
        ;;
    esac
done

{
    echo "# web/vendor: written by scripts/vendor_web.sh; do not edit."
    echo "# package@version  sha256 of the npm tarball"
    for entry in "${packages[@]}"; do echo "$entry"; done
} >"$out/SOURCES.txt"
echo "vendor_web: $(find "$out" -type f | wc -l) files in $out"
