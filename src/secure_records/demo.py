"""Synthetic, obviously fictional records for the demo and the benchmarks.

Names are invented, addresses are on Example streets in ZZ99 (not a real postcode
area), phone numbers are in Ofcom's 01632 960xxx drama range and NHS numbers in the
999 test range. A fixed seed gives the same vault every time.
"""

from __future__ import annotations

import os
import random
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from secure_records.admin import Administration
from secure_records.core.records import ConsentEntry, Note, NoteKind, Record
from secure_records.vault.database import DATABASE_ENV
from secure_records.vault.kek import INSECURE_ENV
from secure_records.vault.memory_keyring import use_memory_keyring

FIRST = (
    "Ada",
    "Bram",
    "Cleo",
    "Dex",
    "Elsie",
    "Finn",
    "Gwen",
    "Hugo",
    "Iris",
    "Jago",
    "Kit",
    "Luna",
    "Milo",
    "Nell",
    "Otto",
    "Pip",
    "Quin",
    "Rosa",
    "Sol",
    "Tess",
)
LAST = (
    "Quillfeather",
    "Bramblewick",
    "Thistledown",
    "Marchbank",
    "Puddleby",
    "Fennimore",
    "Oddfellow",
    "Larkspur",
    "Wimbleton",
    "Crumpet",
    "Nettlebed",
    "Hollowell",
)
STREETS = ("Example Lane", "Sample Road", "Fictional Close", "Imaginary Way", "Pretend Street")
HEALTH = (
    "Asthma, uses an inhaler.",
    "No known conditions.",
    "Type 1 diabetes, insulin at school.",
    "Anxiety; sees CAMHS monthly.",
    "Hearing aid, left ear.",
)
NOTE_TEXT = {
    NoteKind.FACT: (
        "Home visit made; child seen and spoken to alone.",
        "School reported two days' absence without explanation.",
        "Attended GP appointment with carer.",
        "Strategy discussion held with children's social care.",
    ),
    NoteKind.OPINION: (
        "Worker's view: the child seemed withdrawn today.",
        "Worker's view: the carer appears to be coping better.",
        "Worker's view: the home conditions give some concern.",
    ),
}

# Staff for every default role.
DEMO_STAFF = (
    ("alice", "caseworker"),
    ("bilal", "caseworker"),
    ("cara", "caseworker"),
    ("lead", "safeguarding_lead"),
    ("reception", "reception"),
    ("it", "it"),
    ("auditor", "auditor"),
)
# Every demo staff member's PIN: the picker says it, as the PIN screen asks for it.
DEMO_PIN = "123456"
CASEWORKERS = tuple(name for name, role in DEMO_STAFF if role == "caseworker")
CATEGORIES = ("child", "young_person", "vulnerable_adult")


def synthetic_records(
    count: int, seed: int = 7, staff: tuple[str, ...] = CASEWORKERS
) -> Iterator[Record]:
    rng = random.Random(seed)  # not for secrets: a repeatable fictional data set
    # Its own generator, so closing cases does not change anyone else's details.
    closing = random.Random(seed + 1)
    today = date(2026, 1, 1)
    for n in range(count):
        category = CATEGORIES[n % 3]
        age_years = {"child": rng.randint(2, 12), "young_person": rng.randint(13, 20)}.get(
            category, rng.randint(21, 90)
        )
        dob = today - timedelta(days=age_years * 365 + rng.randint(0, 364))
        notes = tuple(
            Note(
                today - timedelta(days=rng.randint(1, 900)),
                rng.choice(staff) if staff else "records",
                kind,
                rng.choice(NOTE_TEXT[kind]),
                historical=rng.random() < 0.15,
            )
            for kind in (
                rng.choice((NoteKind.FACT, NoteKind.OPINION)) for _ in range(rng.randint(1, 4))
            )
        )
        consent = (
            (
                ConsentEntry(
                    "Carer (fictional)", "Share with school and GP", today - timedelta(days=400)
                ),
            )
            if rng.random() < 0.6
            else ()
        )
        values = {}
        # About half the adults' cases are closed, some long enough ago to be due.
        if category == "vulnerable_adult" and closing.random() < 0.5:
            values["case_closed"] = (today - timedelta(days=closing.randint(30, 3650))).isoformat()
        yield Record(
            id=f"R-{n + 1:06d}",
            values={
                "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                "date_of_birth": dob.isoformat(),
                "address": (
                    f"{rng.randint(1, 199)} {rng.choice(STREETS)}, Nowhere, "
                    f"ZZ99 {rng.randint(1, 9)}ZZ"
                ),
                "phone": f"01632 960{rng.randint(0, 999):03d}",
                "nhs_number": f"999 {rng.randint(0, 999):03d} {rng.randint(0, 9999):04d}",
                "category": category,
                "health": rng.choice(HEALTH),
                **values,
            },
            consent=consent,
            notes=notes,
            assigned_to=frozenset({staff[n % len(staff)]}) if staff else frozenset(),
        )


@dataclass
class DemoVault:
    admin: Administration
    home: Path
    _tempdir: tempfile.TemporaryDirectory[str]

    def close(self) -> None:
        self.admin.close()
        self._tempdir.cleanup()


def build_demo_vault(records: int = 500, seed: int = 7) -> DemoVault:
    """A throwaway vault in a temporary directory, its key in a process-only keyring."""
    os.environ[INSECURE_ENV] = "1"
    # Throwaway, its key in memory only: never in a real database it would use up.
    os.environ.pop(DATABASE_ENV, None)
    use_memory_keyring()
    tempdir = tempfile.TemporaryDirectory(prefix="secure-records-demo-")
    home = Path(tempdir.name) / "vault"
    admin = Administration.init(home)
    for name, role in DEMO_STAFF:
        admin.add_staff(name, role)
        admin.set_pin(name, DEMO_PIN)
    admin.add_records(list(synthetic_records(records, seed)))
    return DemoVault(admin, home, tempdir)
