"""The calling platform itself."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from bekal.api.partners.v1.security import platform_of

router = Router(tags=["platform"])


class PlatformOut(Schema):
    code: str
    name: str
    website: str


@router.get("/me", response=PlatformOut, summary="The platform these credentials belong to")
def get_me(request: HttpRequest) -> PlatformOut:
    platform = platform_of(request)
    return PlatformOut(code=platform.code, name=platform.name, website=platform.website)
