"""Training providers (lembaga pelatihan) of the calling platform."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.responses import Status

from bekal.api.partners.v1.schemas import (
    BodyIn,
    ExternalId,
    Name,
    PageMeta,
    PageQuery,
    RegencyCode,
    page_of,
)
from bekal.api.partners.v1.security import platform_of
from bekal.marketplace.models import Provider
from bekal.marketplace.selectors import list_platform_providers
from bekal.marketplace.services.catalogue import register_provider

router = Router(tags=["providers"])


class ProviderIn(BodyIn):
    external_id: ExternalId
    name: Name
    regency_code: RegencyCode | None = None


class ProviderOut(Schema):
    external_id: str
    name: str
    regency_code: str | None


class ProviderPage(PageMeta):
    items: list[ProviderOut]


def provider_out(provider: Provider) -> ProviderOut:
    return ProviderOut(
        external_id=provider.external_id, name=provider.name, regency_code=provider.regency_id
    )


@router.post("/providers", response={201: ProviderOut}, summary="Register a training provider")
def create_provider(request: HttpRequest, payload: ProviderIn) -> Status:
    provider = register_provider(
        platform=platform_of(request),
        external_id=payload.external_id,
        name=payload.name,
        regency_code=payload.regency_code,
    )
    return Status(201, provider_out(provider))


@router.get("/providers", response=ProviderPage, summary="The platform's providers")
def list_providers(request: HttpRequest, page: Query[PageQuery]) -> ProviderPage:
    providers, meta = page_of(list_platform_providers(platform=platform_of(request)), page)
    return ProviderPage(items=[provider_out(p) for p in providers], **meta.model_dump())
