"""The fast HMAC used by log verify and the blind index is exactly HMAC-SHA256."""

from __future__ import annotations

import hashlib
import hmac

from hypothesis import given
from hypothesis import strategies as st

from secure_records.vault.envelope import PadHmac


@given(st.binary(max_size=100), st.binary(max_size=64), st.binary(max_size=600))
def test_pad_hmac_equals_hmac_sha256(key: bytes, previous: bytes, body: bytes) -> None:
    expected = hmac.new(key, previous + body, hashlib.sha256).digest()
    assert PadHmac(key).digest(previous, body) == expected
