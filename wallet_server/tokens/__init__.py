"""Pay tokens on the server: signing keys, issuance with a hold, keyset and blocklist."""
