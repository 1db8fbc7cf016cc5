"""The offline-tolerant till: durable journal, offline acceptance rules, store-and-forward sync."""
