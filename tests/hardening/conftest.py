"""Fixtures for the hardening tests beyond the shared ones: a throwaway PostgreSQL
cluster, a new database in it per test, and every test run on both backends
(tests/support/postgres.py)."""

import pytest

from tests.support.postgres import postgres_cluster, postgres_database, run_once, vault_backend

__all__ = ["postgres_cluster", "postgres_database", "vault_backend"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    run_once(items, config)
