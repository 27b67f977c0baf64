"""Time the pages issue 18 found slow, on a fresh embedded database with the demo loaded.

    .venv/bin/python bench/slow_pages.py [--scale 0.3] [--notes-kb 200]

Each page is fetched twice with Django's test client as ``superviseur.sap`` / the contact's advisor: the first
time (cold: forecasts, imports) and again (what caching buys). Prints seconds per page and request.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.3)
    parser.add_argument("--notes-kb", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("PLATEAU_VAR_DIR", tempfile.mkdtemp(prefix="plateau-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plateau.settings")
    started = time.perf_counter()
    import django

    django.setup()
    print(f"django.setup: {time.perf_counter() - started:.2f} s")
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_demo", scale=args.scale, verbosity=0)
    from plateau.contacts.models import Contact
    from plateau.tenants.models import User

    supervisor = Client(HTTP_HOST="localhost")
    supervisor.force_login(User.objects.get(username="superviseur.sap"))
    contact = Contact.objects.filter(programme__slug="sap-national").exclude(advisor=None).order_by("pk").first()
    assert contact is not None
    contact.notes = ("Le client rappelle au sujet de sa demande d'aide à domicile.\n" * 100000)[: args.notes_kb * 1024]
    contact.save(update_fields=["notes"])
    advisor = Client(HTTP_HOST="localhost")
    advisor.force_login(contact.advisor)
    tomorrow = (timezone.localdate() + timezone.timedelta(days=1)).isoformat()
    base = "/p/sap-national/effectifs"
    pages = {
        "staffing (forecast)": (
            supervisor,
            f"{base}/?forecast_date={tomorrow}&opening=08:00&interval_minutes=30"
            f"&aht=300&service_level=80&answer_time=20&patience=120",
        ),
        "what-if 80,000 (+3 days simulated)": (
            supervisor,
            f"{base}/scenarios/?calls=80000&hours=10&advisors=80&aht=300"
            f"&patience=120&answer_time=20&max_lost=2&simulate=on",
        ),
        "forecast": (
            supervisor,
            f"{base}/prevision/?day={tomorrow}&source=auto&weeks=6&backtest_weeks=2"
            f"&calendar=france&interval_minutes=30",
        ),
        f"contact with {args.notes_kb} kB of notes": (advisor, f"/p/sap-national/contacts/{contact.pk}/"),
    }
    for name, (client, url) in pages.items():
        times = []
        for _ in range(2):
            t = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - t)
            assert response.status_code == 200, (name, response.status_code)
        print(f"{name:40s} first {times[0]:6.2f} s   again {times[1]:6.2f} s   ({len(response.content) // 1024} kB)")


if __name__ == "__main__":
    main()
