"""Bringing a vault this release can open up to it: what `upgrade` does after its
migrations, and what a restore of a backup an older release took does after its own
(the backup it restores from is then the copy taken first)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from secure_records.admin.administration import Administration, default_policy_dir
from secure_records.admin.policy_proposal import propose_files
from secure_records.core.errors import VaultError
from secure_records.core.log_actions import LogAction
from secure_records.core.policy_defaults import PolicyAdditions, missing_defaults
from secure_records.vault import schema
from secure_records.vault.home import VaultPaths
from secure_records.vault.policy_files import read_policy_files, read_policy_texts
from secure_records.vault.seals import mismatch_refusal, unsealed_refusal


def policy_additions(paths: VaultPaths) -> PolicyAdditions:
    shipped = read_policy_texts(default_policy_dir())
    return missing_defaults(read_policy_texts(paths.policies), shipped)


def add_policy_defaults(admin: Administration, additions: PolicyAdditions) -> None:
    """The additions applied as `policy apply` applies a policy: logged and sealed.
    Only onto files that match their seal: an edited policy is `policy apply`'s."""
    vault = admin.vault
    directory = vault.paths.policies
    files = read_policy_files(directory)
    if vault.policy_seal.stored() is None:
        raise VaultError(unsealed_refusal(directory))
    if not vault.policy_seal.matches(files):
        raise VaultError(mismatch_refusal(directory))
    # Read again under this door: the additions were worked out before the migrations.
    texts = read_policy_texts(directory)
    now = missing_defaults(texts, read_policy_texts(default_policy_dir()))
    proposed = {**files, **{name: text.encode() for name, text in now.texts.items()}}
    proposal = propose_files(vault, directory, proposed, now.added)
    # The seal matched: what a policy that no longer reads with this release lacks.
    admin.apply_policy(replace(proposal, was_sealed=True))


def bring_up(
    admin: Administration, migrated: list[schema.Migration], backup: Path
) -> tuple[str, ...]:
    """Log the migrations applied (the copy taken first: `backup`) and add what this
    release's policy has that the vault's lacks; the files added."""
    admin.log(
        LogAction.VAULT_UPGRADED,
        migrations=[f"{m.number} {m.name}" for m in migrated],
        backup=str(backup),
    )
    additions = policy_additions(admin.vault.paths)
    if additions.added:
        add_policy_defaults(admin, additions)
    return additions.added
