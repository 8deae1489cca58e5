"""What lasts: encryption, keys, the SQLite store."""
