import shutil
import subprocess

import pytest

from plateau.services.sip import rtp
from plateau.services.sip.prompts import PromptStore, generate

pytestmark = pytest.mark.skipif(not (shutil.which("espeak-ng") and shutil.which("sox")), reason="make test-system-deps")


def test_given_french_texts_then_prompts_are_synthesised_once_in_both_codecs_and_recorded_files_win(tmp_path):
    made = generate(tmp_path, {"welcome": "Bonjour et bienvenue."}, music_seconds=2)
    assert made == ["welcome", "music"]
    store = PromptStore.load(tmp_path)
    alaw, ulaw = store.frames("welcome", "PCMA"), store.frames("welcome", "PCMU")
    assert len(alaw) == len(ulaw) > 25  # > 0.5 s of speech in 20 ms frames
    assert all(len(f) == rtp.FRAME_SAMPLES for f in alaw)
    assert len(set(b"".join(alaw))) > 20  # speech, not silence
    assert generate(tmp_path, {"welcome": "Bonjour et bienvenue."}) == []  # cached
    recorded = tmp_path / "recorded"
    recorded.mkdir()
    subprocess.run(["sox", "-n", "-r", "8000", "-c", "1", str(recorded / "welcome.wav"), "synth", "0.2", "sine", "300"],
                   check=True, timeout=30)  # fmt: skip
    assert generate(tmp_path, {"welcome": "Bonjour et bienvenue."}) == ["welcome"]
    assert len(PromptStore.load(tmp_path).frames("welcome", "PCMA")) == 10


def test_given_plateau_sip_prompts_only_then_every_french_prompt_and_the_music_are_cached(tmp_path, capsys):
    from plateau.cli import main

    assert main(["sip", "--prompts-only", "--var", str(tmp_path)]) == 0
    store = PromptStore.load(tmp_path / "prompts")
    for name in ("welcome", "queued", "position_3", "music", "closed"):
        assert len(store.frames(name, "PCMA")) > 10
    assert "generated prompts: welcome" in capsys.readouterr().out
