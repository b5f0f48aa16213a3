"""The documents step: upload the KTP photo and the selfie holding the KTP; see them.

One page, one form, two file inputs that open the phone's camera (back camera for the
card, front camera for the selfie). Each file is checked and stored on its own: a
refused selfie does not undo an accepted KTP photo. Images are served only to their
owner or to the programme office (audited), never from a public URL, never cached.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from bekal.accounts.models import User
from bekal.core.errors import DomainError
from bekal.identity import selectors, services
from bekal.identity.documents.errors import DocumentError, DocumentFileDeletedError
from bekal.identity.models import IdentityDocument
from bekal.web.body_limit import body_limit
from bekal.web.client import client_ip

KINDS = IdentityDocument.Kind


class DocumentUploadForm(forms.Form):
    ktp_photo = forms.FileField(
        required=False,
        label=gettext_lazy("Take or choose a photo of your KTP"),
        widget=forms.FileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    selfie_with_ktp = forms.FileField(
        required=False,
        label=gettext_lazy("Take or choose a selfie holding your KTP"),
        widget=forms.FileInput(attrs={"accept": "image/*", "capture": "user"}),
    )


def _participants_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        assert isinstance(user, User)
        if user.role != User.Role.PARTICIPANT or not user.account_confirmed:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _max_body_bytes() -> int:
    return int(settings.BEKAL_DOCUMENT_MAX_BODY_BYTES)


@body_limit(max_bytes=_max_body_bytes, template="portal/documents/too_large.html")
@never_cache
@require_http_methods(["GET", "POST"])
@_participants_only
def documents_upload(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if request.method != "POST":
        return _render(request, DocumentUploadForm())
    form = DocumentUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, form, status=400)
    chosen = [kind for kind in KINDS.values if form.cleaned_data.get(kind)]
    if not chosen:
        form.add_error(None, _("Choose a photo of your KTP, a selfie holding your KTP, or both."))
        return _render(request, form, status=400)
    refused = False
    for kind in chosen:
        try:
            services.upload_document(
                owner=user, kind=kind, uploaded_file=form.cleaned_data[kind], ip=client_ip(request)
            )
        except DocumentError as error:
            form.add_error(kind, str(error))
            refused = True
        else:
            messages.success(request, _("%(document)s saved.") % {"document": KINDS(kind).label})
    if refused:
        return _render(request, form, status=400)
    return redirect("portal:documents_upload")


@never_cache
@require_GET
def documents_image(request: HttpRequest, document_id: int) -> HttpResponse:
    """The full stored photo, for its owner or the programme office (audited)."""
    return _serve(request, document_id, thumbnail=False)


@never_cache
@require_GET
def documents_thumbnail(request: HttpRequest, document_id: int) -> HttpResponse:
    """A small version for the upload page."""
    return _serve(request, document_id, thumbnail=True)


def _serve(request: HttpRequest, document_id: int, *, thumbnail: bool) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    assert isinstance(request.user, User)
    try:
        document = selectors.get_document(document_id=document_id)
        if not selectors.can_view_document(viewer=request.user, document=document):
            raise Http404  # as for a missing id: do not reveal that it exists
        image = services.read_document_image(
            document=document, viewer=request.user, ip=client_ip(request), thumbnail=thumbnail
        )
    except DocumentFileDeletedError as error:
        return HttpResponse(str(error), status=error.http_status, content_type="text/plain")
    except DomainError:
        raise Http404 from None
    response = HttpResponse(image, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store, max-age=0"
    response["Content-Disposition"] = f'inline; filename="{document.kind}.jpg"'
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _render(request: HttpRequest, form: DocumentUploadForm, *, status: int = 200) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    documents = selectors.get_documents(owner=user)
    cards = [
        {
            "kind": kind,
            "label": KINDS(kind).label,
            "document": documents[kind],
            "field": form[kind],
        }
        for kind in KINDS.values
    ]
    done = sum(1 for document in documents.values() if document is not None)
    context = {
        "form": form,
        "cards": cards,
        "done": done,
        "total": len(cards),
        "retention_days": settings.BEKAL_DOCUMENT_RETENTION_DAYS,
        "max_mb": settings.BEKAL_DOCUMENT_MAX_BYTES // (1024 * 1024),
        "max_bytes": settings.BEKAL_DOCUMENT_MAX_BYTES,
        "max_side": settings.BEKAL_DOCUMENT_BROWSER_MAX_SIDE,
    }
    return render(request, "portal/documents/upload.html", context, status=status)
