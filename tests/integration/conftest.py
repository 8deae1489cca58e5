"""Fixtures for the integration tests beyond the shared ones: a throwaway PostgreSQL
cluster, and a new database in it per test (tests/support/postgres.py)."""

from tests.support.postgres import postgres_cluster, postgres_database

__all__ = ["postgres_cluster", "postgres_database"]
