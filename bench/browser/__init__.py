"""Browser benchmarks: Debian's Chromium, driven by Playwright, against gunicorn.

`pwa` (the participant app) and `till` (the browser till) weigh a first load and time what
a user waits for offline, against the issue's fixed budgets.
"""
