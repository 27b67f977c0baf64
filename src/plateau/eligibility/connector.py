"""Client of API Particulier v3 (identity-pivot mode): RSA, complémentaire santé solidaire, quotient familial.

Contract: /work/shared/docs/domain.md §4. Every call sends the bearer token and the ``recipient`` SIRET, respects
the 20 requests/s per token shared by every process (:mod:`.ratelimit`), times out, retries a bounded number of
times with exponential back-off on 429 and 5xx (honouring ``Retry-After``), and goes through a circuit breaker
that fails fast while the service is down. Answers are reduced at once to the few booleans, dates and figures
the rules read (:class:`RsaFacts`, :class:`CssFacts`, :class:`QfFacts`): the raw payload (addresses, children,
names) is never returned, logged or stored.

Errors: :class:`PersonNotFound` (404: ask for the paper proof, never "not eligible"), :class:`AmbiguousIdentity`,
:class:`InvalidRequest` (400/422), and :class:`ServiceUnavailable` (rate limited, timeouts, 5xx, circuit open,
not configured) — the caller files the application as "to re-check".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import random
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx

from plateau.domain.eligibility.identity import IdentityPivot

from .ratelimit import Bucket, LocalBucket, RateLimitExceeded, RedisBucket, bucket_key

log = logging.getLogger(__name__)

RSA = "revenu_solidarite_active"
CSS = "complementaire_sante_solidaire"
QF = "quotient_familial"
RESOURCE_LABELS = {
    RSA: "revenu de solidarité active (CNAV)",
    CSS: "complémentaire santé solidaire (CNAM)",
    QF: "quotient familial (CNAF/MSA)",
}


class ApiParticulierError(Exception):
    kind = "error"
    message = "Erreur d'API Particulier."

    def __init__(self, reason: str = "", code: str = "") -> None:
        self.reason = reason or self.kind
        self.code = code  # the API's error code (e.g. 37003), never its free text about a person
        super().__init__(f"{self.kind}:{self.reason}:{code}")


class PersonNotFound(ApiParticulierError):
    kind = "not_found"
    message = "Personne non trouvée par l'organisme : demander le justificatif papier."


class AmbiguousIdentity(ApiParticulierError):
    kind = "ambiguous"
    message = (
        "Plusieurs personnes correspondent à cette identité : vérifier les prénoms, la date et le lieu de naissance."
    )


class InvalidRequest(ApiParticulierError):
    kind = "invalid"
    message = "L'identité transmise a été refusée par le service : vérifier la saisie."


class ServiceUnavailable(ApiParticulierError):
    kind = "unavailable"
    message = "Service de vérification indisponible : dossier à revérifier."


@dataclass(frozen=True)
class RsaFacts:
    est_beneficiaire: bool
    avec_majoration: bool | None
    date_debut_droit: dt.date | None


@dataclass(frozen=True)
class CssFacts:
    est_beneficiaire: bool
    avec_participation: bool | None
    date_debut_droit: dt.date | None


@dataclass(frozen=True)
class QfFacts:
    valeur: int
    annee: int
    mois: int
    fournisseur: str


@dataclass(frozen=True)
class ClientConfig:
    base_url: str
    token: str
    recipient: str
    timeout: float = 5.0
    retries: int = 2
    rate: float = 18.0
    breaker_failures: int = 5
    breaker_seconds: float = 30.0
    max_wait: float = 2.0  # longest wait for a rate-limit token or a Retry-After before giving up
    budget: float = 15.0  # longest a whole check (every resource, every retry) may keep the advisor waiting
    backoff: float = 0.2  # first retry delay, doubled each time


class CircuitBreaker:
    """Closed → open after ``failures`` consecutive unavailabilities → half-open after ``seconds`` (one trial
    call; success closes, failure opens again). Per process: each process learns the outage on its own calls."""

    def __init__(self, failures: int, seconds: float) -> None:
        self.failures, self.seconds = failures, seconds
        self.count = 0
        self.opened_at: float | None = None
        self.trial = False
        self.lock = threading.Lock()

    @property
    def state(self) -> str:
        if self.opened_at is None:
            return "closed"
        return "half_open" if time.monotonic() - self.opened_at >= self.seconds else "open"

    def allow(self) -> bool:
        with self.lock:
            if self.opened_at is None:
                return True
            if time.monotonic() - self.opened_at >= self.seconds and not self.trial:
                self.trial = True
                return True
            return False

    def success(self) -> None:
        with self.lock:
            self.count, self.opened_at, self.trial = 0, None, False

    def failure(self) -> None:
        with self.lock:
            self.count += 1
            self.trial = False
            if self.count >= self.failures or self.opened_at is not None:
                self.opened_at = time.monotonic()


def _date(value: Any) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


class ApiParticulierClient:
    def __init__(
        self,
        config: ClientConfig,
        *,
        bucket: Bucket | None = None,
        breaker: CircuitBreaker | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.config = config
        self.bucket = bucket or LocalBucket(config.rate)
        # The time by which calls give up (the advisor is waiting): set by start_budget(), none by default.
        self.deadline: float | None = None
        self.breaker = breaker or CircuitBreaker(config.breaker_failures, config.breaker_seconds)
        self.http = httpx.Client(
            base_url=config.base_url.rstrip("/") if config.base_url else "http://unconfigured.invalid",
            timeout=httpx.Timeout(config.timeout),
            transport=transport,
            headers={"Authorization": f"Bearer {config.token}", "Accept": "application/json"},
            follow_redirects=False,
        )

    def close(self) -> None:
        self.http.close()

    def start_budget(self) -> None:
        """From now on, this client's calls and retries stop once ``config.budget`` seconds have passed."""
        self.deadline = time.monotonic() + self.config.budget

    def _remaining(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.monotonic()

    # Resources -------------------------------------------------------------------------------------------
    def rsa(self, identity: IdentityPivot) -> RsaFacts:
        data = self._get(RSA, identity.query_params())
        return RsaFacts(
            est_beneficiaire=bool(data.get("est_beneficiaire")),
            avec_majoration=_bool(data.get("avec_majoration")),
            date_debut_droit=_date(data.get("date_debut_droit")),
        )

    def css(self, identity: IdentityPivot) -> CssFacts:
        data = self._get(CSS, identity.query_params())
        return CssFacts(
            est_beneficiaire=bool(data.get("est_beneficiaire")),
            avec_participation=_bool(data.get("avec_participation")),
            date_debut_droit=_date(data.get("date_debut_droit")),
        )

    def quotient_familial(
        self, identity: IdentityPivot, *, year: int | None = None, month: int | None = None
    ) -> QfFacts:
        params = identity.query_params()
        if year and month:
            params += [("annee", str(year)), ("mois", str(month))]
        data = self._get(QF, params)
        qf = data.get("quotient_familial") or {}
        if not isinstance(qf.get("valeur"), int | float):
            raise ServiceUnavailable("malformed")
        return QfFacts(
            valeur=int(qf["valeur"]),
            annee=int(qf.get("annee") or 0),
            mois=int(qf.get("mois") or 0),
            fournisseur=str(qf.get("fournisseur") or ""),
        )

    # Transport ---------------------------------------------------------------------------------------------
    def _get(self, resource: str, identity_params: list[tuple[str, str]]) -> dict[str, Any]:
        cfg = self.config
        if not cfg.base_url or not cfg.token:
            raise ServiceUnavailable("not_configured")
        if not self.breaker.allow():
            raise ServiceUnavailable("circuit_open")
        params: list[tuple[str, str | int | float | bool | None]] = [("recipient", cfg.recipient), *identity_params]
        last: ServiceUnavailable = ServiceUnavailable("down")
        for attempt in range(cfg.retries + 1):
            delay = cfg.backoff * (2**attempt) * (1 + random.random() / 2)  # noqa: S311 - jitter, not a secret
            remaining = self._remaining()
            if remaining is not None and remaining <= 0.05:
                last = ServiceUnavailable("timeout") if attempt else ServiceUnavailable("budget")
                break
            try:
                self.bucket.acquire(cfg.max_wait if remaining is None else min(cfg.max_wait, remaining))
            except RateLimitExceeded:
                raise ServiceUnavailable("rate_limited") from None  # our own limit: the service is fine
            timeout = cfg.timeout if remaining is None else max(0.05, min(cfg.timeout, remaining))
            try:
                response = self.http.get(f"/v3/dss/{resource}/identite", params=params, timeout=timeout)
            except httpx.TimeoutException:
                last = ServiceUnavailable("timeout")
            except httpx.TransportError:
                last = ServiceUnavailable("down")
            else:
                status = response.status_code
                code = _error_code(response)
                if status == 200:
                    self.breaker.success()
                    return _envelope_data(response)
                if status == 404:
                    self.breaker.success()  # the service answered: this person is not in the provider's file
                    raise PersonNotFound("not_found", code)
                if status == 409:
                    self.breaker.success()
                    raise AmbiguousIdentity("ambiguous", code)
                if status in (400, 422):
                    self.breaker.success()
                    raise InvalidRequest("invalid", code)
                if status in (401, 403):
                    self.breaker.failure()
                    log.error("API Particulier refused the token (%s %s): check the habilitation", status, code)
                    raise ServiceUnavailable("unauthorised", code)
                if status == 429:
                    last = ServiceUnavailable("rate_limited", code)
                    delay = max(delay, _retry_after(response))
                    if delay > cfg.max_wait:
                        break
                elif status >= 500:
                    last = ServiceUnavailable({504: "timeout", 503: "down"}.get(status, "provider_error"), code)
                else:
                    last = ServiceUnavailable("unexpected_status", str(status))
            if attempt < cfg.retries:
                remaining = self._remaining()
                if remaining is not None and delay >= remaining:
                    break
                time.sleep(delay)
        if last.reason not in ("rate_limited", "budget"):
            self.breaker.failure()
        raise last


def _error_code(response: httpx.Response) -> str:
    if response.status_code == 200:
        return ""
    try:
        errors = response.json().get("errors") or []
        return str(errors[0].get("code", "")) if errors else ""
    except (ValueError, AttributeError, IndexError):
        return ""


def _envelope_data(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        raise ServiceUnavailable("malformed") from None
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        raise ServiceUnavailable("malformed")
    return data


def _retry_after(response: httpx.Response) -> float:
    try:
        return max(0.0, float(response.headers.get("retry-after", "0")))
    except ValueError:
        return 0.0


# One circuit breaker and one local bucket per process and per (URL, token).
_shared: dict[str, tuple[CircuitBreaker, LocalBucket]] = {}
_shared_lock = threading.Lock()


def client_from_settings(**overrides: Any) -> ApiParticulierClient:
    """The client the services use, configured by the settings (``API_PARTICULIER_*``, ``REDIS_URL``)."""
    from django.conf import settings

    config = ClientConfig(
        base_url=settings.API_PARTICULIER_URL,
        token=settings.API_PARTICULIER_TOKEN,
        recipient=settings.API_PARTICULIER_RECIPIENT,
        timeout=settings.API_PARTICULIER_TIMEOUT,
        retries=settings.API_PARTICULIER_RETRIES,
        rate=settings.API_PARTICULIER_RATE,
        breaker_failures=settings.API_PARTICULIER_BREAKER_FAILURES,
        breaker_seconds=settings.API_PARTICULIER_BREAKER_SECONDS,
        budget=settings.API_PARTICULIER_CHECK_BUDGET,
    )
    for key, value in overrides.items():
        config = ClientConfig(**{**config.__dict__, key: value})
    ident = hashlib.sha256(f"{config.base_url}|{config.token}".encode()).hexdigest()
    with _shared_lock:
        if ident not in _shared:
            _shared[ident] = (CircuitBreaker(config.breaker_failures, config.breaker_seconds), LocalBucket(config.rate))
        breaker, local = _shared[ident]
    bucket: Bucket = local
    if settings.REDIS_URL:
        import redis

        bucket = RedisBucket(
            redis.Redis.from_url(settings.REDIS_URL),
            bucket_key(settings.PLATEAU_REDIS_PREFIX, config.token),
            config.rate,
        )
    return ApiParticulierClient(config, bucket=bucket, breaker=breaker)


def reset_shared_state() -> None:
    """Forget the per-process breakers and buckets (tests)."""
    with _shared_lock:
        _shared.clear()
