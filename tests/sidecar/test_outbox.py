"""Mail leaves the request through the outbox: queued, retried, never lost or doubled.

Before the outbox, a reset for a known address sent its mail inside the
request (slower, and a 500 when SMTP was down), while an unknown one returned
at once: the answer told which addresses have accounts.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select, update

from sidecar import deps
from sidecar.database import now_utc
from sidecar.extensions import db
from sidecar.models import MailState, OutboxMail, User
from tests.sidecar.browser import Browser
from tests.sidecar.conftest import ApiClient, Mailbox
from tests.sidecar.smtp import SmtpInbox


def _use_smtp(app: Flask, inbox: SmtpInbox) -> None:
    inbox.serve(app)


def _rows(app: Flask) -> list[OutboxMail]:
    with app.app_context():
        rows = list(db.session.scalars(select(OutboxMail).order_by(OutboxMail.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


def _make_due(app: Flask) -> None:
    """Bring every retry forward to now (instead of waiting out the back-off)."""
    with app.app_context():
        db.session.execute(update(OutboxMail).values(next_attempt_at=now_utc()))
        db.session.commit()


def test_a_reset_request_answers_the_same_and_sends_nothing_itself(
    browser: Browser, ada: User, mail: Mailbox
) -> None:
    known = browser.submit("/auth/reset", email=ada.email)
    unknown = browser.submit("/auth/reset", email="nobody@example.test")
    assert known.status_code == unknown.status_code == 200
    assert known.get_data() == unknown.get_data()
    # Both queued exactly one mail; neither request sent one.
    assert not mail.mailer.sent
    assert mail.queued() == 2
    assert mail.deliver() == {"sent": 1, "dropped": 1}
    assert [m.to for m in mail.mailer.sent] == [ada.email]
    assert mail.queued() == 0


def test_smtp_down_changes_nothing_for_the_request_and_the_mail_follows(
    app: Flask, api: ApiClient, ada: User, mail: Mailbox, smtp: SmtpInbox
) -> None:
    _use_smtp(app, smtp)  # configured, but not running yet
    known = api.post(
        "/api/auth/register",
        json={"email": ada.email, "username": "someone", "password": "long enough pw"},
    )
    new = api.post(
        "/api/auth/register",
        json={"email": "new@example.test", "username": "newbie", "password": "long enough pw"},
    )
    assert known.status_code == new.status_code == 201
    assert mail.deliver() == {"queued": 2}  # both attempts failed, both will be retried
    failed = _rows(app)
    assert all(row.attempts == 1 and row.last_error for row in failed)
    assert all(row.next_attempt_at > now_utc() for row in failed)
    assert mail.deliver() == {}  # not due yet: the back-off holds

    smtp.start()
    _make_due(app)
    assert mail.deliver() == {"sent": 2}
    subjects = sorted(str(m["Subject"]) for m in smtp.received)
    assert subjects == ["Confirm your email address", "Someone tried to sign up with your address"]
    ids = {m["Message-ID"] for m in smtp.received}
    assert len(ids) == 2 and all(i.startswith("<outbox-") for i in ids)
    _make_due(app)
    assert mail.deliver() == {}  # sent once, never again
    assert len(smtp.received) == 2


def test_a_mail_claimed_by_a_worker_that_died_is_sent_by_another(
    app: Flask, browser: Browser, ada: User, mail: Mailbox
) -> None:
    browser.submit("/auth/reset", email=ada.email)
    with app.app_context():
        outbox = deps.outbox()
        (mail_id,) = outbox.due()
        assert outbox.claim(mail_id) is not None  # a worker takes it... and dies
        assert outbox.claim(mail_id) is None  # nobody else may take it meanwhile
        assert outbox.drain() == {}
        db.session.execute(
            update(OutboxMail).values(claimed_until=now_utc() - timedelta(seconds=1))
        )
        db.session.commit()
    assert mail.deliver() == {"sent": 1}  # its lease ended: the mail is not lost
    assert len(mail.mailer.sent) == 1


def test_a_mail_that_keeps_failing_is_given_up_and_kept(
    app: Flask, browser: Browser, ada: User, mail: Mailbox, smtp: SmtpInbox
) -> None:
    _use_smtp(app, smtp)
    browser.submit("/auth/reset", email=ada.email)
    with app.app_context():
        outbox = deps.outbox()
        outbox.max_attempts = 3
        for _ in range(3):
            db.session.execute(update(OutboxMail).values(next_attempt_at=now_utc()))
            db.session.commit()
            outbox.drain()
    (row,) = _rows(app)
    assert row.state == MailState.FAILED.value and row.attempts == 3
    assert "Error" in (row.last_error or "")


def test_the_worker_thread_sends_mail_after_the_request(
    blog: Any, database_url: str, ada: User
) -> None:
    from tests.sidecar.conftest import make_app

    app = make_app(blog, database_url, OUTBOX_WORKER="thread", OUTBOX_POLL_SECONDS=60)
    try:
        browser = Browser(app.test_client())
        assert browser.submit("/auth/reset", email=ada.email).status_code == 200
        sent = app.extensions["sidecar.mailer"].sent
        deadline = time.monotonic() + 20  # woken by the commit, long before its 60 s poll
        while not sent and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [m.subject for m in sent] == ["Reset your password"]
    finally:
        app.extensions["sidecar.outbox"].stop()
        with app.app_context():
            db.engine.dispose()


def test_sent_mail_keeps_no_data_and_no_body(
    app: Flask, browser: Browser, ada: User, mail: Mailbox
) -> None:
    browser.submit("/auth/reset", email=ada.email)
    assert len(mail.sent) == 1
    (row,) = _rows(app)
    assert row.state == "sent" and row.data == "{}"
    assert "reset" not in row.data
