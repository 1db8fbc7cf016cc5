"""`DomainError`, the name the feature packages give the base of their refusals.

It is `wallet_server.refusals.Refusal` itself, not a subclass of it: there is one kind of
refusal, the ledger's included.
"""

from wallet_server.refusals import Refusal

DomainError = Refusal
