"""The SQL that row seals run on every table alike: built once from the tables'
specs (vault/row_seals.py), whose names are ours, never anything typed."""

from __future__ import annotations

from secure_records.vault.row_seals import CHILD_TABLES, TableSpec

# One query for the seals of everything that hangs off a record (table names are ours).
CHILD_SEALS = " UNION ALL ".join(
    f"SELECT '{spec.name}' AS t, seal FROM {spec.name} WHERE {spec.parent} = ?"  # noqa: S608
    for spec in CHILD_TABLES
)


_WIDTH = max(len(spec.framed) for spec in CHILD_TABLES)
CHILD_ROWS = " UNION ALL ".join(
    f"SELECT '{spec.name}', seal, "  # noqa: S608
    + ", ".join([*spec.framed, *["NULL"] * (_WIDTH - len(spec.framed))])
    + f" FROM {spec.name} WHERE {spec.parent} = ?"
    for spec in CHILD_TABLES
)


def where(spec: TableSpec) -> str:
    return " AND ".join(f"{column} = ?" for column in spec.identity)
