"""Outputs for people: disclosure packages, subject access reports and access review
exports. They are kept sealed inside the vault, read in the app by those entitled,
and leave it only through a release: a logged, passphrase-encrypted file.
"""

from __future__ import annotations

from enum import StrEnum


class OutputKind(StrEnum):
    # Stored as these words; what a person reads is `label`.
    DISCLOSURE_PACKAGE = "disclosure_package"
    SUBJECT_ACCESS_REPORT = "subject_access_report"
    ACCESS_REVIEW = "access_review"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def suffix(self) -> str:
        """The file name's ending inside a released zip: what opens it."""
        return _SUFFIXES[self]


_LABELS = {
    OutputKind.DISCLOSURE_PACKAGE: "Disclosure package",
    OutputKind.SUBJECT_ACCESS_REPORT: "Subject access report",
    OutputKind.ACCESS_REVIEW: "Access review",
}
_SUFFIXES = {
    OutputKind.DISCLOSURE_PACKAGE: ".txt",
    OutputKind.SUBJECT_ACCESS_REPORT: ".txt",  # plain text (session/subject_access.py)
    OutputKind.ACCESS_REVIEW: ".csv",
}
