"""The administrative door beside Session: host-side work on a vault.

The body is in administration.py (ssh.py for the keys that let staff in, keys.py for
the key-encryption key's versions and the recovery code).
"""

from secure_records.admin.administration import (
    HOST_ROLE,
    SHRED_CAVEAT,
    Administration,
    ScopeCount,
    check_policy,
    default_policy_dir,
    host_actor,
)
from secure_records.admin.keys import (
    Recovered,
    Retired,
    new_recovery_code,
    recover_keys,
    retire_keys,
)

# Files the host's commands write for people: the vault's one private-file creator.
from secure_records.vault.private_files import write_private_file
from secure_records.vault.shred import shred_named as shred

__all__ = [
    "HOST_ROLE",
    "SHRED_CAVEAT",
    "Administration",
    "Recovered",
    "Retired",
    "ScopeCount",
    "check_policy",
    "default_policy_dir",
    "host_actor",
    "new_recovery_code",
    "recover_keys",
    "retire_keys",
    "shred",
    "write_private_file",
]
