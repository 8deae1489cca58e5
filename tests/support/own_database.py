"""A new PostgreSQL database for each vault a test makes more than once (a generated
example each), when the test runs as its PostgreSQL variant (SECURE_RECORDS_DATABASE
set by tests/support/postgres.py); with SQLite, nothing to do."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

ENV = "SECURE_RECORDS_DATABASE"
_numbers = itertools.count()


@contextmanager
def own_database() -> Iterator[None]:
    given = os.environ.get(ENV)
    if given is None:
        yield
        return
    params = conninfo_to_dict(given)
    name = f"{params['dbname']}_{next(_numbers)}"
    admin = make_conninfo(given, dbname="postgres")
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'CREATE DATABASE "{name}"')
    os.environ[ENV] = make_conninfo(given, dbname=name)
    try:
        yield
    finally:
        os.environ[ENV] = given
        with psycopg.connect(admin, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
