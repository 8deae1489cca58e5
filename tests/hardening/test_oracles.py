"""Oracle probes: guessing a value the role may not see, one search or lookup at a time.

1. A caseworker sees a date of birth as its year only (a policy `policy check`
   passes): a year of exact searches, and a year of exact lookups, each within the
   rate limit (a minute passes every 50). Any answer that finds the record leaks.
2. Bursts: reception tries a year of birth dates by lookup and by phone request, and
   a caseworker a year of searches, each in one minute and across fresh sessions.
   Any answer past the policy's per-minute limit leaks.

Figure: oracle probes (exact searches and lookups on masked fields, bursts): answers
leaked 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import time_machine

from secure_records.core.errors import AccessRefused
from secure_records.core.telephone import Urgency
from secure_records.session import Session
from secure_records.session.telephone import Caller
from tests.support import figures
from tests.support.policies import mask_caseworkers_date_of_birth

NAME, BORN = "Canaryname R-0001", "2013-04-02"
YEAR = [(date(2013, 1, 1) + timedelta(days=n)).isoformat() for n in range(365)]
CALLER = Caller("DC Jane Smith", "Constable", "northshire_police_ppu", "", "07700 900123")


@dataclass
class Probes:
    tried: int = 0
    answered: int = 0
    leaked: int = 0

    def sentence(self) -> str:
        return (
            "oracle probes (exact searches and lookups on masked fields, bursts): "
            f"{self.tried} tried, {self.answered} answered within the limits, "
            f"answers leaked {self.leaked}"
        )


PROBES = Probes()


def probe(ask: Callable[[str], bool], guesses: list[str], *, limit: int | None = None) -> None:
    """Each guess asked once; `ask` says whether the answer found the record. With a
    `limit`, any answer past it leaks; without, any answer that finds the record does."""
    answered = 0
    for guess in guesses:
        PROBES.tried += 1
        try:
            found = ask(guess)
        except AccessRefused:
            continue
        answered += 1
        PROBES.answered += 1
        PROBES.leaked += (answered > limit) if limit is not None else found


def test_a_year_of_guesses_at_a_masked_date_of_birth_finds_nothing(
    populated: Path, tmp_path: Path
) -> None:
    mask_caseworkers_date_of_birth(populated, tmp_path)
    with (
        Session.open("alice", populated) as alice,
        time_machine.travel("2026-12-01T09:00:00Z", tick=False) as clock,
    ):
        asked = 0

        def slowly(answer: Callable[[str], bool]) -> Callable[[str], bool]:
            def ask(guess: str) -> bool:
                nonlocal asked
                asked += 1
                if asked % 50 == 0:
                    clock.shift(61)  # within searches_per_minute: only the mask stops it
                return answer(guess)

            return ask

        probe(slowly(lambda day: "R-0001" in alice.records.search(day)), YEAR)
        probe(slowly(lambda day: alice.records.find_exact(NAME, day) is not None), YEAR)
        probe(slowly(lambda day: "R-0001" in alice.records.search(f"{NAME} {day}")), YEAR[:50])
    assert PROBES.leaked == 0


def test_bursts_are_answered_only_up_to_the_limit_across_sessions(populated: Path) -> None:
    def burst(staff: str, ask: Callable[[Session, str], bool], limit: int) -> None:
        guesses = iter(YEAR)
        for _ in range(len(YEAR) // 73):  # a fresh session every 73 guesses
            with Session.open(staff, populated) as session:
                probe(lambda g: ask(session, g), [next(guesses) for _ in range(73)], limit=limit)

    def phone_request(session: Session, day: str) -> bool:
        call = session.telephone.take_phone_request(
            CALLER, NAME, day, "safeguarding_concern", "Any concerns", Urgency.TODAY
        )
        return call.reference is not None

    with time_machine.travel("2026-12-01T09:00:00Z", tick=False) as clock:
        burst("reception", lambda s, day: s.records.find_exact(NAME, day) is not None, 6)
        clock.shift(61)
        burst("reception", phone_request, 6)
        burst("alice", lambda s, day: bool(s.records.search(day)), 60)
    assert PROBES.leaked == 0


def test_figures() -> None:
    figures.report("Oracles", PROBES.sentence())
