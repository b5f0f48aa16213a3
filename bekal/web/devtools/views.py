"""The demo's outbox: every email and SMS Bekal queued, readable in the browser.

Mounted only when DEV_OUTBOX is on (demo and tests); production never serves it.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bekal.notifications.selectors import list_outbox


def outbox(request: HttpRequest) -> HttpResponse:
    return render(request, "devtools/outbox.html", {"messages_sent": list_outbox(limit=100)})
