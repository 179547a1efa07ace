"""SVG snapshots of the reader screen on seed 001 with the gloss engine (deterministic).

Regenerate after an intended change with `pytest tests/ui --snapshot-update`, then look at them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.ui.helpers import make_app, wait_translated, wait_until


async def settle(pilot: Pilot) -> None:
    """Translation done and the dictionary panel showing the word under the cursor."""
    await wait_translated(pilot)
    await wait_until(pilot, lambda: pilot.app.reader._word is not None)
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
def test_main_screen(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=settle)
