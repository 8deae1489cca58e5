"""Two leads confirm the same share without consent at the same moment (issue 20):
the status changes under the write lock, so one confirms it and writes its package,
and the other is told in one sentence that it was reviewed meanwhile."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from secure_records.admin import Administration
from secure_records.core.errors import SecureRecordsError
from secure_records.core.outputs import OutputKind
from secure_records.session import Session
from tests.integration.test_sharing_decisions import ASKER, PURPOSE, how, without_consent


def test_two_leads_confirming_at_once_write_the_package_once(populated: Path) -> None:
    with Administration.open(populated) as admin:
        admin.add_staff("lead2", "safeguarding_lead")
    with Session.open("alice", populated) as session:
        done = session.sharing.decide_sharing(
            "R-0001", ASKER, PURPOSE, without_consent(session), how(session, ("name",), ())
        )
    # Both leads have read the decision as waiting before either writes: the moment
    # a lock taken too late lets both through.
    both_read = threading.Barrier(2, timeout=30)
    outcomes: dict[str, Any] = {}

    def confirm(staff: str) -> None:
        with Session.open(staff, populated) as lead:
            vault = lead._door.vault
            read = vault.decision

            def read_then_wait(decision_id: str) -> Any:
                found = read(decision_id)
                both_read.wait()
                return found

            vault.decision = read_then_wait  # type: ignore[method-assign]
            try:
                outcomes[staff] = lead.sharing.review_sharing(
                    done.decision_id, True, "Child at risk; school must know now"
                )
            except SecureRecordsError as exc:
                outcomes[staff] = str(exc)

    threads = [threading.Thread(target=confirm, args=(s,)) for s in ("lead", "lead2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    refused = [o for o in outcomes.values() if isinstance(o, str)]
    confirmed = [o for o in outcomes.values() if not isinstance(o, str)]
    assert len(confirmed) == 1 and confirmed[0].package is not None
    assert refused == [f"{done.decision_id} was reviewed by another manager meanwhile."]
    with Administration.open(populated) as admin:
        entries = list(admin.vault.log.entries())
        packages = admin.vault.store.outputs(OutputKind)
    assert [e.action for e in entries].count("sharing_reviewed") == 1
    assert len(packages) == 1
