"""The hostile suite: attacks, hostile input and faults against a real sidecar.

Its fixtures are the sidecar's (tests/sidecar/conftest.py, imported whole),
plus ``hostile``: the tally every test adds what it tried to.
"""

from __future__ import annotations

import pytest

from tests.hostile.report import Report, report
from tests.sidecar.conftest import *  # noqa: F403 - the sidecar's fixtures, the same here


@pytest.fixture
def hostile() -> Report:
    return report
