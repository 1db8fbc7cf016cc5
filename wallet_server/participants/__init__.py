"""Participants: enrolled household members, known to shops only by a pseudonymous wallet id."""
