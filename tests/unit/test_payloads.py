"""Sealed payloads: what today's vaults hold reads as version 1, what is written is
that plus a version, and anything else is refused in one sentence that names no
value it holds."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from secure_records.core.decision_payload import (
    AnsweredRequest,
    DecisionPayload,
    RecordedAnswer,
    SharedItem,
)
from secure_records.core.errors import PayloadError, VaultError
from secure_records.core.phone_request_payload import (
    AboutPerson,
    CallbackRecord,
    Caller,
    Closure,
    DirectoryEntry,
    PhoneRequestPayload,
)
from secure_records.core.records import NoteKind
from secure_records.core.sharing import HowChoices, Requester
from secure_records.core.telephone import Callback, RedFlag, Urgency

# As stored before payloads carried a version: copied from a vault that code wrote
# (json.dumps defaults, keys in this order), values shortened.
STORED_DECISION = (
    '{"requester": {"name": "DC Jane Smith", "organisation": "Northshire Police", '
    '"role": "Detective constable", "contact": "01632 960 100"}, '
    '"purpose": "Police welfare enquiry", '
    '"answers": [{"question": "Is there a clear and legitimate purpose?", "yes": true, '
    '"reason": "recorded reason"}], '
    '"outcome": "You can share, but should consider how.", '
    '"how": {"fields": ["name"], "notes": [0], "recipient_confirmed": true, '
    '"method": "Secure email", "lawful_basis": "consent", "inform_individual": true, '
    '"not_informing_reason": ""}, '
    '"discussed": "", "urgent_manager": "", '
    '"phone_request": {"id": "T-b545c247", "organisation": "Northshire Police", '
    '"switchboard": "01632 960 100", "callback": {"outcome": "confirmed", "by": "reception", '
    '"at": "2026-12-04T15:06:19+00:00", "number_called": "01632 960 100", "note": "n1"}, '
    '"flags": ["number_differs", "pressed_for_speed"]}, '
    '"package": "DISCLOSURE D-7d150c53137b\\nRecord: R-0001\\n"}'
)
STORED_REFUSAL = (
    '{"requester": {"name": "A", "organisation": "B", "role": "C", "contact": "D"}, '
    '"purpose": "Asked by the school", "answers": [], "outcome": "Do not share.", '
    '"how": null, "discussed": "Explained why not", "urgent_manager": "", "package": null}'
)
STORED_CLOSED_REQUEST = (
    '{"caller": {"name": "DC Jane Smith", "role": "Detective constable", '
    '"organisation_id": "northshire_police_ppu", "organisation_named": "", '
    '"number_given": "07700 900123"}, "organisation": "Northshire Police", '
    '"directory": {"id": "northshire_police_ppu", "switchboard": "01632 960 100", '
    '"source": "Force website", "checked": "2026-10-05"}, '
    '"about": {"name": "Someone", "date_of_birth": "2013-04-02"}, '
    '"kind": "safeguarding_concern", "asked": "Any concerns", "urgency": "today", '
    '"flags": ["number_differs"], "why": "", '
    '"callback": {"outcome": "confirmed", "by": "reception", '
    '"at": "2026-12-04T15:06:19+00:00", "number_called": "01632 960 100", "note": ""}, '
    '"closed": {"by": "lead", "reason": "We hold nothing", "at": "2026-12-04T15:06:19+00:00"}}'
)
STORED_REFERRAL = (
    '{"caller": {"name": "Mr X", "role": "Journalist", "organisation_id": "", '
    '"organisation_named": "The Daily Thing", "number_given": "07700 900999"}, '
    '"organisation": "The Daily Thing", "directory": null, '
    '"about": {"name": "Nobody", "date_of_birth": "2000-01-01"}, '
    '"kind": "safeguarding_concern", "asked": "Any concerns", "urgency": "today", '
    '"flags": [], "why": "This organisation is not in the directory.", "callback": null}'
)

Payload = type[DecisionPayload] | type[PhoneRequestPayload]
STORED: list[tuple[Payload, str]] = [
    (DecisionPayload, STORED_DECISION),
    (DecisionPayload, STORED_REFUSAL),
    (PhoneRequestPayload, STORED_CLOSED_REQUEST),
    (PhoneRequestPayload, STORED_REFERRAL),
]


def with_version(stored: str, version: object) -> bytes:
    return json.dumps({"v": version, **json.loads(stored)}).encode()


@pytest.mark.parametrize(("kind", "stored"), STORED)
def test_what_vaults_hold_today_reads_as_version_1_and_is_rewritten_with_only_the_version_added(
    kind: Payload, stored: str
) -> None:
    payload = kind.from_json(stored.encode())
    written = payload.to_json()
    assert written == b'{"v": 1, ' + stored[1:].encode()
    assert kind.from_json(written) == payload


def test_a_decision_reads_back_as_the_types_it_was_written_from() -> None:
    payload = DecisionPayload.from_json(STORED_DECISION.encode())
    assert payload.requester == Requester(
        "DC Jane Smith", "Northshire Police", "Detective constable", "01632 960 100"
    )
    assert payload.answers == (
        RecordedAnswer("Is there a clear and legitimate purpose?", True, "recorded reason"),
    )
    assert payload.how == HowChoices(("name",), (0,), True, "Secure email", "consent", True)
    assert payload.phone_request == AnsweredRequest(
        "T-b545c247",
        "Northshire Police",
        "01632 960 100",
        CallbackRecord(
            Callback.CONFIRMED, "reception", "2026-12-04T15:06:19+00:00", "01632 960 100", "n1"
        ),
        (RedFlag.NUMBER_DIFFERS, RedFlag.PRESSED_FOR_SPEED),
    )
    assert payload.package == "DISCLOSURE D-7d150c53137b\nRecord: R-0001\n"
    refusal = DecisionPayload.from_json(STORED_REFUSAL.encode())
    assert refusal.how is None and refusal.package is None and refusal.phone_request is None


def test_a_telephone_request_round_trips_through_every_step() -> None:
    taken = PhoneRequestPayload(
        Caller("DC Jane Smith", "DC", "northshire_police_ppu", "", "07700 900123"),
        "Northshire Police",
        DirectoryEntry("northshire_police_ppu", "01632 960 100", "Force website", "2026-10-05"),
        AboutPerson("Someone", "2013-04-02"),
        "safeguarding_concern",
        "Any concerns",
        Urgency.IMMEDIATE,
        (RedFlag.NUMBER_DIFFERS,),
        "",
    )
    called = CallbackRecord(Callback.NOT_REACHED, "reception", "2026-12-04", "01632 960 100", "")
    for step in (
        taken,
        replace(taken, callback=called),
        replace(taken, callback=called, closed=Closure("lead", "why", "now")),
        replace(taken, callback=called, decision="D-1"),
    ):
        assert PhoneRequestPayload.from_json(step.to_json()) == step
    assert taken.switchboard == "01632 960 100"
    assert json.loads(taken.to_json())["v"] == 1


def one_sentence(error: PayloadError, *absent: str) -> str:
    text = str(error)
    assert isinstance(error, VaultError)  # the callers' one-sentence path
    assert "\n" not in text and text.endswith(".") and text.count(". ") == 0, text
    for value in absent:
        assert value not in text, text
    return text


@pytest.mark.parametrize(("kind", "stored"), STORED)
@pytest.mark.parametrize("version", [2, 0, "1", True, None, 1.0])
def test_a_version_this_code_does_not_know_is_refused_in_one_sentence(
    kind: Payload, stored: str, version: object
) -> None:
    with pytest.raises(PayloadError) as caught:
        kind.from_json(with_version(stored, version))
    text = one_sentence(caught.value, "Smith", "Someone", "Nobody")
    assert "cannot read" in text
    if version == 2:
        assert "format version 2" in text


CANARY = "CANARY-VALUE-9f1"


def broken_decisions() -> list[tuple[str, bytes, str]]:
    good = json.loads(STORED_DECISION)

    def changed(path: str, value: object) -> bytes:
        doc = json.loads(STORED_DECISION)
        *parents, last = path.split(".")
        at = doc
        for key in parents:
            at = at[key]
        if value is KeyError:
            del at[last]
        else:
            at[last] = value
        return json.dumps(doc).encode()

    return [
        ("not JSON", b'{"requester": ', "it is not JSON"),
        ("not UTF-8", b"\xff\xfe" + CANARY.encode(), "it is not JSON"),
        ("a list", json.dumps([good]).encode(), "it is not a JSON object"),
        ("purpose missing", changed("purpose", KeyError), "purpose is missing"),
        ("purpose a number", changed("purpose", 7), "purpose is not text"),
        ("requester a string", changed("requester", CANARY), "requester is not a JSON object"),
        ("requester.name missing", changed("requester.name", KeyError), "requester.name is"),
        ("answers an object", changed("answers", {"a": CANARY}), "answers is not a list"),
        ("an answer a string", changed("answers", [CANARY]), "answers[0] is not a JSON object"),
        (
            "yes as text",
            changed("answers", [{"question": "q", "yes": "yes", "reason": "r"}]),
            "yes is not true",
        ),
        ("notes as text", changed("how.notes", [CANARY]), "how.notes is not a list of whole"),
        ("notes as booleans", changed("how.notes", [True]), "how.notes is not a list of whole"),
        ("fields as numbers", changed("how.fields", [1]), "how.fields is not a list of text"),
        ("unknown flag", changed("phone_request.flags", [CANARY]), "phone_request.flags holds"),
        ("unknown outcome", changed("phone_request.callback.outcome", CANARY), "outcome is not"),
        ("package a number", changed("package", 3), "package is not text"),
    ]


@pytest.mark.parametrize(("what", "data", "says"), broken_decisions())
def test_a_malformed_decision_is_refused_in_one_sentence_naming_where_never_what(
    what: str, data: bytes, says: str
) -> None:
    with pytest.raises(PayloadError) as caught:
        DecisionPayload.from_json(data, "decision D-1")
    text = one_sentence(caught.value, CANARY, "Smith", "Police welfare")
    assert text.startswith("decision D-1 cannot be read: ")
    assert says in text


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"urgency": "whenever"}, "urgency is not one of the values"),
        ({"flags": ["number_differs", CANARY]}, "flags holds a value"),
        ({"caller": None}, "caller is not a JSON object"),
        ({"about": {"name": CANARY}}, "about.date_of_birth is missing"),
        ({"directory": {"id": "x"}}, "directory.switchboard is missing"),
        ({"callback": {"outcome": "confirmed"}}, "callback.by is missing"),
        ({"closed": {"by": "lead", "reason": 5, "at": "now"}}, "closed.reason is not text"),
        ({"decision": ["D-1"]}, "decision is not text"),
    ],
)
def test_a_malformed_telephone_request_is_refused_in_one_sentence(
    change: dict[str, object], says: str
) -> None:
    data = json.dumps({**json.loads(STORED_CLOSED_REQUEST), **change}).encode()
    with pytest.raises(PayloadError) as caught:
        PhoneRequestPayload.from_json(data, "phone request T-1")
    text = one_sentence(caught.value, CANARY, "Smith", "Someone")
    assert text.startswith("phone request T-1 cannot be read: ")
    assert says in text


def test_a_share_keeps_what_goes_by_label_and_kind_and_reads_it_back() -> None:
    """Issue 18: the lead sees the items a share sends without their values."""
    stored = DecisionPayload.from_json(STORED_DECISION.encode())
    items = (
        SharedItem("Name", NoteKind.FACT),
        SharedItem("Chronology", NoteKind.OPINION, "2019-01-03", "alice", True),
    )
    written = replace(stored, items=items).to_json()
    assert DecisionPayload.from_json(written).items == items
    assert stored.items == ()
