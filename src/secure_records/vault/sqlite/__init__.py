"""The SQLite store: the embedded default behind `vault.store.Store`."""
