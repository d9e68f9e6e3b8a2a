#!/bin/sh
# Unpacks the image tarball that "mvn -Pimage package" wrote into a root file system and starts
# Lifeboat from it with chroot in new mount and PID namespaces (no container runtime needed),
# listening on 127.0.0.1 only, then requests /actuator/health. Run as root.
#
# Usage: verify-image.sh [IMAGE_TAR]   (default target/lifeboat-image.tar)
set -eu

image="${1:-target/lifeboat-image.tar}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

tar -xf "$image" -C "$work"
echo "Layers (from manifest.json, in order):"
python3 -c 'import json,sys; [print("  " + l) for l in json.load(open(sys.argv[1]))[0]["Layers"]]' \
  "$work/manifest.json"
echo "Entrypoint, user and environment (config.json):"
python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["config"]; print("  ", c["Entrypoint"], c.get("User"), c.get("Env"))' \
  "$work/config.json"

mkdir "$work/rootfs"
for layer in $(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))[0]["Layers"]))' "$work/manifest.json"); do
  tar --warning=no-unknown-keyword -xzf "$work/$layer" -C "$work/rootfs"
done
chown -R 65532:65532 "$work/rootfs/data"

entrypoint=$(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))["config"]["Entrypoint"]))' "$work/config.json")
# The run uses the image's entrypoint and user; the arguments bind every listener to loopback.
# chroot does not apply the image's environment, so env sets it from config.json's values.
unshare --mount --pid --fork --kill-child sh -c "
  mount -t proc proc '$work/rootfs/proc'
  exec env -i LIFEBOAT_DATA_DIR=/data JAVA_HOME=/opt/java \
    /usr/sbin/chroot --userspec=65532:65532 '$work/rootfs' $entrypoint --server.address=127.0.0.1 --server.port=18080 \
    --lifeboat.smtp.bind-address=127.0.0.1 --lifeboat.smtp.port=12525 \
    --lifeboat.sftp.host=127.0.0.1 --lifeboat.sftp.port=12222
" > "$work/lifeboat.log" 2>&1 &
pid=$!

status=1
for _ in $(seq 1 120); do
  body=$(curl -sS http://127.0.0.1:18080/actuator/health 2>/dev/null || true)
  if [ -n "$body" ] && [ "$(printf '%s' "$body" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')" = UP ]; then
    echo "Health: $body"
    status=0
    break
  fi
  sleep 1
done
kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
if [ "$status" -ne 0 ]; then
  echo "Lifeboat in the image did not respond within 120 s; its log:" >&2
  tail -50 "$work/lifeboat.log" >&2
fi
exit "$status"
