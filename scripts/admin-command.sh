#!/usr/bin/env bash
# Write IT's host-side command (deploy-host.sh step 7) to FILE: a root-owned wrapper
# that sudo runs as the service account. It runs only the commands named in it, never
# `session` (a staff member's, through their own key), and only through sudo, so the
# log names the person (SUDO_USER). Run by deploy-host.sh (same SR_* variables, same
# defaults), and by tests/integration/test_admin_command.py, which runs what it writes.
#
#   SR_USER  SR_BASE  SR_PROGRAM  SR_KEYRING_ENV  SR_BACKUPS   (see deploy-host.sh)
set -euo pipefail

OUT=${1:?usage: admin-command.sh FILE}
SR_USER=${SR_USER:-records}
SR_BASE=${SR_BASE:-/srv/secure-records}
SR_PROGRAM=${SR_PROGRAM:-$SR_BASE/venv/bin/secure-records}
SR_KEYRING_ENV=${SR_KEYRING_ENV:-}
SR_BACKUPS=${SR_BACKUPS:-$SR_BASE/backups}
VAULT=$SR_BASE/vault

# `key` covers rotate, retire, recovery-code, recover, export-to-host and import;
# `hosts` lists the app hosts; `backup` covers create,
# verify and restore (into a new home the service account can write).
COMMANDS="staff import assign unassign key hosts log vault policy disposal ssh status backup upgrade"
ALLOWED=${COMMANDS// /|}
LAST=${COMMANDS##* }
LISTED="${COMMANDS% *}"
LISTED="${LISTED// /, } or $LAST"

cat >"$OUT" <<ADMIN
#!/bin/sh
# IT's host-side secure-records commands, run through sudo as $SR_USER (deploy-host.sh).
case "\${1:-}" in
    $ALLOWED) ;;
    *) echo "secure-records-admin: give one of $LISTED." >&2; exit 2 ;;
esac
[ -n "\${SUDO_USER:-}" ] || { echo "secure-records-admin: run it through sudo, so that the log names you." >&2; exit 2; }
cd "$SR_BASE"
exec env HOME="$SR_BASE" SECURE_RECORDS_BACKUPS="$SR_BACKUPS" $SR_KEYRING_ENV "$SR_PROGRAM" --home "$VAULT" "\$@"
ADMIN
chmod 0755 "$OUT"
