"""A care ticket for a refused identity check, with the link to correct the profile.

Opened by the system in the transaction that records the registry's answer; one ticket
per check and round (the key), so an answer recorded twice opens one ticket.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext

from bekal.care.models import Category, SubjectKind, Ticket
from bekal.care.services import open_system_ticket
from bekal.core.links import portal_links
from bekal.registration.models import IdentityCheck


def open_identity_ticket(*, check: IdentityCheck) -> Ticket:
    profile = check.profile
    user = profile.user
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
