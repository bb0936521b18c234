#!/usr/bin/env bash
# CPython 3.14, the Python the page names, for the benchmarks' comparisons (scripts/bench.sh,
# PYTHON314=… node scripts/patterns.mjs). This machine kind runs Debian 12, whose Python is 3.11;
# Debian's unstable archive has 3.14 (the GIL build; no free-threaded build is packaged). Its
# binary packages are unpacked under $TMPDIR/conpar-py314 (no root install, nothing of the
# system's changed), the interpreter pointed at the C library that came with them, and the
# standard library byte-compiled, as Debian does at install time (without it every process a
# pool spawns compiles it again). About a minute the first time; then it only prints the path.
# Prints the interpreter's path.
set -euo pipefail
home="${TMPDIR:-/tmp}/conpar-py314"
root="$home/root"
python="$root/usr/bin/python3.14"
if [ ! -x "$python" ] || ! "$python" -c 'import asyncio, concurrent.futures' 2>/dev/null; then
  mkdir -p "$home/lists/partial" "$home/debs" "$root"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian sid main" >"$home/sources.list"
  apt_opts=(-o "Dir::Etc::sourcelist=$home/sources.list" -o Dir::Etc::sourceparts=- -o "Dir::State::Lists=$home/lists")
  apt-get "${apt_opts[@]}" update >/dev/null
  (cd "$home/debs" && apt-get "${apt_opts[@]}" download python3.14-minimal libpython3.14-minimal \
    libpython3.14-stdlib libc6 libffi8 libexpat1 zlib1g libssl3t64 libzstd1 libbz2-1.0 liblzma5 \
    libsqlite3-0 libmpdec4 >/dev/null 2>&1)
  for deb in "$home"/debs/*.deb; do dpkg-deb -x "$deb" "$root"; done
  command -v patchelf >/dev/null || apt-get install -y -qq patchelf >/dev/null
  lib="$root/usr/lib/x86_64-linux-gnu"
  patchelf --set-interpreter "$lib/ld-linux-x86-64.so.2" --set-rpath "$lib:$root/lib/x86_64-linux-gnu" "$python"
  PYTHONHOME="$root/usr" "$python" -m compileall -q -j 2 "$root/usr/lib/python3.14" >/dev/null 2>&1 || true
fi
echo "$python"
