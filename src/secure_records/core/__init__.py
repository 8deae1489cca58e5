"""The policy as code: pure, synchronous, no I/O, no Textual, no storage."""
