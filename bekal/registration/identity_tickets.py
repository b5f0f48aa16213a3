"""A care ticket for a refused identity check, with the link to correct the profile.

Opened by the system in the transaction that records the registry's answer: one ticket
per check and round (the key), so an answer recorded twice opens one ticket, and none
while the check's earlier ticket is still open. When the check is verified, its open
tickets are resolved by the system.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext

from bekal.care.models import Category, SubjectKind, Ticket
from bekal.care.services import open_system_ticket, resolve_system_tickets
from bekal.core.links import portal_links
from bekal.registration.models import IdentityCheck


def open_identity_ticket(*, check: IdentityCheck) -> Ticket:
    profile = check.profile
    user = profile.user
    still_open = (
        Ticket.objects.filter(
            citizen=user, subject_kind=SubjectKind.IDENTITY_CHECK, subject_id=str(check.pk)
        )
        .exclude(status=Ticket.Status.RESOLVED)
        .first()
    )
    if still_open is not None:
        return still_open
    link = portal_links().profile()
    with translation.override(user.language):
        if check.status == IdentityCheck.Status.MISMATCH:
            reason = gettext(
                "The population registry holds a different %(fields)s for your NIK."
            ) % {"fields": ", ".join(check.mismatched_labels)}
        else:
            reason = gettext("The population registry does not know your NIK.")
        body = gettext(
            "Your identity check did not pass. %(reason)s Check your profile and correct "
            "it yourself at %(link)s; the check runs again when you save it. If your "
            "data is right, reply here and an officer will help."
        ) % {"reason": reason, "link": link}
    return open_system_ticket(
        key=f"identity_check:{check.pk}:{check.round}",
        citizen=user,
        category=Category.IDENTITY,
        subject_kind=SubjectKind.IDENTITY_CHECK,
        subject_id=str(check.pk),
        body=body,
        self_service_url=link,
        region=profile.domicile_regency,
    )


def resolve_identity_tickets(*, check: IdentityCheck) -> int:
    user = check.profile.user
    with translation.override(user.language):
        body = gettext("Your identity check has passed. This ticket is closed; thank you.")
    return resolve_system_tickets(
        citizen=user,
        subject_kind=SubjectKind.IDENTITY_CHECK,
        subject_id=str(check.pk),
        body=body,
    )
