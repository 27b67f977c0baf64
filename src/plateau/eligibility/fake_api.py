"""A local fake of API Particulier v3 (identity-pivot mode), for the demo and the tests: ``plateau fake-api``.

It serves the contract of /work/shared/docs/domain.md §4 — ``GET /v3/dss/<resource>/identite`` with a bearer
token, the ``recipient`` SIRET and the identity-pivot query parameters, answers in the ``{"data","links","meta"}``
envelope, errors as ``{"errors": [{code, title, detail, source, meta: {provider}}]}`` — from fixtures built on
the public staging identities (MARTIN Samuel, LAGAFFE Gaston, DUBOCHE Jérôme, DESFOUIN René, DELANOUE, SITUDI)
and a few of our own for the cases staging does not cover. Like the real service it refuses more than 20
requests per second per token (429). It never runs in production and imports nothing of Django.

Persons are matched on the birth name and the first first name, as the staging fixtures are.
A control endpoint ``POST /__fake__/state`` (JSON ``{"down": true}``, ``{"reset": true}``) lets a test take the
whole service down (503 on every call) and bring it back.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import unicodedata
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

RESOURCES = ("revenu_solidarite_active", "complementaire_sante_solidaire", "quotient_familial")
RATE_LIMIT_PER_SECOND = 20
SLOW_SECONDS = 3.0
IDENTITY_PARAMS = ("nomNaissance", "prenoms[]", "anneeDateNaissance", "moisDateNaissance", "sexeEtatCivil")

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


def _error(status: int, code: str, title: str, detail: str, provider: str = "CNAV") -> tuple[int, dict[str, Any]]:
    return status, {
        "errors": [{"code": code, "title": title, "detail": detail, "source": None, "meta": {"provider": provider}}]
    }


NOT_FOUND = _error(404, "37003", "Entité non trouvée", "Dossier allocataire absent CNAV.")
TOO_MANY = _error(429, "00429", "Trop de requêtes", "Vous avez effectué trop de requêtes.", provider="API Particulier")
BAD_GATEWAY = _error(502, "37999", "Erreur inconnue du fournisseur de données", "Erreur inconnue du fournisseur.")
TIMEOUT = _error(504, "37002", "Le fournisseur de données ne répond pas", "Délai d'attente du fournisseur dépassé.")
# Not documented for the real service [assumption]: several persons match the identity pivot.
AMBIGUOUS = _error(409, "37005", "Identité ambiguë", "Plusieurs individus correspondent à l'identité transmise.")
DOWN = _error(503, "00503", "Service indisponible", "API Particulier est en maintenance.", provider="API Particulier")


def _rsa(beneficiary: bool, majoration: bool | None = None, since: str | None = None) -> dict[str, Any]:
    return {"est_beneficiaire": beneficiary, "avec_majoration": majoration, "date_debut_droit": since}


def _css(beneficiary: bool, participation: bool | None = None, since: str | None = None) -> dict[str, Any]:
    return {"est_beneficiaire": beneficiary, "avec_participation": participation, "date_debut_droit": since}


def _qf(value: int, year: int = 2026, month: int = 10) -> dict[str, Any]:
    return {
        "quotient_familial": {
            "fournisseur": "CNAF",
            "valeur": value,
            "annee": year,
            "mois": month,
            "annee_calcul": year,
            "mois_calcul": month,
        },
        # Present in the real answer, never stored by Plateau (data minimisation): the client reads only the QF.
        "allocataires": [
            {
                "nom_naissance": "FICTIF",
                "nom_usage": None,
                "prenoms": "PERSONNE",
                "date_naissance": "1980-01-01",
                "sexe": "F",
            }
        ],
        "enfants": [],
        "adresse": {
            "destinataire": "FICTIF",
            "numero_libelle_voie": "1 RUE DE L'EXEMPLE",
            "code_postal_ville": "75001 PARIS",
            "pays": "FRANCE",
        },
    }


# (birth name, first first name) -> resource -> data dict, or an error (status, body), or "slow".
PERSONS: dict[tuple[str, str], dict[str, Any]] = {
    # Staging identities (etalab siade_staging_data, RSA README).
    ("MARTIN", "SAMUEL"): {
        "revenu_solidarite_active": _rsa(True, True, "2024-03-01"),
        "complementaire_sante_solidaire": _css(True, False, "2024-04-01"),
        "quotient_familial": _qf(412),
    },
    ("LAGAFFE", "GASTON"): {
        "revenu_solidarite_active": _rsa(False),
        "complementaire_sante_solidaire": _css(False),
        "quotient_familial": _qf(1480),
    },
    ("DUBOCHE", "JEROME"): dict.fromkeys(RESOURCES, NOT_FOUND),
    ("DESFOUIN", "RENE"): dict.fromkeys(RESOURCES, TOO_MANY),
    ("DELANOUE", "*"): dict.fromkeys(RESOURCES, BAD_GATEWAY),
    ("SITUDI", "*"): dict.fromkeys(RESOURCES, TIMEOUT),
    # Our own fictitious persons for the cases the staging data does not show.
    ("ROUSSEAU", "CLAIRE"): {  # CSS without participation, no RSA: 75 %
        "revenu_solidarite_active": _rsa(False),
        "complementaire_sante_solidaire": _css(True, False, "2025-09-01"),
        "quotient_familial": _qf(910),
    },
    ("DOUBLON", "CAMILLE"): dict.fromkeys(RESOURCES, AMBIGUOUS),
    ("LENTEUR", "PAUL"): dict.fromkeys(RESOURCES, "slow"),
    ("REPRISE", "JEAN"): dict.fromkeys(RESOURCES, "flaky"),  # 502 on the first call, then as MARTIN
}


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper().strip()


class FakeState:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down = False
        self.calls: dict[str, int] = defaultdict(int)  # per person key, for "flaky"
        self.recent: dict[str, deque[float]] = defaultdict(deque)  # token -> request times (last second)
        self.requests = 0
        self.rate_limited = 0

    def reset(self) -> None:
        with self.lock:
            self.down = False
            self.calls.clear()
            self.recent.clear()
            self.requests = self.rate_limited = 0

    def over_rate(self, token: str) -> bool:
        now = time.monotonic()
        with self.lock:
            self.requests += 1
            window = self.recent[token]
            while window and now - window[0] >= 1.0:
                window.popleft()
            if len(window) >= RATE_LIMIT_PER_SECOND:
                self.rate_limited += 1
                return True
            window.append(now)
            return False


def answer(state: FakeState, path: str, query: dict[str, list[str]], headers: dict[str, str]) -> tuple[int, Any]:
    """The fake's answer to one request: (status, JSON body), or (-1, …) for "sleep then answer"."""
    parts = path.strip("/").split("/")
    if len(parts) != 4 or parts[:2] != ["v3", "dss"] or parts[3] != "identite" or parts[2] not in RESOURCES:
        return _error(404, "00404", "Ressource introuvable", f"Aucune ressource à l'adresse {path}.", "API Particulier")
    resource = parts[2]
    auth = headers.get("authorization", "")
    if not auth.startswith("Bearer ") or not auth[7:].strip():
        return _error(401, "00101", "Non authentifié", "Le jeton d'accès est absent ou invalide.", "API Particulier")
    token = auth[7:].strip()
    recipient = (query.get("recipient") or [""])[0]
    if not (recipient.isdigit() and len(recipient) == 14):
        return _error(
            422, "00210", "Entité non traitable", "Le paramètre recipient doit être un numéro SIRET.", "API Particulier"
        )
    missing = [p for p in IDENTITY_PARAMS if not query.get(p)]
    if missing:
        return _error(
            422, "00211", "Entité non traitable", f"Paramètres manquants : {', '.join(missing)}.", "API Particulier"
        )
    if state.over_rate(token):
        return TOO_MANY
    if state.down:
        return DOWN
    name, first = _plain(query["nomNaissance"][0]), _plain(query["prenoms[]"][0])
    person = PERSONS.get((name, first)) or PERSONS.get((name, "*"))
    if person is None:
        return NOT_FOUND
    outcome = person[resource]
    if outcome == "slow":
        return -1, {"data": PERSONS[("MARTIN", "SAMUEL")][resource], "links": {}, "meta": {}}
    if outcome == "flaky":
        with state.lock:
            state.calls[f"{name}/{resource}"] += 1
            first_call = state.calls[f"{name}/{resource}"] == 1
        if first_call:
            return BAD_GATEWAY
        outcome = PERSONS[("MARTIN", "SAMUEL")][resource]
    if isinstance(outcome, tuple):
        return outcome
    return 200, {"data": outcome, "links": {}, "meta": {}}


