"""The fields a record has, read from `records.toml`.

Pure: the caller hands over the parsed TOML; problems go to a FileReader.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from secure_records.core.validation import FileReader, key_path

FILE = "records.toml"


class FieldKind(StrEnum):
    TEXT = "text"
    DATE = "date"
    CHOICE = "choice"
    CONSENT = "consent"
    NOTES = "notes"


LIST_KINDS = frozenset({FieldKind.CONSENT, FieldKind.NOTES})

# Fields the app relies on: the index match and the record list need them.
REQUIRED_FIELDS: Mapping[str, FieldKind] = {
    "name": FieldKind.TEXT,
    "date_of_birth": FieldKind.DATE,
}

FIELD_KEYS = frozenset({"label", "kind", "identifying", "special_category", "choices"})


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: FieldKind
    identifying: bool
    special_category: bool
    choices: tuple[str, ...] = ()

    @property
    def is_list(self) -> bool:
        return self.kind in LIST_KINDS


def read_fields(
    reader: FileReader, doc: Mapping[str, Any], declared: set[str]
) -> dict[str, FieldSpec]:
    """The fields; `declared` receives every field name written, even one whose spec
    is bad, so that roles' rules for it are not reported a second time."""
    reader.keys("", doc, {"fields"})
    table = reader.table("fields", doc.get("fields"))
    fields: dict[str, FieldSpec] = {}
    if table is None:
        return fields
    for name, raw in table.items():
        path = key_path("fields", name)
        if not reader.name(path, name, "field name"):
            continue
        declared.add(name)
        spec = _read_field(reader, path, name, raw)
        if spec is not None:
            fields[name] = spec
    for name, kind in REQUIRED_FIELDS.items():
        if name not in fields:
            # A field written with a bad spec has had its problem reported already.
            if name not in declared:
                reader.error(f"fields.{name}", f"is required (a {kind} field)")
        elif fields[name].kind is not kind:
            reader.error(f"fields.{name}.kind", f"must be {kind}")
    for kind in LIST_KINDS:
        if sum(1 for f in fields.values() if f.kind is kind) > 1:
            reader.error("fields", f"only one field may be of kind {kind}")
    return fields


def _read_field(reader: FileReader, path: str, name: str, raw: object) -> FieldSpec | None:
    spec = reader.table(path, raw)
    if spec is None:
        return None
    reader.keys(path, spec, FIELD_KEYS)
    kind = reader.choice(f"{path}.kind", spec.get("kind"), FieldKind)
    default_label = name.replace("_", " ").capitalize()
    label = reader.text(f"{path}.label", spec.get("label"), default=default_label, allow_blank=True)
    choices: tuple[str, ...] = ()
    if kind is FieldKind.CHOICE:
        raw_choices = spec.get("choices")
        if (
            not isinstance(raw_choices, list)
            or not raw_choices
            or not all(isinstance(c, str) and c for c in raw_choices)
        ):
            reader.error(f"{path}.choices", "a choice field needs a list of choices")
        else:
            choices = tuple(raw_choices)
    elif "choices" in spec and kind is not None:
        reader.error(f"{path}.choices", "only a choice field has choices")
    identifying = reader.flag(f"{path}.identifying", spec.get("identifying"), default=False)
    special = reader.flag(f"{path}.special_category", spec.get("special_category"), default=False)
    if kind is None or label is None:
        return None
    # A bad flag is reported above; the field is still known, so that the roles'
    # rules for it are checked too.
    return FieldSpec(name, label, kind, bool(identifying), bool(special), choices)
