"""Coordinators and other staff: password (argon2) and TOTP, always."""
