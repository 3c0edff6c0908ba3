#!/usr/bin/env bash
# scripts/install-deps.sh -- install the Debian 12 packages recsys needs to build, test and run.
#
# Idempotent: a package counts as present when dpkg says it is installed or, where dpkg does not
# know it (a hand-built tool), when the file it provides exists. When everything is present it
# does not touch apt at all; otherwise it runs `apt-get update` once and installs only what is
# missing. Prints one summary line (the apt log only on failure).
# Needs root (or sudo) only when something has to be installed.
set -euo pipefail

# package : a file that proves it is there
deps=(
  "build-essential:/usr/bin/gcc"
  "g++:/usr/bin/g++"
  "make:/usr/bin/make"
  "cmake:/usr/bin/cmake"
  "ninja-build:/usr/bin/ninja"
  "postgresql-15:/usr/lib/postgresql/15/bin/postgres"
  "postgresql-server-dev-15:/usr/include/postgresql/15/server/postgres.h"
  "postgresql-15-cron:/usr/lib/postgresql/15/lib/pg_cron.so"
  "libeigen3-dev:/usr/include/eigen3/Eigen/Core"
  "nlohmann-json3-dev:/usr/include/nlohmann/json.hpp"
  "liblbfgs-dev:/usr/include/lbfgs.h"
  "libboost-dev:/usr/include/boost/math/distributions/students_t.hpp"
  "zlib1g-dev:/usr/include/zlib.h"
  "libgtest-dev:/usr/include/gtest/gtest.h"
  "libpq-dev:/usr/include/postgresql/libpq-fe.h"
  "libxgboost-dev:/usr/include/xgboost/c_api.h"
)

installed() {  # installed PACKAGE FILE
  local st
  if st=$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) && [[ "$st" == installed ]]; then
    return 0
  fi
  [[ -e "$2" ]]
}

missing=()
for d in "${deps[@]}"; do
  if ! installed "${d%%:*}" "${d#*:}"; then missing+=("${d%%:*}"); fi
done

if (( ${#missing[@]} == 0 )); then
  echo "install-deps: all ${#deps[@]} packages present"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-deps: missing ${missing[*]}, and there is no apt-get here: install them by hand" >&2
  exit 1
fi
sudo=()
if [[ $EUID -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then sudo=(sudo -n); else
    echo "install-deps: missing ${missing[*]}; run as root (or with sudo) to install them" >&2
    exit 1
  fi
fi

log=$(mktemp "${TMPDIR:-/tmp}/install-deps.XXXXXX.log")
trap 'rm -f "$log"' EXIT
start=$SECONDS
export DEBIAN_FRONTEND=noninteractive
if ! { "${sudo[@]}" apt-get update -qq \
       && "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
  echo "install-deps: apt-get failed installing ${missing[*]}; last lines of its output:" >&2
  tail -n 25 "$log" >&2
  exit 1
fi
# check again: a package that apt "installed" must now really be there
still=()
for d in "${deps[@]}"; do
  if ! installed "${d%%:*}" "${d#*:}"; then still+=("${d%%:*}"); fi
done
if (( ${#still[@]} > 0 )); then
  echo "install-deps: still missing after apt-get: ${still[*]}" >&2
  exit 1
fi
echo "install-deps: installed ${missing[*]} ($((SECONDS - start)) s)"
