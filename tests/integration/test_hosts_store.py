"""The hosts table (migration 9) on both backends: a host's row is added, its
versions and last sight updated, its first sight kept."""

from __future__ import annotations

from secure_records.vault.rows import HostRow
from tests.integration.test_store_backends import open_store, where

__all__ = ["where"]  # the both-backends fixture, used here as there

FIRST, LATER = "2026-12-01T09:00:00+00:00", "2026-12-05T10:00:00+00:00"


def test_a_hosts_row_round_trips_and_keeps_its_first_sight(where: str) -> None:
    store = open_store(where)
    try:
        assert store.hosts() == []
        with store.transaction():
            store.put_host(HostRow("host-b", (1,), FIRST, FIRST))
            store.put_host(HostRow("host-a", (1, 2), FIRST, FIRST))
        with store.transaction():
            store.put_host(HostRow("host-b", (1, 2), LATER, LATER))
        assert store.hosts() == [
            HostRow("host-a", (1, 2), FIRST, FIRST),
            HostRow("host-b", (1, 2), FIRST, LATER),
        ]
    finally:
        store.close()
