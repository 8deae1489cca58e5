"""`vault seal` for rows: a vault's rows from before rows were sealed, sealed once as
they stand (records after everything that hangs off them, caseloads settled), and its
ledger totalled afresh. Every row that already has a seal is left as it is."""

from __future__ import annotations

from secure_records.vault.connection import Connection
from secure_records.vault.row_seals import CHILD_TABLES, TABLES, as_stored, as_total, total
from secure_records.vault.sqlite.sealed_rows import SealedRows


def seal_unsealed(sealed: SealedRows, db: Connection) -> int:
    """Seal every row written before rows were sealed (a record after everything
    that hangs off it, so that its history holds them), leave every sealed row as it
    is, and total the ledger afresh; inside a write transaction. How many sealed."""
    seals, count = sealed.seals, 0
    specs = [*CHILD_TABLES, *(s for s in TABLES.values() if not s.parent)]
    for spec in sorted(specs, key=lambda s: s.name == "records"):
        for row in db.execute(f"SELECT * FROM {spec.name} WHERE seal IS NULL").fetchall():  # noqa: S608
            identity = {c: row[c] for c in spec.identity}
            if spec.name == "records":
                history = seals.history(sealed.stored_children(row["id"]))
                db.execute("UPDATE records SET history = ? WHERE id = ?", (history, row["id"]))
            sealed.reseal(spec, identity)
            count += 1
    _settle_caseloads(sealed, db)
    sealed.ledger.rows_sealed = True
    sealed.ledger.totals = {
        name: total(r["seal"] for r in sealed.all_rows(name) if r["seal"] is not None)
        for name in TABLES
    }
    return count


def _settle_caseloads(sealed: SealedRows, db: Connection) -> None:
    # Each caseload as its (now sealed) assignments add up; a staff row sealed
    # before is checked first, so that settling never launders an edited one.
    for staff in db.execute("SELECT * FROM staff").fetchall():
        found = db.execute("SELECT seal FROM assignments WHERE staff = ?", (staff["name"],))
        caseload = total(bytes(r["seal"]) for r in found)
        if as_total(staff["caseload"]) == caseload:
            continue
        sealed.check("staff", staff)
        db.execute(
            "UPDATE staff SET caseload = ? WHERE name = ?",
            (as_stored(caseload), staff["name"]),
        )
        sealed.reseal(TABLES["staff"], {"name": staff["name"]})
