"""The offline-tolerant till: durable journal, offline acceptance rules, sync (in progress)."""
