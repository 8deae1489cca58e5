"""`python -m secure_records`: the `secure-records` script, with the same exit codes."""

from secure_records.cli import entry

if __name__ == "__main__":
    entry()
