"""Caisse Commune wallet server: ledger, participants, shops, allocations and the JSON API."""
