"""Every request is signed: who signs is the platform; anything else is refused with a
stable code, in JSON, before anything is read or changed."""

from __future__ import annotations

import time

import httpx
import pytest
from django.conf import settings as configured

from bekal.accounts.models import PartnerClient
from bekal.accounts.partner_clients import revoke_credential
from bekal.marketplace.models import Provider
from tests.api.client import PREFIX, SigningClient
from tests.api.partners import error_of

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_signed_request_names_the_platform(partner):
    # when the platform asks who it is
    response = partner.api.get("/me")
    # then it is told its own code, name and website
    assert response.status_code == 200
    assert response.json() == {
        "code": partner.platform.code,
        "name": partner.platform.name,
        "website": partner.platform.website,
    }


def test_an_unsigned_request_is_refused(partner, live_server):
    response = httpx.get(f"{live_server.url}{PREFIX}/me")
    assert response.status_code == 401
    assert error_of(response)["code"] == "signature_required"


def test_a_bad_signature_is_refused_and_changes_nothing(partner):
    # given a request signed with another secret
    response = partner.api.post(
        "/providers",
        json={"external_id": "lp-1", "name": "Lembaga Pelatihan Satu"},
        secret="not-the-secret-of-this-credential-at-all",
    )
    # then it is refused and no provider is registered
    assert response.status_code == 401
    assert error_of(response)["code"] == "invalid_signature"
    assert not Provider.objects.filter(platform=partner.platform).exists()


def test_a_body_changed_after_signing_is_refused(partner):
    request = partner.api.build("POST", "/providers", json_body={"external_id": "a", "name": "A"})
    tampered = partner.api.http.build_request(
        "POST",
        "/providers",
        content=b'{"external_id": "b", "name": "B"}',
        headers=dict(request.headers),
    )
    response = partner.api.http.send(tampered)
    assert response.status_code == 401
    assert error_of(response)["code"] == "invalid_signature"


def test_an_old_timestamp_is_refused(partner):
    response = partner.api.get("/me", timestamp=int(time.time()) - 301)
    assert response.status_code == 401
    assert error_of(response)["code"] == "timestamp_out_of_range"


def test_a_timestamp_from_the_future_is_refused(partner):
    response = partner.api.get("/me", timestamp=int(time.time()) + 3600)
    assert response.status_code == 401
    assert error_of(response)["code"] == "timestamp_out_of_range"


def test_a_reused_nonce_is_refused(partner):
    # given a request that was accepted
    nonce = "a-nonce-used-once-0001"
    assert partner.api.get("/me", nonce=nonce).status_code == 200
    # when the same nonce signs another request
    response = partner.api.get("/me", nonce=nonce)
    # then it is a replay
    assert response.status_code == 401
    assert error_of(response)["code"] == "nonce_reused"


def test_a_revoked_key_is_refused(partner):
    revoke_credential(credential=partner.credential)
    response = partner.api.get("/me")
    assert response.status_code == 401
    assert error_of(response)["code"] == "invalid_credentials"


def test_an_unknown_key_is_refused(partner):
    partner.api.key_id = "bkl_unknown"
    response = partner.api.get("/me")
    assert response.status_code == 401
    assert error_of(response)["code"] == "invalid_credentials"


def test_an_inactive_client_is_refused(partner):
    PartnerClient.objects.filter(pk=partner.platform.client_id).update(is_active=False)
    response = partner.api.get("/me")
    assert response.status_code == 401
    assert error_of(response)["code"] == "invalid_credentials"


def test_a_malformed_nonce_is_refused_naming_the_header(partner):
    response = partner.api.get("/me", nonce="short")
    assert response.status_code == 401
    error = error_of(response)
    assert error["code"] == "signature_required"
    assert error["field"] == "X-Bekal-Nonce"


def test_a_signed_query_string_cannot_be_changed(partner):
    request = partner.api.build("GET", "/courses", params={"limit": "5"})
    changed = partner.api.http.build_request(
        "GET", "/courses", params={"limit": "100"}, headers=dict(request.headers)
    )
    response = partner.api.http.send(changed)
    assert response.status_code == 401
    assert error_of(response)["code"] == "invalid_signature"


def test_messages_are_indonesian_unless_english_is_asked_for(partner, live_server):
    indonesian = httpx.get(f"{live_server.url}{PREFIX}/me")
    english = httpx.get(f"{live_server.url}{PREFIX}/me", headers={"Accept-Language": "en"})
    assert indonesian.headers["Content-Language"] == "id"
    assert english.headers["Content-Language"] == "en"
    assert error_of(indonesian)["message"] == (
        "Tandatangani setiap permintaan: header X-Bekal-Key tidak ada atau tidak valid."
    )
    assert error_of(english)["message"] == (
        "Sign every request: the X-Bekal-Key header is missing or not valid."
    )


