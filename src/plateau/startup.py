"""Fail closed: a production process (``DATABASE_URL`` set, or ``PLATEAU_PRODUCTION=1``) refuses to start with
the public demo key, and ``plateau run`` refuses to serve the shared demo password beyond this machine.

Every entry point calls :func:`refuse_unsafe_start` once Django is set up: the ``plateau`` command (web, router,
manage, run, simulate), ``plateau sip``, ``manage.py`` and the ASGI/WSGI modules. The system check
``plateau.E001`` says the same to ``manage.py check``.
"""

from __future__ import annotations

import ipaddress
import sys

NO_KEY_MESSAGE = (
    "PLATEAU_SECRET_KEY is not set: this is a production process (DATABASE_URL or PLATEAU_PRODUCTION=1), and the "
    'built-in key is public. Set PLATEAU_SECRET_KEY to a long random value (e.g. `python -c "import secrets; '
    'print(secrets.token_urlsafe(50))"`) shared by every process of the deployment.'
)


def production_problems() -> list[str]:
    from django.conf import settings

    if settings.PLATEAU_PRODUCTION and settings.SECRET_KEY == settings.DEMO_SECRET_KEY:
        return [NO_KEY_MESSAGE]
    return []


def refuse_unsafe_start() -> None:
    if problems := production_problems():
        for problem in problems:
            print(f"plateau: refusing to start. {problem}", file=sys.stderr)
        raise SystemExit(2)


def is_loopback(host: str) -> bool:
    if host in ("localhost", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


def accounts_with_demo_password() -> list[str]:
    """Users who can still log in with the shared, published demo password."""
    from django.contrib.auth.hashers import check_password

    from plateau.demo.programmes import DEMO_PASSWORD
    from plateau.tenants.models import User

    by_hash: dict[str, list[str]] = {}
    for username, encoded in User.objects.filter(is_active=True).values_list("username", "password"):
        by_hash.setdefault(encoded, []).append(username)
    # The demo loader hashes the password once for all its accounts: one slow hash check per distinct hash.
    return sorted(
        name for encoded, names in by_hash.items() if check_password(DEMO_PASSWORD, encoded) for name in names
    )


def refuse_exposed_demo(host: str, *, allow: bool) -> None:
    """``plateau run --host`` beyond loopback while demo accounts keep the published password: refuse, unless
    ``--expose-demo`` (or ``PLATEAU_EXPOSE_DEMO=1``) says the operator knows."""
    if allow or is_loopback(host):
        return
    if exposed := accounts_with_demo_password():
        print(
            f"plateau: refusing to serve on {host}: {len(exposed)} account(s) ({', '.join(exposed[:3])}…) still "
            "have the shared demo password, which is published in the README, so anyone on the network could log "
            "in. Serve on 127.0.0.1, change those passwords (`plateau manage changepassword USER`), run with "
            "--no-demo on a fresh database, or pass --expose-demo (make run HOST=0.0.0.0 EXPOSE_DEMO=1) if this "
            "network is yours alone.",
            file=sys.stderr,
        )
        raise SystemExit(2)
