"""The one small interface every way of sending a message speaks, and the failures it may raise."""

from collections.abc import Callable
from typing import Protocol

from server.models import Message


class DeliveryFailure(Exception):
    """The provider did not take the message."""

    def __init__(self, reason: str, *, definite: bool = True):
        super().__init__(reason)
        # False: the provider may have it after all (the line dropped after handing it over).
        self.definite = definite


class TemporaryFailure(DeliveryFailure):
    """Worth trying again later: the provider is down, slow or busy."""


class PermanentFailure(DeliveryFailure):
    """Trying again will not help: a bad address, a refused key, or no provider set up."""


class CannotTell(Exception):
    """The provider cannot say whether it took a message handed over before a worker stopped."""


class Provider(Protocol):
    name: str

    def send(self, message: Message, handing_over: Callable[[], None]) -> str:
        """Send `message`, calling `handing_over()` just before the provider may have it; return its id there."""

    def find(self, message: Message) -> str | None:
        """The provider's id for this message if it has it already (by its idempotency key), else None.

        Raises CannotTell when the provider keeps no such record (SMTP).
        """


class NotSetUp:
    """A channel with no provider configured: each message fails at once, visibly, saying what to set."""

    name = "none"

    def __init__(self, what: str):
        self.what = what

    def send(self, message: Message, handing_over: Callable[[], None]) -> str:
        raise PermanentFailure(f"Not sendable: {self.what}")

    def find(self, message: Message) -> str | None:
        return None
