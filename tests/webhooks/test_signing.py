"""The reference verifier receivers can copy: right secret, untouched body, fresh timestamp."""

from __future__ import annotations

import hashlib
import hmac

from app.webhooks.signing import signature_header, verify

SECRET = "whsec_test-secret"
BODY = b'{"id":1,"event":"article.published"}'


def test_a_signature_is_hmac_sha256_of_the_timestamp_dot_body():
    header = signature_header(SECRET, BODY, timestamp=1_790_000_000)
    expected = hmac.new(SECRET.encode(), b"1790000000." + BODY, hashlib.sha256).hexdigest()
    assert header == f"t=1790000000,v1={expected}"


def test_verify_accepts_a_fresh_signature_and_refuses_tampering_wrong_secret_and_replays():
    header = signature_header(SECRET, BODY, timestamp=1_790_000_000)
    assert verify(SECRET, header, BODY, now=1_790_000_100)
    assert not verify(SECRET, header, BODY + b" ", now=1_790_000_100)
    assert not verify("whsec_other", header, BODY, now=1_790_000_100)
    assert not verify(SECRET, header, BODY, now=1_790_000_301)  # older than the 300 s tolerance
    assert verify(SECRET, header, BODY, now=1_790_000_301, tolerance_seconds=600)
    assert not verify(SECRET, "t=oops", BODY, now=1_790_000_000)
    assert not verify(SECRET, "", BODY, now=1_790_000_000)
