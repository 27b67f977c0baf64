"""Requests inside a dialog (RFC 3261 §12.2.2): matched by Call-ID and both tags (else 481), in CSeq order
(else 500), then handled for the caller's dialog (BYE, INFO keys, NOTIFY of a transfer, re-INVITE/UPDATE) or the
advisor's (BYE, REFER, INFO keys, re-INVITE/UPDATE)."""

from __future__ import annotations

import time

from plateau.services.sip import events as ev
from plateau.services.sip import message as sipmsg
from plateau.services.sip import rtp
from plateau.services.sip.calls import ALLOW, Call
from plateau.services.sip.core import GatewayCore
from plateau.services.sip.dialog import Dialog
from plateau.services.sip.transport import ServerTransaction


class InDialog(GatewayCore):
    """The gateway's handling of requests inside its dialogs."""

    def _in_dialog(self, tx: ServerTransaction) -> None:
        """Call-ID and both tags name the dialog (RFC 3261 §12.2.2); anything else is 481 and touches nothing."""
        msg = tx.request
        call = self.calls.get(msg.call_id)
        if call is not None and call.dialog.matches(msg):
            if self._in_order(call.dialog, tx):
                self._from_caller(call, tx)
            return
        outbound = self.outbound.get(msg.call_id)
        out = outbound.outbound if outbound is not None else None
        if outbound is not None and out is not None and out.dialog is not None and out.dialog.matches(msg):
            if self._in_order(out.dialog, tx):
                self._from_advisor(outbound, tx)
            return
        tx.respond(481)

    @staticmethod
    def _in_order(dialog: Dialog, tx: ServerTransaction) -> bool:
        """A CSeq not above the dialog's last remote one: 500, and the call is not touched (RFC 3261 §12.2.2)."""
        if dialog.in_order(tx.request):
            return True
        tx.respond(500, extra=[("Warning", '399 plateau "CSeq out of order"')])
        return False

    def _from_caller(self, call: Call, tx: ServerTransaction) -> None:
        msg = tx.request
        if msg.method == "BYE":
            tx.respond(200)
            self._end(call, "hangup", "caller", notify_caller=False)
        elif msg.method == "INFO":
            digit = rtp.info_digit(msg.content_type, msg.body)
            tx.respond(200)
            if digit is not None:
                self._digit(call, digit, "info")
        elif msg.method == "NOTIFY":
            tx.respond(200)
            self._refer_progress(call, msg)
        elif msg.method in ("INVITE", "UPDATE"):  # hold, resume, new address or codec, session refresh
            self._offer(call, call.side, call.dialog, call.leg, tx)
        else:
            tx.respond(405, extra=[("Allow", ALLOW)])

    def _from_advisor(self, call: Call, tx: ServerTransaction) -> None:
        msg = tx.request
        if msg.method == "BYE":
            tx.respond(200)
            self._end(call, "hangup", "advisor", notify_advisor=False)
        elif msg.method == "REFER" and call.outbound and call.outbound.dialog:
            # the advisor transfers the caller (blind): accept, report success, leave the caller to the target
            target = sipmsg.uri_of(msg.header("Refer-To") or "")
            tx.respond(202)
            sipfrag = b"SIP/2.0 200 OK\r\n"
            extra = [("Event", "refer"), ("Subscription-State", "terminated;reason=noresource")]
            self._send(call.outbound.dialog, "NOTIFY", extra=extra, body=sipfrag, content_type="message/sipfrag")
            self._drop_outbound(call, bye=True)
            self._spawn(self.transfer(call.id, target, "refer"))
        elif msg.method == "INFO":
            digit = rtp.info_digit(msg.content_type, msg.body)
            tx.respond(200)
            if digit is not None:
                self._advisor_digit(call, digit)
        elif msg.method in ("INVITE", "UPDATE") and call.outbound and call.outbound.dialog:
            out = call.outbound
            assert out.dialog is not None
            self._offer(call, out.side, out.dialog, out.rtp, tx)
        else:
            tx.respond(200 if msg.method in ("INFO", "NOTIFY") else 405, extra=[("Allow", ALLOW)])

    def _advisor_digit(self, call: Call, digit: str) -> None:
        """A key pressed on the advisor's phone (not relayed to the caller): the router port reads commands."""
        if call.outbound is not None and not call.ended:
            self._emit(ev.AdvisorDigitReceived(call.id, call.programme, time.time(), call.outbound.target, digit))
