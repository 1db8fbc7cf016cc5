"""The `caisse` command: set up, enroll, allocate, verify and serve (the group: `cli.main`).

Nothing is imported here: a slice's `commands.py` imports `cli.base`, and `cli.main` imports
every command module, so importing `cli.main` from this package would make a cycle.
"""
