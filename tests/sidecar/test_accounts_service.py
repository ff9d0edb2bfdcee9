"""Account rules that the HTTP tests cannot reach deterministically."""

from __future__ import annotations

import pytest
from flask import Flask

from sidecar import deps
from sidecar.errors import Conflict
from tests.sidecar.conftest import MakeUser


def test_a_registration_that_loses_a_race_is_a_conflict_not_a_crash(
    app: Flask, make_user: MakeUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_user(username="ada")
    with app.test_request_context():
        accounts = deps.accounts()
        # Both checks run before the other registration commits: they see nothing.
        monkeypatch.setattr(accounts.session, "scalar", lambda *_a, **_k: None)
        with pytest.raises(Conflict) as raised:
            accounts.register("someone@example.test", "ada", "correct horse battery")
        assert raised.value.code == "registration_conflict"
        monkeypatch.undo()
        assert accounts.by_login("ada") is not None  # the session is usable afterwards
