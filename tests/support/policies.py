"""A vault's policy changed as IT would change it: a copy edited, then `policy apply`."""

from __future__ import annotations

import shutil
from pathlib import Path

from secure_records.admin import Administration

MASKED_DATE_OF_BIRTH = 'date_of_birth = { rule = "masked", form = "year_only" }'


def mask_caseworkers_date_of_birth(home: Path, work: Path) -> None:
    """Caseworkers see a date of birth as its year only (a policy `policy check` passes)."""
    changed = Path(shutil.copytree(home / "policies", work / "changed"))
    roles = changed / "roles.toml"
    text = roles.read_text(encoding="utf-8")
    roles.write_text(text.replace('date_of_birth = "visible"', MASKED_DATE_OF_BIRTH, 1))
    with Administration.open(home) as admin:
        admin.apply_policy(admin.propose_policy(changed))
