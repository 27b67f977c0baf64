"""Blind transfers: REFER the caller (NOTIFY with a final sipfrag ends our part), or bridge a new leg to the
target when the caller's phone cannot REFER."""

from __future__ import annotations

import asyncio
import time

from plateau.services.sip import events as ev
from plateau.services.sip import message as sipmsg
from plateau.services.sip.calls import Call
from plateau.services.sip.core import GatewayCore
from plateau.services.sip.message import SipMessage


class Transfers(GatewayCore):
    """The gateway's blind transfers."""

    async def transfer(self, call_id: str, target: str, method: str = "refer") -> bool:
        """Blind transfer: REFER the caller to ``target`` (NOTIFY 200 ends our part), or bridge a new leg to it."""
        call = self.calls.get(call_id)
        if call is None or call.ended:
            return False
        call.state = "transferring"
        self._stamp(call, transfer_target=target)
        if method == "refer":
            call.refer_result = asyncio.get_running_loop().create_future()
            assert self.endpoint is not None
            branch, data = call.dialog.request(
                "REFER", extra=[("Refer-To", f"<{target}>"), ("Referred-By", f"<{self.uri}>")]
            )
            resp = await self.endpoint.request("REFER", branch, data, call.dialog.addr).final()
            if resp is not None and resp.code < 300:
                try:
                    code = await asyncio.wait_for(asyncio.shield(call.refer_result), self.config.transfer_timeout)
                except TimeoutError:
                    code = 408
                ok = code < 300
                self._emit(
                    ev.CallTransferred(
                        call.id, call.programme, time.time(), target, "refer", "accepted" if ok else "failed"
                    )
                )
                self._end(call, "transferred" if ok else "transfer_failed", "gateway")
                return ok
            # the caller's phone cannot REFER: fall back to a new outbound leg
        try:
            host_port = sipmsg.hostport_of(target)
        except ValueError:
            self._end(call, "transfer_failed", "gateway")
            return False
        call.state = "ringing"
        ok = await self._ring(call, target, target, host_port, ring_timeout=self.config.transfer_timeout)
        self._emit(
            ev.CallTransferred(call.id, call.programme, time.time(), target, "bridge", "accepted" if ok else "failed")
        )
        if not ok and not call.ended:
            self._end(call, "transfer_failed", "gateway")
        return ok

    def _refer_progress(self, call: Call, msg: SipMessage) -> None:
        if call.refer_result is None or call.refer_result.done():
            return
        first = msg.body.split(b"\r\n", 1)[0].split(b"\n", 1)[0].decode("ascii", "replace").split()
        if len(first) >= 2 and first[0] == "SIP/2.0" and first[1].isdigit() and int(first[1]) >= 200:
            call.refer_result.set_result(int(first[1]))
