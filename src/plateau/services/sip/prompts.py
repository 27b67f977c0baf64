"""Voice prompts: French texts synthesised at install with espeak-ng, converted by sox to raw A-law and µ-law
(8 kHz mono, no transcoding in the hot path), cached under ``var/prompts``. A recorded file
``var/prompts/recorded/<name>.wav`` replaces the synthesised one.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from pathlib import Path

from plateau.services.sip import rtp

TEXTS = {
    "welcome": "Bienvenue sur la ligne nationale des services à la personne. "
    "Pour une question sur le CESU ou sur le droit, tapez 1. Pour trouver un prestataire près de chez vous, tapez 2.",
    "invalid": "Ce choix n'est pas valide.",
    "no_input": "Nous n'avons pas reçu votre choix.",
    "transfer": "Nous vous mettons en relation avec l'URSSAF.",
    "queued": "Un conseiller va vous répondre. Merci de patienter.",
    "closed": "Nos conseillers vous répondent du lundi au vendredi, de 8 heures 30 à 18 heures. Au revoir.",
    "callback_offer": "Pour être rappelé par un conseiller, tapez 1.",
    "callback_ok": "C'est noté, un conseiller vous rappellera. Au revoir.",
    "voicemail": "Laissez votre message après le signal sonore.",
    "goodbye": "Merci de votre appel. Au revoir.",
    "position_many": "De nombreux appels sont en attente avant le vôtre.",
    **{f"position_{n}": f"Vous êtes en position {n} dans la file d'attente." for n in range(1, 10)},
    "wait_1": "Votre temps d'attente est estimé à environ une minute.",
    **{f"wait_{n}": f"Votre temps d'attente est estimé à environ {n} minutes." for n in range(2, 11)},
    "wait_many": "Votre temps d'attente est estimé à plus de dix minutes.",
    "recording_notice": "Pour la qualité du service, cette conversation va être enregistrée.",
    # A caller a supervisor blocked for a while (nuisance): short, neutral, then the gateway hangs up.
    "caller_blocked": "Votre appel ne peut pas être traité. Au revoir.",
}
EXT = {"PCMA": ".al", "PCMU": ".ul"}
SOX_ENCODING = {"PCMA": "a-law", "PCMU": "u-law"}


class PromptMissing(LookupError):
    pass


class PromptStore:
    """Prompts as ready-to-send 20 ms frames per codec, loaded once into memory."""

    def __init__(self, audio: dict[tuple[str, str], bytes] | None = None) -> None:
        self._frames = {key: rtp.frames(data, key[1]) for key, data in (audio or {}).items()}

    @classmethod
    def load(cls, directory: Path) -> PromptStore:
        audio: dict[tuple[str, str], bytes] = {}
        for codec, ext in EXT.items():
            for path in directory.glob(f"*{ext}"):
                audio[(path.stem, codec)] = path.read_bytes()
        return cls(audio)

    def with_audio(self, audio: dict[tuple[str, str], bytes]) -> PromptStore:
        """A new store holding this one's prompts plus ``audio`` (which wins on equal names)."""
        store = PromptStore(audio)
        store._frames = {**self._frames, **store._frames}
        return store

    def frames(self, name: str, codec: str) -> list[bytes]:
        try:
            return self._frames[(name, codec)]
        except KeyError:
            raise PromptMissing(f"prompt {name!r} ({codec}) is missing") from None

    def __contains__(self, name: object) -> bool:
        return any(key[0] == name for key in self._frames)


def _run(cmd: list[str]) -> None:
    subprocess.run(cmd, check=True, capture_output=True, timeout=60)  # noqa: S603 (fixed tool, our arguments)


def _encode(wav: Path, out_dir: Path, name: str) -> None:
    sox = shutil.which("sox") or "sox"
    for codec, ext in EXT.items():
        target = out_dir / f"{name}{ext}"
        # -D: no dither, so the same recording always gives the same bytes (reproducible caches and tests)
        _run([sox, "-D", str(wav), "-t", "raw", "-r", "8000", "-c", "1", "-e", SOX_ENCODING[codec], "-b", "8",
              str(target)])  # fmt: skip


def encode_recording(wav: Path) -> dict[str, bytes]:
    """A recorded WAV as raw 8 kHz mono A-law and µ-law (sox resamples and mixes down), keyed by codec."""
    with tempfile.TemporaryDirectory() as tmp:
        _encode(wav, Path(tmp), "prompt")
        return {codec: (Path(tmp) / f"prompt{ext}").read_bytes() for codec, ext in EXT.items()}


def generate(out_dir: Path, texts: dict[str, str] | None = None, *, music_seconds: int = 20) -> list[str]:
    """Synthesise missing or changed prompts (espeak-ng ``-v fr``) and the hold music; returns the names made.

    The text hash is kept next to the audio so a changed text is regenerated and an unchanged one is not.
    ``music_seconds=0``: no hold music (prompts synthesised from data, such as price announcements).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    recorded = out_dir / "recorded"
    espeak = shutil.which("espeak-ng") or "espeak-ng"
    made: list[str] = []
    for name, text in (TEXTS if texts is None else texts).items():
        own = recorded / f"{name}.wav"
        source_id = hashlib.sha256(own.read_bytes() if own.exists() else text.encode()).hexdigest()
        stamp = out_dir / f"{name}.sha256"
        if stamp.exists() and stamp.read_text() == source_id and (out_dir / f"{name}.al").exists():
            continue
        wav = own
        if not own.exists():
            wav = out_dir / f"{name}.wav"
            _run([espeak, "-v", "fr", "-s", "160", "-w", str(wav), text])
        _encode(wav, out_dir, name)
        if wav != own:
            wav.unlink()
        stamp.write_text(source_id)
        made.append(name)
    if music_seconds and (not (out_dir / "music.al").exists() or (recorded / "music.wav").exists()):
        wav = recorded / "music.wav"
        if not wav.exists():
            wav = out_dir / "music.wav"
            # a soft arpeggio (C-E-G-E) as royalty-free hold music
            notes = [["synth", "0.5", "sine", str(f)] for f in (261.6, 329.6, 392.0, 329.6)]
            parts: list[str] = []
            for i, note in enumerate(notes):
                note_wav = out_dir / f"note{i}.wav"
                _run([shutil.which("sox") or "sox", "-n", "-r", "8000", "-c", "1", str(note_wav), *note, "vol", "0.3"])
                parts.append(str(note_wav))
            repeats = max(1, music_seconds // 2)
            _run([shutil.which("sox") or "sox", *(parts * repeats), str(wav)])
            for name in parts:
                Path(name).unlink()
        _encode(wav, out_dir, "music")
        if wav.parent == out_dir:
            wav.unlink()
        made.append("music")
    return made
