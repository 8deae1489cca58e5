#!/usr/bin/env bash
# Write the systemd units in deploy/systemd into DIR, with this host's settings put in
# place of the defaults they are written with. Run by deploy-host.sh (same SR_*
# variables, same defaults), and by tests/integration/test_systemd_units.py, which
# checks what it writes with systemd-analyze verify. Paths must not hold spaces.
#
#   SR_USER  SR_BASE  SR_PROGRAM  SR_KEYRING_ENV   (see deploy-host.sh)
#   SR_BACKUPS     where the nightly backups go              ($SR_BASE/backups)
#   SR_CHECKPOINTS the file the daily log checkpoint is appended to
#                  ($SR_BASE/checkpoints/log-checkpoints.txt)
set -euo pipefail

OUT=${1:?usage: systemd-units.sh DIR}
SR_USER=${SR_USER:-records}
SR_BASE=${SR_BASE:-/srv/secure-records}
SR_PROGRAM=${SR_PROGRAM:-$SR_BASE/venv/bin/secure-records}
SR_KEYRING_ENV=${SR_KEYRING_ENV:-}
SR_BACKUPS=${SR_BACKUPS:-$SR_BASE/backups}
SR_CHECKPOINTS=${SR_CHECKPOINTS:-$SR_BASE/checkpoints/log-checkpoints.txt}
SOURCE=$(cd "$(dirname "$0")/../deploy/systemd" && pwd)

# What the units are written with (deploy-host.sh's defaults).
BASE=/srv/secure-records

render() {
    local text
    text=$(<"$1")
    # The longer paths first, each through a marker, so that a new value holding an
    # old one is not replaced twice.
    text=${text//"$BASE/venv/bin/secure-records"/@PROGRAM@}
    text=${text//"$BASE/backups"/@BACKUPS@}
    text=${text//"$BASE/checkpoints/log-checkpoints.txt"/@CHECKPOINTS@}
    text=${text//"$BASE"/@BASE@}
    text=${text//@PROGRAM@/"$SR_PROGRAM"}
    text=${text//@BACKUPS@/"$SR_BACKUPS"}
    text=${text//@CHECKPOINTS@/"$SR_CHECKPOINTS"}
    text=${text//@BASE@/"$SR_BASE"}
    text=${text//$'\nUser=records\n'/$'\n'"User=$SR_USER"$'\n'}
    if [ -n "$SR_KEYRING_ENV" ]; then
        text=${text//$'\n#KEYRING\n'/$'\n'"Environment=$SR_KEYRING_ENV"$'\n'}
    fi
    printf '%s\n' "$text"
}

install -d -m 0755 "$OUT/secure-records-.service.d"
for unit in "$SOURCE"/*.service "$SOURCE"/*.timer "$SOURCE"/secure-records-.service.d/*.conf; do
    name=${unit#"$SOURCE"/}
    render "$unit" >"$OUT/$name"
    chmod 0644 "$OUT/$name"
done
