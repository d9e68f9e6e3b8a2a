#!/bin/sh
# Assembles the root file system of Lifeboat's OCI image without pulling a base image: a jlink
# Java runtime in /opt/java, the shared libraries it links against (copied from this machine, as
# ldd lists them) and an empty /data. Jib adds this folder under the application layers.
#
# Usage: build-runtime.sh OUTPUT_FOLDER   (JAVA_HOME must name a JDK 21 or newer)
set -eu

out="$1"
jdk="${JAVA_HOME:?JAVA_HOME must name a JDK 21 or newer}"

rm -rf "$out"
mkdir -p "$out/opt" "$out/data" "$out/tmp" "$out/proc"

# java.se covers the platform APIs that Spring Boot, H2, the PostgreSQL driver and Tink use;
# jdk.unsupported (sun.misc.Unsafe), jdk.crypto.ec, jdk.zipfs and jdk.management are added.
"$jdk/bin/jlink" \
  --add-modules java.se,jdk.crypto.ec,jdk.unsupported,jdk.zipfs,jdk.management \
  --strip-debug --no-header-files --no-man-pages \
  --output "$out/opt/java"

# Copy each shared library that the runtime's executables and libraries need, with its path. The
# X11 and splash-screen libraries of java.desktop are left out: the server draws nothing, and
# java.desktop itself is needed only for java.beans.
find "$out/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) \
  ! -name 'libawt_xawt.so' ! -name 'libsplashscreen.so' ! -name 'libjawt.so' -print |
  while read -r binary; do
    ldd "$binary" 2>/dev/null || true
  done |
  awk '/=> \// { print $3 } /^\t\/[^ ]+ \(/ { print $1 }' |
  grep -v "^$out/" |
  sort -u |
  while read -r library; do
    mkdir -p "$out$(dirname "$library")"
    cp -L "$library" "$out$library"
  done

# The JDK resolves host names through NSS; without these files only numeric addresses work.
mkdir -p "$out/etc"
printf 'hosts: files dns\n' > "$out/etc/nsswitch.conf"
printf 'lifeboat:x:65532:65532::/data:/sbin/nologin\n' > "$out/etc/passwd"
printf 'lifeboat:x:65532:\n' > "$out/etc/group"
for nss in /lib/x86_64-linux-gnu/libnss_files.so.2 /lib/x86_64-linux-gnu/libnss_dns.so.2; do
  if [ -e "$nss" ]; then
    mkdir -p "$out$(dirname "$nss")"
    cp -L "$nss" "$out$nss"
  fi
done
