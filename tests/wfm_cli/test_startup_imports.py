"""Start-up cost: heavy libraries are imported where they are used, not by every ``plateau`` process.

scipy.stats alone took about 4 s to import on the project's machine; matplotlib (charts) and OR-Tools (shift
schedules) are slower still. Each check runs a fresh interpreter and reads its ``sys.modules``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

HEAVY = ("scipy.stats", "matplotlib", "ortools", "pandas")


def _loaded_after(code: str, tmp_path) -> list[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "plateau.settings", "PLATEAU_VAR_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=120, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "code",
    [
        "import plateau.cli",
        "import plateau.cli.wfm",
        "import plateau.domain.wfm.simulation, plateau.domain.wfm.multiskill, plateau.services.wfm_simulation",
        "import django; django.setup(); from django.conf import settings; "
        "__import__(settings.ROOT_URLCONF); import plateau.asgi",
    ],
)
def test_given_a_fresh_process_when_plateau_modules_load_then_no_heavy_library_is_imported(code, tmp_path):
    assert _loaded_after(code, tmp_path) == []


def test_given_the_wfm_command_when_a_day_is_summarised_then_confidence_intervals_need_no_scipy_stats(tmp_path):
    code = (
        "from plateau.domain.wfm.simulation import confidence_interval\n"
        "assert confidence_interval([1.0, 2.0, 4.0]).half_width > 0"
    )
    assert _loaded_after(code, tmp_path) == []
