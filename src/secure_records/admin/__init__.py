"""The administrative door beside Session: host-side work on a vault.

The body is in administration.py (and ssh.py for the keys that let staff in).
"""

from secure_records.admin.administration import (
    HOST_ROLE,
    SHRED_CAVEAT,
    Administration,
    ScopeCount,
    check_policy,
    default_policy_dir,
    host_actor,
    shred,
)

# Files the host's commands write for people: the vault's one private-file creator.
from secure_records.vault.private_files import write_private_file

__all__ = [
    "HOST_ROLE",
    "SHRED_CAVEAT",
    "Administration",
    "ScopeCount",
    "check_policy",
    "default_policy_dir",
    "host_actor",
    "shred",
    "write_private_file",
]
