"""Refusals: a stable machine code and a message in the user's language."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise


class DomainError(Exception):
    """A business rule refused the request. Nothing was changed.

    `code` is stable (partners and tests rely on it); `message` is translatable and is
    what the user reads. Interfaces map a DomainError to HTTP in one place.
    """

    code: str = "refused"
    message: str | Promise = "The request was refused."
    http_status: int = 400

    def __init__(
        self,
        message: str | Promise | None = None,
        *,
        code: str | None = None,
        field: str | None = None,
        **params: Any,
    ) -> None:
        if message is not None:
            self.message = message
        if code is not None:
            self.code = code
        self.field = field
        self.params = params
        super().__init__(str(self.message))

    def __str__(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text


class NotFoundError(DomainError):
    code = "not_found"
    http_status = 404


class PermissionDeniedError(DomainError):
    code = "permission_denied"
    http_status = 403


class ThrottledError(DomainError):
    code = "throttled"
    http_status = 429

    def __init__(self, message: str | Promise | None = None, *, retry_after: int, **kw: Any):
        super().__init__(message, **kw)
        self.retry_after = retry_after
