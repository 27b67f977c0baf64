"""The API Particulier client against the fake, over HTTP, for each answer and error case."""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid

import pytest
import redis

from plateau.domain.eligibility.identity import IdentityPivot
from plateau.eligibility import connector as api
from plateau.eligibility.ratelimit import RedisBucket, bucket_key
from tests.eligibility.conftest import fake_state

REDIS_URL = "redis://127.0.0.1:6379/0"


def person(name: str, first: str) -> IdentityPivot:
    return IdentityPivot(name, (first,), dt.date(1980, 6, 15), "M", "75107", "99100")


def client(base: str, **options: object) -> api.ApiParticulierClient:
    config = api.ClientConfig(
        **{
            "base_url": base,
            "token": "jeton-de-test",
            "recipient": "13002526500013",
            "timeout": 1.0,
            "retries": 2,
            "backoff": 0.05,
            "breaker_failures": 3,
            "breaker_seconds": 30.0,
            **options,
        }  # type: ignore[arg-type]
    )
    return api.ApiParticulierClient(config)


def test_given_martin_when_asking_each_resource_then_only_the_facts_come_back(fake_api: str) -> None:
    c = client(fake_api)
    rsa = c.rsa(person("Martin", "Samuel"))
    css = c.css(person("MARTIN", "SAMUEL"))
    qf = c.quotient_familial(person("MARTIN", "Samuel"), year=2026, month=10)
    assert rsa == api.RsaFacts(True, True, dt.date(2024, 3, 1))
    assert css == api.CssFacts(True, False, dt.date(2024, 4, 1))
    assert (qf.valeur, qf.fournisseur) == (412, "CNAF")
    assert not hasattr(qf, "adresse") and not hasattr(qf, "allocataires")


def test_given_lagaffe_when_asking_rsa_then_not_a_beneficiary(fake_api: str) -> None:
    assert client(fake_api).rsa(person("LAGAFFE", "Gaston")).est_beneficiaire is False


def test_given_duboche_when_asking_then_not_found_with_the_api_code(fake_api: str) -> None:
    with pytest.raises(api.PersonNotFound) as caught:
        client(fake_api).rsa(person("DUBOCHE", "Jérôme"))
    assert caught.value.code == "37003"


def test_given_an_ambiguous_identity_when_asking_then_ambiguous(fake_api: str) -> None:
    with pytest.raises(api.AmbiguousIdentity):
        client(fake_api).css(person("DOUBLON", "Camille"))


@pytest.mark.parametrize(
    ("name", "first", "reason", "code"),
    [
        ("DESFOUIN", "René", "rate_limited", "00429"),
        ("DELANOUE", "Alice", "provider_error", "37999"),
        ("SITUDI", "Marc", "timeout", "37002"),
    ],
)
def test_given_a_failing_provider_when_asking_then_bounded_retries_then_unavailable(
    fake_api: str, name: str, first: str, reason: str, code: str
) -> None:
    c = client(fake_api, max_wait=1.5)
    with pytest.raises(api.ServiceUnavailable) as caught:
        c.rsa(person(name, first))
    assert (caught.value.reason, caught.value.code) == (reason, code)
    assert fake_state(fake_api)["requests"] == 3  # one call and two retries, no more


def test_given_a_slow_service_when_asking_then_timeout_after_the_retries(fake_api: str) -> None:
    c = client(fake_api, timeout=0.3, retries=1)
    started = time.monotonic()
    with pytest.raises(api.ServiceUnavailable) as caught:
        c.rsa(person("LENTEUR", "Paul"))
    assert caught.value.reason == "timeout"
    assert 0.6 <= time.monotonic() - started < 2.5


def test_given_a_transient_failure_when_asking_then_the_retry_succeeds(fake_api: str) -> None:
    assert client(fake_api).rsa(person("REPRISE", "Jean")).est_beneficiaire is True
    assert fake_state(fake_api)["requests"] == 2


def test_given_the_service_down_when_asking_repeatedly_then_the_breaker_opens_and_fails_fast(fake_api: str) -> None:
    fake_state(fake_api, down=True)
    c = client(fake_api, retries=0, breaker_failures=3)
    for _ in range(3):
        with pytest.raises(api.ServiceUnavailable) as caught:
            c.rsa(person("MARTIN", "Samuel"))
        assert caught.value.reason == "down"
    with pytest.raises(api.ServiceUnavailable) as caught:
        c.rsa(person("MARTIN", "Samuel"))
    assert caught.value.reason == "circuit_open"
    assert fake_state(fake_api)["requests"] == 3  # the fourth call never left
    assert c.breaker.state == "open"


def test_given_the_breaker_half_open_when_the_service_is_back_then_it_closes(fake_api: str) -> None:
    fake_state(fake_api, down=True)
    c = client(fake_api, retries=0, breaker_failures=1, breaker_seconds=0.2)
    with pytest.raises(api.ServiceUnavailable):
        c.rsa(person("MARTIN", "Samuel"))
    fake_state(fake_api, down=False)
    time.sleep(0.25)
    assert c.rsa(person("MARTIN", "Samuel")).est_beneficiaire is True
    assert c.breaker.state == "closed"


def test_given_nothing_listening_when_asking_then_unavailable_down() -> None:
    from tests.web.server import free_port

    with pytest.raises(api.ServiceUnavailable) as caught:
        client(f"http://127.0.0.1:{free_port()}", retries=1).rsa(person("MARTIN", "Samuel"))
    assert caught.value.reason == "down"


def test_given_no_url_configured_when_asking_then_unavailable_not_configured() -> None:
    with pytest.raises(api.ServiceUnavailable) as caught:
        client("").rsa(person("MARTIN", "Samuel"))
    assert caught.value.reason == "not_configured"


def test_given_two_processes_sharing_a_token_when_bursting_then_the_redis_bucket_keeps_under_20_per_second(
    fake_api: str,
) -> None:
    """Two clients with their own Redis connections (as two processes would) draw from one bucket: the fake,
    which refuses a 21st request within a second, never answers 429."""
    prefix = f"plateau-test-{uuid.uuid4().hex[:8]}"
    key = bucket_key(prefix, "jeton-de-test")
    clients = [
        api.ApiParticulierClient(
            api.ClientConfig(base_url=fake_api, token="jeton-de-test", recipient="13002526500013", retries=0),
            bucket=RedisBucket(redis.Redis.from_url(REDIS_URL), key, 18),
        )
        for _ in range(2)
    ]
    failures: list[BaseException] = []

    def burst(c: api.ApiParticulierClient) -> None:
        try:
            for _ in range(20):  # 40 in all: twice the service's limit per second
                c.rsa(person("MARTIN", "Samuel"))
        except BaseException as exc:
            failures.append(exc)

    started = time.monotonic()
    threads = [threading.Thread(target=burst, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    elapsed = time.monotonic() - started
    state = fake_state(fake_api)
    assert failures == []
    assert (state["requests"], state["rate_limited"]) == (40, 0)
    assert elapsed >= 39 / 18 - 0.05  # 40 requests evenly spaced at 18/s
    redis.Redis.from_url(REDIS_URL).delete(key)
