"""Plateau's SIP gateway: pure SIP/SDP/RTP codecs, an asyncio UDP transport with RFC 3261 transactions,
dialogs, RTP media (prompts, music on hold, relay, DTMF) and a gateway that runs a programme's voice menu.

Pure modules (no I/O): ``message``, ``sdp``, ``digest``, ``rtp``. I/O: ``transport``, ``media``, ``gateway``.
"""
