#!/usr/bin/env bash
# Makes TorchSharp's libLibTorchSharp.so in DIR load on a system whose libstdc++ lacks GLIBCXX_3.4.32 (Debian 12):
#   1. clear the version of its one GLIBCXX_3.4.32 symbol, std::ios_base_library_init() (see glibcxx-compat.cpp);
#   2. add a NEEDED entry for a one-function library of ours that defines it, copied beside it;
#   3. mark the GLIBCXX_3.4.32 entry of .gnu.version_r weak (VER_FLG_WEAK), so the loader does not insist on it.
# Runs from an MSBuild target after every copy of the native files (build and publish outputs); never touches the NuGet
# cache: the output file may be a hard link into it, so the patched copy replaces the link instead of writing through it.
# Idempotent; prints one line when it patches, nothing when there is nothing to do.
#   usage: build/glibcxx-compat.sh DIR
#          build/glibcxx-compat.sh --needed   exit 0 when this system needs the step (build.sh and the tests ask)
set -euo pipefail

# The one test of whether the step applies: Debian 13 and Ubuntu 24.04 have the symbol version, Debian 12 does not.
system_lacks_glibcxx_3_4_32() {
  local libstdcxx
  libstdcxx=$(ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}')
  ! { [ -n "$libstdcxx" ] && grep -qa 'GLIBCXX_3\.4\.32' "$libstdcxx"; }
}
if [ "${1:-}" = --needed ]; then system_lacks_glibcxx_3_4_32; exit; fi

dir=${1:?usage: glibcxx-compat.sh DIR | --needed}
lib=$dir/libLibTorchSharp.so
shim_name=libfedtransfer_glibcxx_compat.so
here=$(cd "$(dirname "$0")" && pwd)
[ -f "$lib" ] || exit 0

system_lacks_glibcxx_3_4_32 || exit 0
# Tool output is read whole into variables: with pipefail, `readelf | grep -q` fails when grep stops reading early.
versions=$(readelf -V -W "$lib")
grep -q 'Name: GLIBCXX_3\.4\.32 ' <<<"$versions" || exit 0                                                 # nothing asks for it

for tool in patchelf readelf g++; do
  command -v "$tool" >/dev/null || { echo "glibcxx-compat: $tool is missing; run ./build.sh setup (it installs patchelf, binutils and g++ on Debian 12)" >&2; exit 1; }
done

# The shim, compiled once per checkout; several projects build in parallel, hence the lock and the atomic move.
shim_dir=$here/../artifacts/glibcxx-compat
mkdir -p "$shim_dir"
(
  flock 9
  if [ ! -f "$shim_dir/$shim_name" ] || [ "$here/glibcxx-compat.cpp" -nt "$shim_dir/$shim_name" ]; then
    g++ -shared -fPIC -O2 -o "$shim_dir/$shim_name.tmp" "$here/glibcxx-compat.cpp"
    mv -f "$shim_dir/$shim_name.tmp" "$shim_dir/$shim_name"
  fi
) 9>"$shim_dir/.lock"
cp -f "$shim_dir/$shim_name" "$dir/$shim_name"

dynamic=$(readelf -d "$lib")
if grep -q "\[$shim_name\]" <<<"$dynamic" && grep -q 'Name: GLIBCXX_3\.4\.32 *Flags: WEAK' <<<"$versions"; then
  exit 0   # patched by an earlier run, and not copied over since
fi

work=$(mktemp "$dir/.libLibTorchSharp.XXXXXX")
trap 'rm -f "$work"' EXIT
cp "$lib" "$work"
patchelf --clear-symbol-version _ZSt21ios_base_library_initv "$work"
patchelf --add-needed "$shim_name" "$work"
# vna_flags sits 4 bytes into the Vernaux entry (after vna_hash); readelf gives the section's file offset and the entry's.
versions=$(readelf -V -W "$work")
section=$(awk '/Version needs section .\.gnu\.version_r./ {getline; for (i = 1; i <= NF; i++) if ($i == "Offset:") print $(i + 1); exit}' <<<"$versions")
entry=$(awk '/Name: GLIBCXX_3\.4\.32 / {sub(":", "", $1); print $1; exit}' <<<"$versions")
[ -n "$section" ] && [ -n "$entry" ] || { echo "glibcxx-compat: cannot find GLIBCXX_3.4.32 in $lib's version needs; the package layout changed" >&2; exit 1; }
printf '\x02\x00' | dd of="$work" bs=1 seek=$((section + entry + 4)) conv=notrunc status=none
grep -q 'Name: GLIBCXX_3\.4\.32 *Flags: WEAK' <<<"$(readelf -V -W "$work")" || { echo "glibcxx-compat: marking GLIBCXX_3.4.32 weak in $lib failed" >&2; exit 1; }
chmod --reference="$lib" "$work"
mv -f "$work" "$lib"
trap - EXIT
echo "glibcxx-compat: patched $lib for this system's libstdc++ (no GLIBCXX_3.4.32): std::ios_base_library_init from $shim_name"
