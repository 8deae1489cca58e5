"""The PostgreSQL store: several app hosts, one database (issue 21)."""
