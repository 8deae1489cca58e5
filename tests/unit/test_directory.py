"""The telephone directory and the callback: who may ask, and which number to ring back."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from secure_records.core.directory import Directory, normalise_number, parse_directory
from secure_records.core.errors import PolicyError
from secure_records.core.policy import POLICY_FILES, parse_policy
from secure_records.core.telephone import (
    CALLBACK_WORDS,
    FLAG_WORDS,
    Callback,
    RedFlag,
    Status,
    after_callback,
    assess,
)

ROOT = Path(__file__).resolve().parents[2]
POLICIES = ROOT / "policies"
SHIPPED_DIRECTORY = ROOT / "src" / "secure_records" / "default_policies" / "directory.toml"

TODAY = date(2026, 11, 30)
TEMPLATE_NAMES = ("neutral_reply", "not_entitled", "voicemail", "text_message")

# Values are raw TOML, written as they would appear after `key = `; None leaves the key out.
Table = dict[str, str | None]

TELEPHONE: Table = {
    "max_age_days": "365",
    "neutral_reply": '"We will call you back through your switchboard. Reference {request}."',
    "not_entitled": '"Our safeguarding lead will consider it. Reference {request}."',
    "voicemail": '"Please call our main number quoting reference {request}."',
    "text_message": '"Please call our main number and quote {request}."',
}
KINDS: Table = {
    "safeguarding_concern": '"Whether we hold information relevant to a safeguarding concern"',
    "police_investigation": '"Information for a police investigation"',
}
POLICE: Table = {
    "name": '"Northshire Police, Public Protection Unit"',
    "switchboard": '"01632 960 100"',
    "source": '"Force website contact page"',
    "checked": "2026-10-05",
    "may_ask": '["safeguarding_concern", "police_investigation"]',
}
GP: Table = {
    "name": '"Riverside Medical Practice"',
    "switchboard": '"0113 496 0400"',
    "source": '"NHS service directory"',
    "checked": "2026-08-20",
    "may_ask": '["safeguarding_concern"]',
}


def table(header: str, base: Table, changes: Table | None = None) -> str:
    merged = {**base, **(changes or {})}
    lines = [f"[{header}]"]
    lines += [f"{key} = {value}" for key, value in merged.items() if value is not None]
    return "\n".join(lines) + "\n"


def directory_toml(
    *,
    telephone: Table | None = None,
    kinds: Table | None = None,
    police: Table | None = None,
    gp: Table | None = None,
    top: str = "",
    extra: str = "",
) -> str:
    """A small valid directory, with changes merged into one table or another.

    `top` goes before the first table (top-level keys); `extra` after the last.
    """
    return "\n".join(
        [
            top,
            table("telephone", TELEPHONE, telephone),
            table("request_kinds", KINDS, kinds),
            table("organisations.police", POLICE, police),
            table("organisations.gp", GP, gp),
            extra,
        ]
    )


def problems_of(text: str, today: date = TODAY) -> list[str]:
    with pytest.raises(PolicyError) as caught:
        parse_directory(text, today)
    return caught.value.problems


def shipped_policy_texts() -> dict[str, str]:
    return {p.name: p.read_text() for p in POLICIES.glob("*.toml")}


def shipped_directory() -> Directory:
    return parse_directory(SHIPPED_DIRECTORY.read_text(), TODAY)


def small_directory(
    *,
    telephone: Table | None = None,
    kinds: Table | None = None,
    police: Table | None = None,
    gp: Table | None = None,
) -> Directory:
    toml = directory_toml(telephone=telephone, kinds=kinds, police=police, gp=gp)
    return parse_directory(toml, TODAY)


# --- The shipped directory ----------------------------------------------------------


def test_the_shipped_directory_loads_with_its_five_organisations() -> None:
    directory = shipped_directory()
    assert set(directory.organisations) == {
        "northshire_police_ppu",
        "northshire_childrens_social_care",
        "northshire_adult_social_care",
        "riverside_gp",
        "hillside_primary",
    }
    assert directory.max_age_days == 365
    assert set(directory.templates) == set(TEMPLATE_NAMES)


def test_the_packaged_directory_and_the_policies_folder_copy_are_the_same() -> None:
    assert (POLICIES / "directory.toml").read_text() == SHIPPED_DIRECTORY.read_text()


def test_every_shipped_organisation_says_where_its_number_came_from_and_it_is_a_number() -> None:
    directory = shipped_directory()
    for org in directory.organisations.values():
        assert org.source.strip(), org.id
        assert org.name.strip(), org.id
        assert normalise_number(org.switchboard) is not None, org.id
        assert org.number == normalise_number(org.switchboard)
        assert org.may_ask, org.id
        assert org.may_ask <= set(directory.request_kinds), org.id
        assert org.checked <= TODAY, org.id


def test_no_two_shipped_organisations_share_a_switchboard() -> None:
    numbers = [org.number for org in shipped_directory().organisations.values()]
    assert len(set(numbers)) == len(numbers)


def test_the_shipped_templates_carry_the_reference_and_nothing_else_in_braces() -> None:
    directory = shipped_directory()
    for name in TEMPLATE_NAMES:
        template = directory.templates[name]
        assert re.findall(r"\{[^{}]*\}", template) == ["{request}"], name
        message = directory.message(name, "TR-2026-0042")
        assert "TR-2026-0042" in message, name
        assert "{" not in message and "}" not in message, name


def test_the_shipped_school_entry_is_flagged_overdue_and_the_others_are_not() -> None:
    directory = shipped_directory()
    stale = {org.id for org in directory.organisations.values() if directory.is_stale(org, TODAY)}
    assert stale == {"hillside_primary"}


# --- Parsing: what a good file gives ------------------------------------------------


def test_a_small_directory_keeps_the_switchboard_as_written_for_reading_out() -> None:
    directory = small_directory()
    police = directory.organisations["police"]
    assert police.switchboard == "01632 960 100"
    assert police.number == "01632960100"
    assert police.checked == date(2026, 10, 5)
    assert police.may_ask == frozenset({"safeguarding_concern", "police_investigation"})
    assert directory.request_kinds["police_investigation"] == (
        "Information for a police investigation"
    )


def test_a_directory_entry_checked_today_is_accepted() -> None:
    directory = small_directory(police={"checked": TODAY.isoformat()})
    assert directory.organisations["police"].checked == TODAY


@pytest.mark.parametrize("days", ["1", "3650"])
def test_max_age_days_at_either_end_of_its_range_is_accepted(days: str) -> None:
    assert small_directory(telephone={"max_age_days": days}).max_age_days == int(days)


def test_an_international_switchboard_is_accepted() -> None:
    directory = small_directory(gp={"switchboard": '"+1 202 555 0100"'})
    assert directory.organisations["gp"].number == "+12025550100"


# --- Parsing: what `policy check` refuses, one line per problem --------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"police": {"switchboard": '"call the desk"'}},
            "directory.toml: organisations.police.switchboard: must be a telephone number",
        ),
        (
            {"police": {"switchboard": '"123"'}},
            "directory.toml: organisations.police.switchboard: must be a telephone number",
        ),
        (
            {"police": {"switchboard": '""'}},
            "directory.toml: organisations.police.switchboard: must be a telephone number",
        ),
        (
            {"police": {"switchboard": "1632960100"}},
            "directory.toml: organisations.police.switchboard: must be a telephone number",
        ),
        (
            {"police": {"switchboard": None}},
            "directory.toml: organisations.police.switchboard: must be a telephone number",
        ),
        (
            {"police": {"source": None}},
            "directory.toml: organisations.police.source: is required",
        ),
        (
            {"police": {"source": '"   "'}},
            "directory.toml: organisations.police.source: is required",
        ),
        (
            {"police": {"name": None}},
            "directory.toml: organisations.police.name: is required",
        ),
        (
            {"police": {"checked": "2026-12-01"}},
            "directory.toml: organisations.police.checked: 2026-12-01 is in the future",
        ),
        (
            {"police": {"checked": '"2026-10-05"'}},
            "directory.toml: organisations.police.checked:"
            " must be a date (YYYY-MM-DD, unquoted), not text",
        ),
        (
            {"police": {"checked": "2026-10-05T09:30:00"}},
            "directory.toml: organisations.police.checked:"
            " must be a date (YYYY-MM-DD, unquoted), not a date and time",
        ),
        (
            {"police": {"checked": None}},
            "directory.toml: organisations.police.checked:"
            " is required (a date, YYYY-MM-DD, unquoted)",
        ),
        (
            {"police": {"may_ask": '["tea_and_biscuits"]'}},
            "directory.toml: organisations.police.may_ask:"
            " unknown request kind 'tea_and_biscuits' (known: ",
        ),
        (
            {"police": {"may_ask": "[]"}},
            "directory.toml: organisations.police.may_ask:"
            " must be a list of request kind names, at least one",
        ),
        (
            {"police": {"may_ask": '"safeguarding_concern"'}},
            "directory.toml: organisations.police.may_ask:"
            " must be a list of request kind names, at least one",
        ),
        (
            {"police": {"phone": '"01632 960 999"'}},
            "directory.toml: organisations.police.phone: unknown key (expected one of:"
            " checked, may_ask, name, source, switchboard)",
        ),
        (
            {"gp": {"switchboard": '"+44 1632 960100"'}},
            "directory.toml: organisations.gp.switchboard: is the same number as "
            "organisations.police",
        ),
        (
            {"telephone": {"neutral_reply": '"Hello {name}, reference {request}."'}},
            "directory.toml: telephone.neutral_reply: may use only {request}",
        ),
        (
            {"telephone": {"voicemail": '"Reference { request }."'}},
            "directory.toml: telephone.voicemail: may use only {request}",
        ),
        (
            {"telephone": {"text_message": '"Call us about {}."'}},
            "directory.toml: telephone.text_message: may use only {request}",
        ),
        (
            {"telephone": {"not_entitled": None}},
            "directory.toml: telephone.not_entitled: is required",
        ),
        (
            {"telephone": {"not_entitled": '"  "'}},
            "directory.toml: telephone.not_entitled: is required",
        ),
        (
            {"telephone": {"colour": '"red"'}},
            "directory.toml: telephone.colour: unknown key (expected one of:"
            " callback_attempts, max_age_days, neutral_reply, not_entitled, text_message,"
            " voicemail)",
        ),
        (
            {"telephone": {"max_age_days": "0"}},
            "directory.toml: telephone.max_age_days: must be between 1 and 3650 days, not 0",
        ),
        (
            {"telephone": {"max_age_days": "3651"}},
            "directory.toml: telephone.max_age_days: must be between 1 and 3650 days, not 3651",
        ),
        (
            {"telephone": {"max_age_days": "true"}},
            "directory.toml: telephone.max_age_days:"
            " must be a whole number of days, not true/false",
        ),
        (
            {"telephone": {"max_age_days": "365.0"}},
            "directory.toml: telephone.max_age_days:"
            " must be a whole number of days, not a decimal number",
        ),
        (
            {"telephone": {"max_age_days": '"365"'}},
            "directory.toml: telephone.max_age_days: must be a whole number of days, not text",
        ),
        (
            {"telephone": {"max_age_days": None}},
            "directory.toml: telephone.max_age_days:"
            " is required (a whole number of days between 1 and 3650)",
        ),
        (
            {"kinds": {"education_welfare": '""'}},
            "directory.toml: request_kinds.education_welfare:"
            " is required (what is asked for, in words)",
        ),
        (
            {"kinds": {"Education": '"About a pupil"'}},
            "directory.toml: request_kinds.Education:"
            " a request kind name must be lower-case letters, digits and _",
        ),
        (
            {"top": "colour = 'red'\n"},
            "directory.toml: colour: unknown key (expected one of:"
            " organisations, request_kinds, telephone)",
        ),
    ],
)
def test_a_bad_directory_entry_is_refused_with_one_line_naming_file_and_key(
    changes: dict[str, Any], expected: str
) -> None:
    problems = problems_of(directory_toml(**changes))
    assert len(problems) == 1, problems
    assert problems[0].startswith(expected), problems


def test_an_organisation_name_that_is_not_a_plain_id_is_refused() -> None:
    text = directory_toml(extra=table('organisations."Bad Name"', POLICE))
    problems = problems_of(text)
    assert problems == [
        "directory.toml: organisations.Bad Name:"
        " an organisation id must be lower-case letters, digits and _"
    ]


def test_a_directory_that_is_not_toml_is_refused_in_one_line() -> None:
    problems = problems_of(directory_toml() + "\n[telephone\n")
    assert len(problems) == 1
    assert problems[0].startswith("directory.toml: not valid TOML")


def test_a_directory_without_a_telephone_table_is_refused() -> None:
    text = directory_toml().replace("[telephone]\n", "[phone_settings]\n", 1)
    problems = problems_of(text)
    assert "directory.toml: telephone: is required (a table)" in problems
    assert any(p.startswith("directory.toml: phone_settings: unknown key") for p in problems)


def test_a_directory_with_only_the_telephone_table_is_refused_naming_what_is_missing() -> None:
    problems = problems_of(table("telephone", TELEPHONE))
    assert problems == [
        "directory.toml: request_kinds: must be a table of request kinds, at least one",
        "directory.toml: organisations: must be a table of organisations, at least one",
    ]


def test_the_same_number_written_differently_is_caught_as_a_duplicate() -> None:
    problems = problems_of(directory_toml(gp={"switchboard": '"(01632) 960-100"'}))
    assert problems == [
        "directory.toml: organisations.gp.switchboard: is the same number as "
        "organisations.police; each entry needs its own"
    ]


def test_every_problem_in_the_directory_is_reported_together() -> None:
    text = directory_toml(
        telephone={"max_age_days": "0", "voicemail": '"Hi {name}"'},
        police={"switchboard": '"call the desk"', "source": None, "checked": '"2026-10-05"'},
        gp={"may_ask": '["tea_and_biscuits"]', "checked": "2027-01-01"},
    )
    problems = problems_of(text)
    paths = [p.split(": ")[1] for p in problems]
    assert sorted(paths) == sorted(
        [
            "telephone.max_age_days",
            "telephone.voicemail",
            "organisations.police.switchboard",
            "organisations.police.source",
            "organisations.police.checked",
            "organisations.gp.checked",
            "organisations.gp.may_ask",
        ]
    )
    assert all(p.startswith("directory.toml: ") for p in problems)


def test_problems_name_the_file_they_were_read_from() -> None:
    with pytest.raises(PolicyError) as caught:
        parse_directory(directory_toml(police={"source": None}), TODAY, file="site/phones.toml")
    assert caught.value.problems == [
        "site/phones.toml: organisations.police.source: is required (where the number came from)"
    ]


def test_whether_a_checked_date_is_in_the_future_depends_on_the_today_given() -> None:
    text = directory_toml(police={"checked": "2026-12-01"})
    assert parse_directory(text, date(2026, 12, 1)).organisations["police"].checked == date(
        2026, 12, 1
    )
    assert problems_of(text, today=date(2026, 11, 30)) == [
        "directory.toml: organisations.police.checked: 2026-12-01 is in the future"
    ]


# --- normalise_number -----------------------------------------------------------------


def test_a_uk_number_with_plus_44_normalises_the_same_as_with_a_leading_0() -> None:
    assert normalise_number("+44 1632 960 100") == normalise_number("01632 960100")
    assert normalise_number("+44 1632 960 100") == "01632960100"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("01632 960 100", "01632960100"),
        ("  01632 960 100  ", "01632960100"),
        ("(01632) 960-100", "01632960100"),
        ("0113 496 0400", "01134960400"),
        ("020 7946 000", "0207946000"),
        ("+441134960400", "01134960400"),
        ("+1 202 555 0100", "+12025550100"),
        ("+33 1 23 45 67 89", "+33123456789"),
        ("+1 234 5678", "+12345678"),
        ("+123 4567 8901 2345", "+123456789012345"),
    ],
)
def test_numbers_as_people_write_them_normalise(written: str, expected: str) -> None:
    assert normalise_number(written) == expected


@pytest.mark.parametrize(
    "written",
    [
        "",
        "   ",
        "call the desk",
        "01632 96O 100",  # a letter O, not a zero
        "01632 960 100 ext 4",
        "123",
        "1632 960 100",  # no leading 0 and no +
        "0163 296",  # too short for a UK number
        "016329601001",  # 12 digits: too long for a UK number
        "+44",
        "+44 1632",
        "+1 234 567",  # 7 digits: too short for an international number
        "+1234 5678 9012 3456",  # 16 digits: too long
        "+",
        "++44 1632 960100",
        "01632 960 100+",
        "---",
    ],
)
def test_what_is_not_a_telephone_number_normalises_to_none(written: str) -> None:
    assert normalise_number(written) is None


# --- assess: entitlement from the directory alone ------------------------------------


def test_an_organisation_not_in_the_directory_is_not_entitled_and_gets_no_number() -> None:
    assessment = assess(
        small_directory(), "northshire_pollice", "safeguarding_concern", "01632 960 100", TODAY
    )
    assert not assessment.entitled
    assert assessment.callback_number == ""
    assert assessment.organisation_name == ""
    assert "not in the directory" in assessment.why
    assert assessment.flags == frozenset()


def test_a_known_organisation_asking_for_what_it_may_not_is_not_entitled() -> None:
    assessment = assess(small_directory(), "gp", "police_investigation", "0113 496 0400", TODAY)
    assert not assessment.entitled
    assert assessment.why == (
        "Riverside Medical Practice is not entitled to ask for: "
        "Information for a police investigation."
    )
    assert assessment.organisation_name == "Riverside Medical Practice"
    # The lead may still want to ring the switchboard: it is the directory's number.
    assert assessment.callback_number == "0113 496 0400"


def test_a_request_kind_that_does_not_exist_is_not_entitled_and_named_as_given() -> None:
    assessment = assess(small_directory(), "police", "everything_you_have", "", TODAY)
    assert not assessment.entitled
    assert "everything_you_have" in assessment.why


def test_an_entitled_request_is_called_back_on_the_directory_number_not_the_callers() -> None:
    assessment = assess(small_directory(), "police", "police_investigation", "07700 900123", TODAY)
    assert assessment.entitled
    assert assessment.why == ""
    assert assessment.organisation_name == "Northshire Police, Public Protection Unit"
    assert assessment.callback_number == "01632 960 100"
    assert "07700" not in assessment.callback_number


def test_a_caller_giving_a_different_number_raises_a_red_flag() -> None:
    assessment = assess(small_directory(), "police", "police_investigation", "07700 900123", TODAY)
    assert assessment.flags == frozenset({RedFlag.NUMBER_DIFFERS})


def test_a_caller_asking_for_what_they_may_not_still_gets_the_number_flag() -> None:
    assessment = assess(small_directory(), "gp", "police_investigation", "07700 900123", TODAY)
    assert not assessment.entitled
    assert RedFlag.NUMBER_DIFFERS in assessment.flags


@pytest.mark.parametrize("given", ["01632 960 100", "01632960100", "+44 1632 960100", ""])
def test_the_directory_number_written_any_way_or_none_given_raises_no_flag(given: str) -> None:
    assessment = assess(small_directory(), "police", "police_investigation", given, TODAY)
    assert assessment.entitled
    assert assessment.flags == frozenset()


@pytest.mark.parametrize(
    ("days_after_check", "stale"),
    [(0, False), (29, False), (30, False), (31, True), (400, True)],
)
def test_an_entry_past_max_age_days_is_flagged_stale(days_after_check: int, stale: bool) -> None:
    directory = small_directory(telephone={"max_age_days": "30"}, police={"checked": "2026-10-05"})
    today = date(2026, 10, 5) + timedelta(days=days_after_check)
    police = directory.organisations["police"]
    assert directory.is_stale(police, today) is stale
    assessment = assess(directory, "police", "police_investigation", "01632 960 100", today)
    assert (RedFlag.STALE_DIRECTORY_ENTRY in assessment.flags) is stale
    # Stale is a warning for the person calling back, not a refusal.
    assert assessment.entitled


def test_a_stale_entry_with_a_different_number_carries_both_flags() -> None:
    directory = small_directory(police={"checked": "2024-01-01"})
    assessment = assess(directory, "police", "police_investigation", "07700 900123", TODAY)
    assert assessment.flags == frozenset({RedFlag.NUMBER_DIFFERS, RedFlag.STALE_DIRECTORY_ENTRY})


def test_the_shipped_directory_flags_the_overdue_school_when_it_asks() -> None:
    assessment = assess(
        shipped_directory(), "hillside_primary", "education_welfare", "0117 496 0500", TODAY
    )
    assert assessment.entitled
    assert assessment.callback_number == "0117 496 0500"
    assert assessment.flags == frozenset({RedFlag.STALE_DIRECTORY_ENTRY})


# --- after_callback: fail closed ------------------------------------------------------


@pytest.mark.parametrize("outcome", list(Callback))
def test_only_a_confirmed_callback_verifies(outcome: Callback) -> None:
    status, _flags = after_callback(outcome)
    if outcome is Callback.CONFIRMED:
        assert status is Status.VERIFIED
    elif outcome is Callback.NOT_REACHED:
        assert status is Status.AWAITING_CALLBACK  # nothing verified: try again later
    else:
        assert status is Status.NOT_VERIFIED


def test_a_caller_not_reached_goes_to_the_lead_after_the_attempts_allowed() -> None:
    tries = [after_callback(Callback.NOT_REACHED, n, 3)[0] for n in (1, 2, 3)]
    assert tries == [Status.AWAITING_CALLBACK, Status.AWAITING_CALLBACK, Status.ESCALATED]


@pytest.mark.parametrize("outcome", list(Callback))
def test_only_a_refused_callback_adds_its_red_flag(outcome: Callback) -> None:
    _status, flags = after_callback(outcome)
    if outcome is Callback.REFUSED_CALLBACK:
        assert flags == frozenset({RedFlag.REFUSED_CALLBACK})
    else:
        assert flags == frozenset()


def test_every_callback_outcome_and_red_flag_has_words_for_the_screen() -> None:
    assert set(CALLBACK_WORDS) == set(Callback)
    assert set(FLAG_WORDS) == set(RedFlag)
    assert all(words.strip() for words in [*CALLBACK_WORDS.values(), *FLAG_WORDS.values()])


# --- Directory.message ----------------------------------------------------------------


def test_a_message_fills_every_request_placeholder_and_nothing_else() -> None:
    directory = small_directory(
        telephone={"text_message": '"Reference {request}. Again: {request}."'}
    )
    assert directory.message("text_message", "TR-7") == "Reference TR-7. Again: TR-7."


def test_a_template_is_stored_without_surrounding_spaces() -> None:
    directory = small_directory(telephone={"voicemail": '"  Call us, quoting {request}.  "'})
    assert directory.message("voicemail", "TR-7") == "Call us, quoting TR-7."


# --- parse_policy: the directory is one of the policy files ---------------------------


def test_directory_toml_is_one_of_the_policy_files() -> None:
    assert "directory.toml" in POLICY_FILES
    assert "directory.toml" in shipped_policy_texts()


def test_the_shipped_policy_loads_its_directory() -> None:
    policy = parse_policy(shipped_policy_texts(), today=TODAY)
    assert len(policy.directory.organisations) == 5
    assert "directory: 5 organisations" in policy.summary()


def test_a_policy_without_directory_toml_is_refused_naming_it() -> None:
    texts = shipped_policy_texts()
    del texts["directory.toml"]
    with pytest.raises(PolicyError) as caught:
        parse_policy(texts, today=TODAY)
    assert caught.value.problems == ["directory.toml: is missing"]


def test_a_bad_directory_is_reported_among_the_policy_problems() -> None:
    texts = shipped_policy_texts()
    texts["directory.toml"] = texts["directory.toml"].replace(
        'switchboard = "01632 960 200"', 'switchboard = "ask for Sam"', 1
    )
    with pytest.raises(PolicyError) as caught:
        parse_policy(texts, today=TODAY)
    assert len(caught.value.problems) == 1
    assert caught.value.problems[0].startswith(
        "directory.toml: organisations.northshire_childrens_social_care.switchboard: "
        "must be a telephone number"
    )


def test_parse_policy_judges_checked_dates_against_the_today_it_is_given() -> None:
    with pytest.raises(PolicyError) as caught:
        parse_policy(shipped_policy_texts(), today=date(2026, 9, 20))
    assert caught.value.problems == [
        "directory.toml: organisations.northshire_police_ppu.checked: 2026-10-05 is in the future"
    ]


# --- Once bugs: a list in may_ask, '+44 (0)' numbers, unreadable numbers unflagged ---


def test_a_may_ask_entry_that_is_a_list_is_refused_as_a_policy_problem() -> None:
    problems = problems_of(directory_toml(police={"may_ask": '[["safeguarding_concern"]]'}))
    assert len(problems) == 1
    assert problems[0].startswith("directory.toml: organisations.police.may_ask:")


def test_a_uk_number_written_plus_44_bracket_0_normalises() -> None:
    assert normalise_number("+44 (0)1632 960100") == "01632960100"


def test_a_different_number_written_plus_44_bracket_0_is_flagged() -> None:
    assessment = assess(
        small_directory(), "police", "police_investigation", "+44 (0)7700 900123", TODAY
    )
    assert RedFlag.NUMBER_DIFFERS in assessment.flags


def test_a_number_given_that_cannot_be_read_is_flagged_as_not_the_directorys() -> None:
    assessment = assess(small_directory(), "police", "police_investigation", "ext 4", TODAY)
    assert RedFlag.NUMBER_DIFFERS in assessment.flags


def test_a_run_of_zeros_is_not_a_number() -> None:
    assert normalise_number("00000000000") is None
