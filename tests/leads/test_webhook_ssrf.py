"""Issue 16, item 1: a provider's webhook URL must never reach our own network (SSRF). By default only public
https addresses pass, at registration and again at every delivery; tests allow 127.0.0.1 explicitly
(``local_webhooks``). Redirects are not followed; the answer is read up to a bound, within a time-out."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from plateau.leads import integrations, services
from plateau.leads.models import WebhookDelivery, WebhookEndpoint
from plateau.leads.outbound import UnsafeWebhookUrl, check_url
from plateau.leads.webhooks import deliver_due
from tests.leads import builders
from tests.leads.builders import T0
from tests.leads.conftest import Receiver

pytestmark = pytest.mark.usefixtures("reference_data")

INTERNAL = [
    "https://127.0.0.1/hook",
    "https://127.1.2.3:8443/hook",
    "https://localhost/hook",  # resolved by /etc/hosts: no network needed
    "https://10.0.0.5/hook",
    "https://172.16.3.4/hook",
    "https://192.168.1.10/hook",
    "https://100.64.0.1/hook",  # carrier-grade NAT (and some clouds' metadata)
    "https://169.254.169.254/latest/meta-data/",  # cloud metadata
    "https://0.0.0.0/hook",
    "https://224.0.0.1/hook",  # multicast
    "https://240.0.0.1/hook",  # reserved
    "https://[::1]/hook",
    "https://[::ffff:127.0.0.1]/hook",  # IPv4-mapped loopback
    "https://[fe80::1]/hook",
    "https://[fd00:ec2::254]/hook",  # AWS metadata over IPv6 (unique local)
    "https://[ff02::1]/hook",
]


@pytest.mark.parametrize("url", INTERNAL)
def test_given_default_settings_when_a_webhook_targets_an_internal_address_then_refused(url: str) -> None:
    with pytest.raises(UnsafeWebhookUrl):
        check_url(url)


@pytest.mark.parametrize(
    "url", ["http://93.184.216.34/hook", "ftp://93.184.216.34/x", "https://user:pw@93.184.216.34/", "https:///x"]
)
def test_given_default_settings_when_not_a_plain_https_url_then_refused(url: str) -> None:
    with pytest.raises(UnsafeWebhookUrl):
        check_url(url)


def test_given_a_public_https_address_then_accepted_and_pinned() -> None:
    target = check_url("https://93.184.216.34:8443/hook?x=1")
    assert (target.address, target.port, target.path, target.scheme) == ("93.184.216.34", 8443, "/hook?x=1", "https")


def test_given_the_allow_list_then_only_the_listed_network_passes(settings: Any) -> None:
    settings.WEBHOOKS_ALLOW_HTTP = True
    settings.WEBHOOKS_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    assert check_url("http://127.0.0.1:8199/hook").address == "127.0.0.1"
    for url in ("http://127.0.0.2/hook", "http://10.0.0.1/hook", "http://169.254.169.254/"):
        with pytest.raises(UnsafeWebhookUrl):
            check_url(url)


def test_given_a_provider_user_registering_a_loopback_webhook_then_refused_with_the_reason() -> None:
    net = builders.network(providers=1)
    c = Client()
    c.force_login(net.provider_users[0])
    page = reverse("leads:integration", args=[net.programme.slug])
    answer = c.post(page, {"action": "webhook", "url": "https://127.0.0.1:8199/steal"}).content.decode()
    assert "adresse interne ou réservée" in answer and 'id="secret-value"' not in answer
    assert not WebhookEndpoint.objects.exists()


def test_given_an_endpoint_that_became_internal_when_delivering_then_nothing_is_sent(
    settings: Any, receiver: tuple[str, type[Receiver]]
) -> None:
    # Registered while 127.0.0.1 was allowed; by delivery time it is not (as if the name now resolved inside).
    url, handler = receiver
    net = builders.network(providers=1)
    integrations.register_webhook(net.providers[0], actor=net.provider_users[0], url=url, events=[])
    services.forward_request(builders.contact_with_need(net), actor=net.advisor, consent=True, now=T0)
    settings.WEBHOOKS_ALLOWED_NETWORKS = []
    assert deliver_due(T0) == (0, 1)
    assert handler.received == []
    assert "adresse interne" in WebhookDelivery.objects.get().last_error


class _Tricky(http.server.BaseHTTPRequestHandler):
    """Answers with a redirect (to ``location``), a huge body or too late, depending on the path."""

    location = "/elsewhere"

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", type(self).location)
            self.end_headers()
        elif self.path == "/huge":
            self.send_response(200)
            self.end_headers()
            try:
                for _ in range(2000):  # 64 MiB offered; the client reads 64 KiB and hangs up
                    self.wfile.write(b"x" * 32768)
            except OSError:
                pass
        elif self.path == "/drip":  # a byte every 0.2 s: each read is quick, the whole answer endless
            self.send_response(200)
            self.end_headers()
            try:
                for _ in range(1000):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.2)
            except OSError:
                pass
        else:  # /slow
            time.sleep(3)
            self.send_response(200)
            self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def tricky(local_webhooks: None) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Tricky)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def _one_delivery(url: str) -> None:
    net = builders.network(providers=1)
    WebhookEndpoint.objects.create(programme=net.programme, provider=net.providers[0], url=url, secret="s")
    services.forward_request(builders.contact_with_need(net), actor=net.advisor, consent=True, now=T0)


def test_given_a_redirect_then_not_followed(tricky: str, receiver: tuple[str, type[Receiver]]) -> None:
    _Tricky.location = receiver[0]  # a redirect to another (allowed) address: still not followed
    _one_delivery(f"{tricky}/redirect")
    assert deliver_due(T0) == (0, 1)
    assert WebhookDelivery.objects.get().last_error == "HTTP 302"
    assert receiver[1].received == []


def test_given_a_huge_or_slow_answer_then_bounded_in_size_and_time(tricky: str) -> None:
    _one_delivery(f"{tricky}/huge")
    started = time.monotonic()
    assert deliver_due(T0, timeout=5) == (1, 0)
    WebhookDelivery.objects.all().delete()
    _one_delivery(f"{tricky}/slow")
    assert deliver_due(T0, timeout=0.5) == (0, 1)
    assert "timed out" in WebhookDelivery.objects.get().last_error
    WebhookDelivery.objects.all().delete()
    _one_delivery(f"{tricky}/drip")
    dripping = time.monotonic()
    assert deliver_due(T0, timeout=0.5) == (0, 1)  # cut after 2 x 0.5 s, not 200 s of drip
    assert time.monotonic() - dripping < 5
    assert time.monotonic() - started < 15


def test_given_the_admin_form_then_an_internal_address_is_refused_there_too() -> None:
    from plateau.leads.admin import WebhookEndpointForm

    net = builders.network(providers=1)
    data = {"programme": net.programme.pk, "provider": net.providers[0].pk, "secret": "s", "inbound_secret": "i"}
    data |= {"events": "[]", "is_active": "on"}
    refused = WebhookEndpointForm(data={**data, "url": "https://169.254.169.254/latest/"})
    assert not refused.is_valid() and "adresse interne" in str(refused.errors["url"])
    assert WebhookEndpointForm(data={**data, "url": "https://93.184.216.34/hook"}).is_valid()
