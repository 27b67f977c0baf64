"""Flows used by the IVR tests (plain data, as an editor would save them)."""

from typing import Any


def national_line() -> dict[str, Any]:
    return {
        "start": "hours",
        "nodes": {
            "hours": {
                "type": "hours",
                "weekly": {d: [["08:30", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
                "calendar": "alsace-moselle",
                "open": "tag",
                "closed": "closed",
            },
            "tag": {"type": "set", "values": {"line": "national"}, "next": "menu"},
            "menu": {
                "type": "menu",
                "prompt": "welcome",
                "options": {"1": "urssaf", "2": "queue"},
                "timeout_s": 5,
                "retries": 1,
                "invalid_prompt": "invalid",
                "no_input_prompt": "no_input",
                "fallback": "callback",
            },
            "urssaf": {"type": "transfer", "target": "sip:urssaf@127.0.0.1", "prompt": "transfer"},
            "queue": {"type": "queue", "queue": "directory"},
            "callback": {
                "type": "callback",
                "prompt": "callback_offer",
                "accept_digit": "1",
                "next": "voicemail",
                "confirm_prompt": "callback_ok",
            },
            "voicemail": {"type": "voicemail", "prompt": "voicemail", "max_seconds": 60},
            "closed": {"type": "hangup", "prompt": "closed"},
        },
    }
