"""URLs of the partner API, included at /api/partners/v1/ (namespace partners_v1).

ninja's own patterns, each endpoint wrapped in the pipeline (signing, limits,
idempotency); the OpenAPI document and the docs page served as they are; any other
address under the prefix a JSON 404.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from django.urls import URLPattern, re_path
from ninja.operation import PathView

from bekal.api.partners.v1.api import api
from bekal.api.partners.v1.pipeline import partner_endpoint, route_not_found

PUBLIC = {"openapi-json", "openapi-view"}


def _methods(view: Callable[..., Any]) -> frozenset[str]:
    """The methods a ninja URL view takes (its PathView's operations)."""
    path_view = inspect.getclosurevars(view).nonlocals.get("self")
    if not isinstance(path_view, PathView):
        raise TypeError(f"{view!r} is not a view of ninja's PathView")
    return frozenset(m for operation in path_view.operations for m in operation.methods)


def _patterns() -> list[URLPattern]:
    patterns, _app, _namespace = api.urls
    wrapped = []
    for pattern in patterns:
        assert isinstance(pattern, URLPattern)
        if pattern.name in PUBLIC:
            wrapped.append(pattern)
        elif pattern.name == "api-root":
            wrapped.append(URLPattern(pattern.pattern, route_not_found, name=pattern.name))
        else:
            callback = partner_endpoint(pattern.callback, methods=_methods(pattern.callback))
            wrapped.append(
                URLPattern(pattern.pattern, callback, pattern.default_args, pattern.name)
            )
    wrapped.append(re_path(r"", route_not_found, name="not-found"))
    return wrapped


app_name = api.urls_namespace
urlpatterns = _patterns()