def test_an_unknown_address_is_a_json_404(partner):
    response = partner.api.get("/nothing-here")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_a_method_an_address_does_not_take_is_a_json_405(partner):
    response = partner.api.request("DELETE", "/me")
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"
    assert response.headers["Allow"] == "GET"


def test_the_document_and_the_docs_need_no_signature(live_server):
    document = httpx.get(f"{live_server.url}{PREFIX}/openapi.json")
    docs = httpx.get(f"{live_server.url}{PREFIX}/docs")
    assert document.status_code == 200 and document.json()["info"]["title"] == "Bekal partner API"
    assert docs.status_code == 200 and "swagger" in docs.text.lower()


def test_too_many_requests_are_refused_with_retry_after(partner, settings):
    # given a limit of 3 requests a minute
    settings.BEKAL_PARTNER_API_REQUESTS_PER_MINUTE = 3
    # when the platform sends 4
    statuses = [partner.api.get("/me").status_code for _ in range(4)]
    # then the fourth is refused and told when to come back
    assert statuses == [200, 200, 200, 429]
    refused = partner.api.get("/me")
    assert refused.status_code == 429
    assert error_of(refused)["code"] == "rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60


def test_the_limit_is_per_client(new_partner, settings):
    settings.BEKAL_PARTNER_API_REQUESTS_PER_MINUTE = 2
    busy, other = new_partner(), new_partner()
    for _ in range(3):
        busy.api.get("/me")
    assert busy.api.get("/me").status_code == 429
    assert other.api.get("/me").status_code == 200


def test_bad_signatures_count_against_their_key_id_not_the_address(new_partner, settings):
    # given two platforms behind one address (a load balancer), 3 failures a key id
    settings.BEKAL_PARTNER_API_FAILURES_PER_MINUTE = 3
    careless, careful = new_partner(), new_partner()
    # when one sends 3 requests signed with a wrong secret
    failed = [careless.api.get("/me", secret="x" * 40).status_code for _ in range(3)]
    # then they are refused as bad signatures, and its next failing request waits
    assert failed == [401, 401, 401]
    waiting = careless.api.get("/me", secret="x" * 40)
    assert waiting.status_code == 429
    assert error_of(waiting)["code"] == "rate_limited"
    assert 1 <= int(waiting.headers["Retry-After"]) <= 60
    # and the other platform, from the same address, is served
    assert careful.api.get("/me").status_code == 200
    # and so is a request well signed with the failing key id: whoever sent the failures
    # (its key id is no secret), they lock nobody out
    assert careless.api.get("/me").status_code == 200


def test_requests_with_no_usable_key_count_against_the_address_coarsely(
    partner, live_server, settings
):
    # given at most 3 requests with no usable key a minute from one address
    settings.BEKAL_PARTNER_API_ADDRESS_FAILURES_PER_MINUTE = 3
    stranger = SigningClient(live_server.url, key_id="bkl_unknown", secret="s" * 40)
    # when the address sends 3 requests with an unknown key id
    failed = [stranger.get("/me").status_code for _ in range(3)]
    # then they are refused, and the next such request waits
    assert failed == [401, 401, 401]
    waiting = stranger.get("/me")
    assert waiting.status_code == 429
    assert error_of(waiting)["code"] == "rate_limited"
    stranger.close()
    # but a platform with a live key, from the same address, is still heard
    assert partner.api.get("/me").status_code == 200
    assert partner.api.get("/me", secret="x" * 40).status_code == 401


def test_the_address_limit_is_much_higher_than_a_key_ids():
    assert configured.BEKAL_PARTNER_API_ADDRESS_FAILURES_PER_MINUTE >= (
        5 * configured.BEKAL_PARTNER_API_FAILURES_PER_MINUTE
    )


def test_failures_below_the_limit_do_not_stop_good_requests(partner, settings):
    settings.BEKAL_PARTNER_API_FAILURES_PER_MINUTE = 3
    partner.api.get("/me", secret="x" * 40)
    assert partner.api.get("/me").status_code == 200


def test_behind_a_trusted_proxy_the_address_is_the_forwarded_one(live_server, settings):
    # given Bekal behind a trusted load balancer, 3 requests with no usable key an address
    settings.BEKAL_TRUSTED_PROXIES = ["127.0.0.1/32"]
    settings.BEKAL_PARTNER_API_ADDRESS_FAILURES_PER_MINUTE = 3
    stranger = SigningClient(live_server.url, key_id="bkl_unknown", secret="s" * 40)
    one, other = {"X-Forwarded-For": "203.0.113.7"}, {"X-Forwarded-For": "203.0.113.8"}
    # when one client behind it sends 4 requests with an unknown key id
    statuses = [stranger.get("/me", headers=one).status_code for _ in range(4)]
    # then that client waits, and another client behind the same balancer does not
    assert statuses == [401, 401, 401, 429]
    assert stranger.get("/me", headers=other).status_code == 401
    stranger.close()
