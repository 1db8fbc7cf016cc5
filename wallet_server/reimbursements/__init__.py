"""Reimbursing shops in euros: what each is owed, payout batches, SEPA files, statements."""
