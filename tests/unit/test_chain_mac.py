"""The fast chain MAC used by verify is exactly HMAC-SHA256."""

from __future__ import annotations

import hashlib
import hmac

from hypothesis import given
from hypothesis import strategies as st

from secure_records.vault.log import ChainMac


@given(st.binary(min_size=32, max_size=32), st.binary(max_size=64), st.binary(max_size=600))
def test_chain_mac_equals_hmac_sha256(key: bytes, previous: bytes, body: bytes) -> None:
    expected = hmac.new(key, previous + body, hashlib.sha256).digest()
    assert ChainMac(key)(previous, body) == expected
