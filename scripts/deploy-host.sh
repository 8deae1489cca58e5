#!/usr/bin/env bash
# Deploy secure-records on a host, following README "Deploying on a host" step by step.
# Run as root. tests/e2e/test_deploy.py runs it against a real sshd.
#
# Settings, from the environment:
#   SR_USER        the service account                          (records)
#   SR_BASE        its home; the vault is $SR_BASE/vault        (/srv/secure-records)
#   SR_PROGRAM     an installed secure-records to use; unset: a venv in $SR_BASE/venv
#                  with this checkout installed in it, made with SR_PYTHON
#   SR_PYTHON      a Python 3.11+ every account can run                (/usr/bin/python3)
#   SR_KEYRING_ENV the service account's keyring backend, as VAR=value pairs (step 3)
#   SR_KEYS        the root-owned authorized_keys sshd reads    (/etc/ssh/authorized_keys/$SR_USER)
#   SR_SSHD_CONF   where the sshd settings go                   (/etc/ssh/sshd_config.d/secure-records.conf)
#   SR_STAFF       staff to add and authorize: NAME:ROLE:PUBKEY_FILE, space-separated
#   SR_IT_GROUP    the group whose members run IT's host-side commands through sudo
#                  (secure-records-it)
#   SR_ADMIN       that command, root's, in a directory of root's (/usr/local/sbin/secure-records-admin)
#   SR_SUDOERS     the sudo rule naming it                      (/etc/sudoers.d/secure-records)
#   SR_BACKUPS     where the nightly backups go                 ($SR_BASE/backups)
#   SR_CHECKPOINTS the file the daily log checkpoint is appended to
#                  ($SR_BASE/checkpoints/log-checkpoints.txt)
#   SR_UNITS       where the systemd units go                   (/etc/systemd/system)
set -euo pipefail

SR_USER=${SR_USER:-records}
SR_BASE=${SR_BASE:-/srv/secure-records}
SR_KEYS=${SR_KEYS:-/etc/ssh/authorized_keys/$SR_USER}
SR_SSHD_CONF=${SR_SSHD_CONF:-/etc/ssh/sshd_config.d/secure-records.conf}
SR_KEYRING_ENV=${SR_KEYRING_ENV:-}
SR_STAFF=${SR_STAFF:-}
SR_IT_GROUP=${SR_IT_GROUP:-secure-records-it}
SR_ADMIN=${SR_ADMIN:-/usr/local/sbin/secure-records-admin}
SR_SUDOERS=${SR_SUDOERS:-/etc/sudoers.d/secure-records}
SR_BACKUPS=${SR_BACKUPS:-$SR_BASE/backups}
SR_CHECKPOINTS=${SR_CHECKPOINTS:-$SR_BASE/checkpoints/log-checkpoints.txt}
SR_UNITS=${SR_UNITS:-/etc/systemd/system}
CHECKOUT=$(cd "$(dirname "$0")/.." && pwd)
VAULT=$SR_BASE/vault

if [ "$(id -u)" -ne 0 ]; then
    echo "deploy-host.sh: run as root (it creates an account and writes sshd settings)." >&2
    exit 2
fi

# 1. A service account with a real login shell (sshd runs the forced command through
#    it: nologin would refuse every key) and no password: "*", which no password
#    matches. Not "!" (locked): without PAM, sshd refuses keys to a locked account too.
if ! id "$SR_USER" >/dev/null 2>&1; then
    useradd --system --create-home --home-dir "$SR_BASE" --shell /bin/bash "$SR_USER"
fi
usermod --password '*' "$SR_USER"

# 2. Install, into a virtualenv the account owns.
if [ -z "${SR_PROGRAM:-}" ]; then
    # The system's Python: one under /root (pyenv, say) is not the account's to run.
    "${SR_PYTHON:-/usr/bin/python3}" -m venv "$SR_BASE/venv"
    "$SR_BASE/venv/bin/pip" install --quiet "$CHECKOUT"
    chown -R "$SR_USER:" "$SR_BASE/venv"
    SR_PROGRAM=$SR_BASE/venv/bin/secure-records
fi

# 3. The keyring backend, and 4. init, staff: all as the service account.
as_service() {
    # shellcheck disable=SC2086  # SR_KEYRING_ENV is VAR=value words on purpose
    runuser -u "$SR_USER" -- env HOME="$SR_BASE" $SR_KEYRING_ENV "$@"
}
if [ ! -e "$VAULT/vault.db" ]; then
    # init prints the recovery code once, straight to this terminal: it is captured
    # into no file or variable here, and is kept nowhere on the host.
    as_service "$SR_PROGRAM" --home "$VAULT" init
    RECOVERY_NOTICE="Write down the recovery code printed above by init, now, and keep it offline (on paper, in a safe, away from this host): it is the only way back into the records if this host's keyring is lost, it is shown only this once, and this script has not saved it anywhere."
    echo "$RECOVERY_NOTICE"
fi