def make_app(state: FakeState | None = None) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    """The ASGI application (served by uvicorn)."""
    state = state or FakeState()

    async def respond(send: Send, status: int, body: Any, extra: list[tuple[bytes, bytes]] | None = None) -> None:
        payload = json.dumps(body, ensure_ascii=False).encode()
        headers = [
            (b"content-type", b"application/json; charset=utf-8"),
            (b"content-length", str(len(payload)).encode()),
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers + (extra or [])})
        await send({"type": "http.response.body", "body": payload})

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                pass
            return
        if scope["type"] != "http":
            return
        path = scope["path"]
        if path == "/__fake__/state" and scope["method"] == "POST":
            body = b""
            while True:
                message = await receive()
                body += message.get("body", b"")
                if not message.get("more_body"):
                    break
            order = json.loads(body or b"{}")
            if order.get("reset"):
                state.reset()
            if "down" in order:
                state.down = bool(order["down"])
            await respond(
                send, 200, {"down": state.down, "requests": state.requests, "rate_limited": state.rate_limited}
            )
            return
        if path == "/__fake__/state":
            await respond(
                send, 200, {"down": state.down, "requests": state.requests, "rate_limited": state.rate_limited}
            )
            return
        if scope["method"] != "GET":
            await respond(
                send, *_error(405, "00405", "Méthode non autorisée", "Seul GET est servi.", "API Particulier")
            )
            return
        query = parse_qs(scope.get("query_string", b"").decode(), keep_blank_values=False)
        headers = {k.decode().lower(): v.decode() for k, v in scope.get("headers", [])}
        status, body = answer(state, path, query, headers)
        if status == -1:
            await asyncio.sleep(SLOW_SECONDS)
            status = 200
        extra = [(b"retry-after", b"1")] if status == 429 else None
        await respond(send, status, body, extra)

    return app


app = make_app()


def serve(host: str = "127.0.0.1", port: int = 8790) -> None:
    """Run the fake in the foreground (``plateau fake-api``)."""
    import uvicorn

    print(f"Faux API Particulier sur http://{host}:{port}/v3/dss/… (jeton : n'importe lequel)", flush=True)
    uvicorn.run(make_app(), host=host, port=port, log_level="warning", lifespan="off")


def serve_in_thread(host: str, port: int) -> Any:
    """Run the fake in a daemon thread (``plateau run``); returns the uvicorn server (``should_exit`` stops it)."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(make_app(), host=host, port=port, log_level="warning", lifespan="off"))
    threading.Thread(target=server.run, name="fake-api-particulier", daemon=True).start()
    return server
