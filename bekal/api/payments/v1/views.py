"""POST /api/payments/v1/callbacks/<provider>/: a payment provider's signed callback.

The signature is checked (401 and nothing stored when wrong), the raw body kept, the
event deduplicated by its id and applied only if it is a legal transition, all in one
short transaction: the provider is answered at once, and a repeat is answered 200 too.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from bekal.disbursements.providers.base import CallbackSignatureError
from bekal.disbursements.services.attempts import receive_callback


@csrf_exempt
@require_POST
def callback(request: HttpRequest, provider: str) -> HttpResponse:
    if provider != settings.BEKAL_PAYOUT_PROVIDER_CODE:
        return JsonResponse(
            {"responseCode": "4040000", "responseMessage": "Unknown provider"}, status=404
        )
    try:
        outcome = receive_callback(
            provider_code=provider, headers=dict(request.headers), body=request.body
        )
    except CallbackSignatureError:
        return JsonResponse(
            {"responseCode": "4010000", "responseMessage": "Unauthorized. Signature"}, status=401
        )
    except (ValueError, KeyError):
        return JsonResponse({"responseCode": "4000001", "responseMessage": "Bad body"}, status=400)
    return JsonResponse({"responseCode": "2000000", "responseMessage": outcome})
