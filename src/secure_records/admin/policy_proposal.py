"""A new policy proposed for a vault: checked, read once, and compared with the
policy the vault holds, before anyone confirms it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from secure_records.core.errors import PolicyError
from secure_records.core.policy import Policy
from secure_records.core.policy_change import PolicyChanges, policy_changes
from secure_records.vault.policy_files import (
    check_sharing_examples,
    load_policy,
    parse_policy_files,
    read_policy_files,
)
from secure_records.vault.seals import policy_hash
from secure_records.vault.vault import Vault


@dataclass(frozen=True)
class PolicyProposal:
    directory: Path
    # Exactly the bytes checked here are the bytes installed: read once.
    files: Mapping[str, bytes]
    policy: Policy
    old_hash: str
    new_hash: str
    was_sealed: bool  # the vault's current files matched its seal
    changes: PolicyChanges | None  # None: the current files do not parse as a policy
    # What `secure-records upgrade` adds from the release's shipped policy, if anything.
    added: tuple[str, ...] = ()

    @property
    def unchanged(self) -> bool:
        """Nothing to do: these are the very files the vault holds, sealed."""
        return self.was_sealed and self.old_hash == self.new_hash

    def change_lines(self) -> list[str]:
        added = [f"added: {what}" for what in self.added]
        if self.changes is None:
            return [*added, "the vault's current policy files could not be read as a policy"]
        if added:
            return added + self.changes.lines()
        return self.changes.lines() or ["no change to any rule (only the files' wording)"]


def propose(vault: Vault, directory: Path) -> PolicyProposal:
    """PolicyError listing every problem if `directory` is not a good policy."""
    files = read_policy_files(directory)
    parse_policy_files(directory, files)
    check_sharing_examples(directory)
    return propose_files(vault, directory, files)


def propose_files(
    vault: Vault, directory: Path, files: Mapping[str, bytes], added: tuple[str, ...] = ()
) -> PolicyProposal:
    """`files` (as if read from `directory`) proposed; PolicyError if they are no policy."""
    new = parse_policy_files(directory, files)
    sealed = vault.sealed_policy
    current = sealed.parsed
    if current is None:
        # Unsealed or edited: compared as they stand, for want of the sealed ones.
        try:
            current = load_policy(vault.paths.policies)
        except PolicyError:
            current = None
    changes = None if current is None else policy_changes(current, new)
    return PolicyProposal(
        directory,
        files,
        new,
        sealed.hash,
        policy_hash(files),
        sealed.refusal is None,
        changes,
        added,
    )
