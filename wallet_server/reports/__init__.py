"""Monthly figures for the dashboard and the anonymised evaluation export.

Read only: every figure is an SQL aggregate over the ledger and the domain tables, in integer
cents. A month is a calendar month in UTC, dated as the domain dates it: a contribution by the
day it was paid, an allocation by the month it is for, a payment by when the till captured it.
"""
