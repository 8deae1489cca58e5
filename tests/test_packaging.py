"""What someone installing secure-records meets first: a README whose install line
works (the package is not published, so it names a checkout or a built wheel), and
package metadata that says under what licence they may use it."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# `pip install` and what it installs, across a line break inside the README's prose.
_INSTALL = re.compile(r"pip\s+install\s+((?:-\S+\s+)*)([^\s`]+)")


def install_targets() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [m.group(2).strip("'\"") for m in _INSTALL.finditer(text)]


def test_the_readme_installs_from_the_checkout_or_a_built_wheel_never_from_an_index() -> None:
    targets = install_targets()
    assert targets, "the README says how to install"
    for target in targets:
        local = target.startswith((".", "/", "~", "$")) or target.endswith(".whl")
        assert local, f"README: 'pip install {target}' names a package that is not published"


def test_the_licence_is_in_the_metadata_and_beside_the_code() -> None:
    meta = metadata.metadata("secure-records")
    assert meta["License-Expression"] == "MIT"
    assert "LICENSE" in (meta.get_all("License-File") or [])
    assert "Typing :: Typed" in (meta.get_all("Classifier") or [])
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License") and "secure-records contributors" in licence
