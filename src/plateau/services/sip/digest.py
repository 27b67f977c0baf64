"""Pure HTTP digest authentication (RFC 2617/8760 MD5, qop=auth) for advisor phones' REGISTER."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from sipmessage.auth import AuthCredentials


def _md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def ha1(username: str, realm: str, password: str) -> str:
    """What a registrar stores instead of the password."""
    return _md5(f"{username}:{realm}:{password}")


class NonceFactory:
    """Stateless nonces: timestamp + HMAC, valid ``lifetime`` seconds."""

    def __init__(self, lifetime: float = 300.0, key: bytes | None = None) -> None:
        self._key = key or secrets.token_bytes(32)
        self.lifetime = lifetime

    def new(self, now: float | None = None) -> str:
        stamp = f"{(time.time() if now is None else now):.0f}"
        return stamp + "." + hmac.new(self._key, stamp.encode(), "sha256").hexdigest()[:24]

    def fresh(self, nonce: str, now: float | None = None) -> bool:
        stamp, _, mac = nonce.partition(".")
        good = hmac.new(self._key, stamp.encode(), "sha256").hexdigest()[:24]
        if not stamp.isdigit() or not hmac.compare_digest(mac, good):
            return False
        return (time.time() if now is None else now) - int(stamp) <= self.lifetime


def challenge(realm: str, nonce: str) -> str:
    return f'Digest realm="{realm}", nonce="{nonce}", algorithm=MD5, qop="auth"'


def expected_response(ha1_hex: str, method: str, params: dict[str, str]) -> str:
    ha2 = _md5(f"{method}:{params.get('uri', '')}")
    if params.get("qop"):
        return _md5(f"{ha1_hex}:{params['nonce']}:{params.get('nc', '')}:{params.get('cnonce', '')}:auth:{ha2}")
    return _md5(f"{ha1_hex}:{params['nonce']}:{ha2}")


def credentials(header: str | None) -> dict[str, str] | None:
    """The parameters of an ``Authorization: Digest …`` header, or None when absent or unreadable."""
    if not header:
        return None
    try:
        parsed = AuthCredentials.parse(header)
    except ValueError:
        return None
    if parsed.scheme.lower() != "digest" or parsed.parameters is None:
        return None
    return dict(parsed.parameters)


def verify(header: str | None, method: str, realm: str, ha1_of: dict[str, str], nonces: NonceFactory) -> str | None:
    """The authenticated username, or None (then challenge again)."""
    params = credentials(header)
    if params is None or params.get("realm") != realm or "nonce" not in params or "response" not in params:
        return None
    user = params.get("username", "")
    if user not in ha1_of or not nonces.fresh(params["nonce"]):
        return None
    good = expected_response(ha1_of[user], method, params)
    return user if hmac.compare_digest(good, params["response"].lower()) else None


def authorization(username: str, password: str, realm: str, nonce: str, method: str, uri: str) -> str:
    """A client's Authorization header (used by tests and by outbound registrations)."""
    cnonce = secrets.token_hex(8)
    params = {"nonce": nonce, "uri": uri, "qop": "auth", "nc": "00000001", "cnonce": cnonce}
    resp = expected_response(ha1(username, realm, password), method, params)
    return (
        f'Digest username="{username}", realm="{realm}", nonce="{nonce}", uri="{uri}", response="{resp}", '
        f'algorithm=MD5, qop=auth, nc=00000001, cnonce="{cnonce}"'
    )
