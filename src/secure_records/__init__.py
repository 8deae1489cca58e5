"""secure-records: confidential safeguarding records, run by the organisation's policy."""

__version__ = "0.1.0"