# 5. Each staff member's key, forced into their own session. The service account
#    writes a staging file; root publishes it where sshd reads it, so the account
#    itself can never change who gets in.
STAGED=$SR_BASE/authorized_keys.staged
as_service touch "$STAGED"
for entry in $SR_STAFF; do
    IFS=: read -r name role pubkey <<<"$entry"
    if ! as_service "$SR_PROGRAM" --home "$VAULT" staff list | grep -q "^$name"$'\t'; then
        as_service "$SR_PROGRAM" --home "$VAULT" staff add "$name" --role "$role"
    fi
    install -m 0644 "$pubkey" "$SR_BASE/$name.pub"
    # Run again, a key already there is kept (authorize refuses a second copy).
    if ! as_service "$SR_PROGRAM" --home "$VAULT" ssh --authorized-keys "$STAGED" list \
        | grep -q "^$name "; then
        as_service "$SR_PROGRAM" --home "$VAULT" ssh --authorized-keys "$STAGED" \
            --program "$SR_PROGRAM" authorize "$name" "$SR_BASE/$name.pub"
    fi
done
install -d -m 0755 -o root -g root "$(dirname "$SR_KEYS")"
install -m 0644 -o root -g root "${STAGED}" "$SR_KEYS"

# 6. sshd settings for the account.
SETENV=""
if [ -n "$SR_KEYRING_ENV" ]; then
    SETENV="    SetEnv $SR_KEYRING_ENV"
fi
install -d -m 0755 "$(dirname "$SR_SSHD_CONF")"
cat >"$SR_SSHD_CONF" <<EOF
Match User $SR_USER
    AuthorizedKeysFile $SR_KEYS
    PasswordAuthentication no
    KbdInteractiveAuthentication no
    DisableForwarding yes
    PermitTunnel no
    ClientAliveInterval 60
    ClientAliveCountMax 3
    AcceptEnv COLORTERM
$SETENV
EOF
# 7. IT's host-side commands, through sudo: each runs as the service account, and the
#    log names the person sudo says ran it (SUDO_USER). The command is root's, so the
#    service account cannot widen it; it runs only the commands scripts/admin-command.sh
#    names, never `session` (that is a staff member's, through their own key).
if command -v visudo >/dev/null; then
    getent group "$SR_IT_GROUP" >/dev/null || groupadd --system "$SR_IT_GROUP"
    install -d -m 0755 -o root -g root "$(dirname "$SR_ADMIN")"
    SR_USER=$SR_USER SR_BASE=$SR_BASE SR_PROGRAM=$SR_PROGRAM SR_KEYRING_ENV=$SR_KEYRING_ENV \
        SR_BACKUPS=$SR_BACKUPS bash "$CHECKOUT/scripts/admin-command.sh" "$SR_ADMIN.new"
    chmod 0755 "$SR_ADMIN.new"
    chown root:root "$SR_ADMIN.new"
    mv "$SR_ADMIN.new" "$SR_ADMIN"
    RULE=$(mktemp)
    cat >"$RULE" <<RULE
# secure-records: IT's host-side commands, as $SR_USER, each logged with the person (SUDO_USER).
%$SR_IT_GROUP ALL=($SR_USER) NOPASSWD: $SR_ADMIN
RULE
    visudo -cqf "$RULE"
    install -m 0440 -o root -g root "$RULE" "$SR_SUDOERS"
    rm -f "$RULE"
else
    echo "deploy-host.sh: sudo is not installed, so IT's host-side commands have no rule; install sudo and run this again." >&2
fi

# 8. Scheduled work (README "Scheduled work"): nightly disposals and backups, a daily
#    log checkpoint appended outside the vault, as the service account. The units go
#    in only where systemd runs the host: a container (CI) has none to run them.
GROUP=$(id -gn "$SR_USER")
install -d -m 0700 -o "$SR_USER" -g "$GROUP" "$SR_BACKUPS" "$(dirname "$SR_CHECKPOINTS")"
# Kept as it is when run again: the checkpoints taken so far are the point of it.
[ -e "$SR_CHECKPOINTS" ] || install -m 0600 -o "$SR_USER" -g "$GROUP" /dev/null "$SR_CHECKPOINTS"
if [ "$(cat /proc/1/comm 2>/dev/null)" = systemd ]; then
    UNITS=$(mktemp -d)
    SR_USER=$SR_USER SR_BASE=$SR_BASE SR_PROGRAM=$SR_PROGRAM SR_KEYRING_ENV=$SR_KEYRING_ENV \
        SR_BACKUPS=$SR_BACKUPS SR_CHECKPOINTS=$SR_CHECKPOINTS \
        bash "$CHECKOUT/scripts/systemd-units.sh" "$UNITS"
    cp -R "$UNITS"/. "$SR_UNITS"/
    rm -rf "$UNITS"
    systemctl daemon-reload
    systemctl enable --now secure-records-disposal.timer secure-records-backup.timer \
        secure-records-checkpoint.timer
    echo "Scheduled: disposals, backups (into $SR_BACKUPS) and log checkpoints (appended to $SR_CHECKPOINTS); see 'systemctl list-timers secure-records-*'."
else
    echo "deploy-host.sh: systemd is not running this host (PID 1 is $(cat /proc/1/comm 2>/dev/null || echo unknown)), so no timers were installed; schedule 'disposal run', 'backup create' and 'log checkpoint' another way, or run this again under systemd." >&2
fi

echo "Deployed: $SR_USER owns $VAULT; sshd reads keys from $SR_KEYS; settings in $SR_SSHD_CONF."
echo "IT (group $SR_IT_GROUP) runs host-side commands with: sudo -u $SR_USER $SR_ADMIN COMMAND"
echo "Check them with 'sshd -t', then reload sshd."
# Said again last, where the operator looks when the script ends.
[ -z "${RECOVERY_NOTICE:-}" ] || echo "$RECOVERY_NOTICE"
