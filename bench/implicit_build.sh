#!/usr/bin/env bash
# bench/implicit_build.sh -- builds the peer `implicit` (CPU modules only) by hand into a
# temporary folder, for the side-by-side benchmarks (bench/implicit_peer.py). Nothing of it is
# committed: PyPI is not reachable here, so its source is a checkout you give, and the build uses
# Debian's Cython, numpy and scipy.
#
#   bash bench/implicit_build.sh SOURCE [DEST]     # prints DEST; use PYTHONPATH=DEST
#
# SOURCE: a checkout of github.com/benfred/implicit (v0.7.3 was measured). DEST defaults to
# /tmp/implicit-peer. Needs cython3, python3-dev, python3-numpy, python3-scipy, python3-tqdm and
# python3-threadpoolctl (installed when missing). Compiled as implicit's own CMake build does:
# -O3 with OpenMP, no -march (the wheels on PyPI are built so too).
set -euo pipefail
src=${1:?usage: bash bench/implicit_build.sh SOURCE [DEST]}
dest=${2:-/tmp/implicit-peer}
python=/usr/bin/python3

missing=()
for pkg in cython3 python3-dev python3-numpy python3-scipy python3-tqdm python3-threadpoolctl; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if ((${#missing[@]})); then DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2; fi

rm -rf "$dest"
mkdir -p "$dest"
if [[ -d $src/.git || -f $src/HEAD ]]; then
    git --git-dir="$( [[ -d $src/.git ]] && echo "$src/.git" || echo "$src")" archive HEAD implicit | tar -x -C "$dest"
else
    cp -a "$src/implicit" "$dest/"
fi

includes=(-I"$($python -c 'import sysconfig; print(sysconfig.get_paths()["include"])')"
          -I"$($python -c 'import numpy; print(numpy.get_include())')" -I"$dest" -I"$dest/implicit" -I"$dest/implicit/cpu")
suffix=$($python -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')
build() {  # build MODULE.pyx: cythonize to C++ and compile into a Python extension beside it
    local pyx=$1 dir name
    dir=$(dirname "$pyx")
    name=$(basename "$pyx" .pyx)
    cython3 -3 --cplus -X always_allow_keywords=True,binding=True,embedsignature=True \
        -o "$dir/$name.cxx" "$pyx" >&2
    g++ -O3 -fPIC -shared -fopenmp -std=c++17 -w "${includes[@]}" -o "$dir/$name$suffix" "$dir/$name.cxx"
}
pids=()
for pyx in "$dest"/implicit/_nearest_neighbours.pyx "$dest"/implicit/evaluation.pyx \
           "$dest"/implicit/cpu/_als.pyx "$dest"/implicit/cpu/bpr.pyx "$dest"/implicit/cpu/lmf.pyx "$dest"/implicit/cpu/topk.pyx; do
    build "$pyx" &
    pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
PYTHONPATH=$dest $python -c 'import implicit, implicit.nearest_neighbours, implicit.cpu.bpr' >&2
echo "$dest"
