"""The audit log: every staff action, done or refused, with who, when and what changed."""
