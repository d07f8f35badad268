#!/usr/bin/env bash
# Installs what the container image test needs: podman with the runc runtime, and
# debootstrap for a base image made from Debian's packages. Sets podman up for machines
# without systemd. Does nothing when all is there.
set -euo pipefail
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
missing=()
for tool in podman runc debootstrap curl; do
    command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]} for the container image test"
    "${as_root[@]}" apt-get update -qq
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# No systemd for podman to hand cgroups to, and a hard limit on open files below the one
# podman sets in containers by default (runc then fails to start them).
if [ ! -f /etc/containers/containers.conf ]; then
    "${as_root[@]}" mkdir -p /etc/containers
    printf '[containers]\ndefault_ulimits = []\n\n[engine]\ncgroup_manager = "cgroupfs"\n' |
        "${as_root[@]}" tee /etc/containers/containers.conf >/dev/null
fi
