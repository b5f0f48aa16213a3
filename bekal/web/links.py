"""Absolute links to portal pages, for messages the domain sends (emails, SMS).

The domain knows no portal address: the web layer builds the links and passes them in.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse


def portal_link(name: str, *args: object) -> str:
    """The absolute address of the portal page `name` (a URL name without "portal:")."""
    return f"{settings.SITE_URL}{reverse(f'portal:{name}', args=args)}"


def wave_list_link() -> str:
    """Where a person who passed the test chooses a wave to join."""
    return portal_link("wave_list")
