"""What every refused operation is: a stable code, details for the caller, an HTTP status.

The shared kernel of refusals: it imports nothing of the application, so that the ledger, the
feature packages, the web layer and the command line all speak it. The words of each code
live in `wallet_server.messages`. A family of refusals declares, beside the codes it raises,
the status of those not answered with the default 422 (understood, and refused):

    class PinError(Refusal):
        STATUS: ClassVar[Mapping[str, int]] = {"wrong_pin": 403, "pin_locked": 423}
"""

from collections.abc import Mapping
from typing import Any, ClassVar

#: the status of a refusal whose class declares none for its code
DEFAULT_STATUS = 422


class Refusal(Exception):
    """A refused operation. `code` is stable and documented; `details` help the caller (the
    web layer shows a client only those it knows to be safe to show)."""

    #: the HTTP status of each of this family's codes not answered with DEFAULT_STATUS
    STATUS: ClassVar[Mapping[str, int]] = {}
    #: keep what the operation wrote (a failed PIN attempt) although the request is refused
    persist: ClassVar[bool] = False

    def __init__(self, code: str, **details: Any) -> None:
        self.code = code
        self.details = details
        super().__init__(f"{code}: {details}" if details else code)

    @property
    def status(self) -> int:
        """The HTTP status this refusal is answered with."""
        return self.STATUS.get(self.code, DEFAULT_STATUS)
