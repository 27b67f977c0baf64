"""SIP dialogs (RFC 3261 §12) and the advisor phones' registrar (REGISTER with digest authentication)."""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field

from plateau.services.sip import digest
from plateau.services.sip import message as sipmsg
from plateau.services.sip.message import SipMessage

Addr = tuple[str, int]


@dataclass
class Dialog:
    """One side of a call as seen by us; ``request`` builds the next in-dialog request."""

    call_id: str
    local_party: str  # our From value, with our tag
    remote_party: str  # their To value, with their tag once known
    remote_target: str  # their Contact URI
    addr: Addr
    local_host: str
    local_port: int
    local_cseq: int = 1
    contact: str = ""
    remote_cseq: int | None = None  # the highest CSeq of their requests in this dialog (None: none yet)

    @functools.cached_property
    def local_tag(self) -> str | None:  # the parties never change once the dialog exists
        return sipmsg.tag_of(self.local_party)

    @functools.cached_property
    def remote_tag(self) -> str | None:
        return sipmsg.tag_of(self.remote_party)

    def matches(self, msg: SipMessage) -> bool:
        """An incoming request belongs to this dialog only with its Call-ID and both tags (RFC 3261 §12.2.2):
        the Call-ID alone is no secret, and a BYE with someone else's tags must never end this call."""
        return msg.call_id == self.call_id and msg.from_tag == self.remote_tag and msg.to_tag == self.local_tag

    def in_order(self, msg: SipMessage) -> bool:
        """A new in-dialog request must carry a CSeq above the last one they sent (RFC 3261 §12.2.2: else 500);
        ACK and CANCEL repeat their INVITE's. A request in order becomes the last one."""
        if msg.method in ("ACK", "CANCEL"):
            return True
        if self.remote_cseq is not None and msg.cseq <= self.remote_cseq:
            return False
        self.remote_cseq = msg.cseq
        return True

    @classmethod
    def as_uas(cls, invite: SipMessage, local_tag: str, source: Addr, host: str, port: int) -> Dialog:
        contacts = invite.headers("Contact")
        target = sipmsg.uri_of(contacts[0]) if contacts else sipmsg.uri_of(invite.header("From") or "")
        try:
            addr = sipmsg.hostport_of(target)
        except ValueError:
            addr = source
        local = (invite.header("To") or "") + f";tag={local_tag}"
        return cls(invite.call_id, local, invite.header("From") or "", target, addr, host, port, 0,
                   remote_cseq=invite.cseq)  # fmt: skip

    def request(
        self,
        method: str,
        *,
        extra: list[tuple[str, str]] | None = None,
        body: bytes = b"",
        content_type: str | None = None,
        cseq: int | None = None,
        branch: str | None = None,
    ) -> tuple[str, bytes]:
        if cseq is None:
            self.local_cseq += 1
            cseq = self.local_cseq
        branch = branch or sipmsg.new_branch()
        data = sipmsg.request(
            method, self.remote_target, via_host=self.local_host, via_port=self.local_port, branch=branch,
            from_=self.local_party, to=self.remote_party, call_id=self.call_id, cseq=cseq,
            contact=self.contact or None, extra=extra, body=body, content_type=content_type,
        )  # fmt: skip
        return branch, data


@dataclass
class Binding:
    contact: str
    addr: Addr
    expires_at: float


@dataclass
class Registrar:
    """Where each advisor's phone can be reached: REGISTERed bindings and static contacts."""

    realm: str = "plateau"
    ha1_of: dict[str, str] = field(default_factory=dict)
    static: dict[str, str] = field(default_factory=dict)
    nonces: digest.NonceFactory = field(default_factory=digest.NonceFactory)
    bindings: dict[str, Binding] = field(default_factory=dict)

    def add_account(self, user: str, password: str) -> None:
        self.ha1_of[user] = digest.ha1(user, self.realm, password)

    def lookup(self, advisor: str) -> tuple[str, Addr] | None:
        binding = self.bindings.get(advisor)
        if binding is not None and binding.expires_at > time.time():
            return binding.contact, binding.addr
        uri = self.static.get(advisor) or (advisor if advisor.startswith("sip:") else None)
        if uri is None:
            return None
        try:
            return uri, sipmsg.hostport_of(uri)
        except ValueError:
            return None

    def advisors(self) -> list[str]:
        now = time.time()
        return sorted({*self.static, *(u for u, b in self.bindings.items() if b.expires_at > now)})

    def register(self, msg: SipMessage, source: Addr) -> tuple[int, list[tuple[str, str]], str | None]:
        """Status, extra headers and the registered user (or None) for a REGISTER."""
        user = digest.verify(msg.header("Authorization"), "REGISTER", self.realm, self.ha1_of, self.nonces)
        if user is None:
            return 401, [("WWW-Authenticate", digest.challenge(self.realm, self.nonces.new()))], None
        if sipmsg.user_of(sipmsg.uri_of(msg.header("To") or "")) != user:
            return 403, [], None
        contacts = msg.headers("Contact")
        raw_expires = (msg.header("Expires") or "3600").strip()
        expires = int(raw_expires) if raw_expires.isdigit() else 3600
        if (contacts and contacts[0].strip() == "*") or (expires == 0 and not contacts):
            self.bindings.pop(user, None)
            return 200, [], user
        if contacts:
            value = contacts[0]
            if ";expires=" in value:
                tail = value.split(";expires=", 1)[1].split(";", 1)[0].strip()
                expires = int(tail) if tail.isdigit() else expires
            contact = sipmsg.uri_of(value)
            if expires == 0:
                self.bindings.pop(user, None)
                return 200, [], user
            expires = min(expires, 3600)
            try:
                addr = sipmsg.hostport_of(contact)
            except ValueError:
                addr = source
            self.bindings[user] = Binding(contact, addr, time.time() + expires)
            return 200, [("Contact", f"<{contact}>;expires={expires}")], user
        binding = self.bindings.get(user)
        return 200, ([("Contact", f"<{binding.contact}>")] if binding else []), user
