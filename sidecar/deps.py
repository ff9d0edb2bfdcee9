"""The services a request works with, assembled from the app's collaborators."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from flask import current_app

from sidecar.extensions import db
from sidecar.links import public_url
from sidecar.services.accounts import Accounts
from sidecar.services.activity import Activity
from sidecar.services.analytics import Analytics
from sidecar.services.audit import AuditLog
from sidecar.services.catalog import PostCatalog
from sidecar.services.comment_rules import CommentRules
from sidecar.services.comments import Comments
from sidecar.services.events import Publisher
from sidecar.services.guests import GuestTokens
from sidecar.services.mail import Mailer
from sidecar.services.moderation import Moderation
from sidecar.services.moderator_mail import ModeratorMail
from sidecar.services.notifications import Notifications
from sidecar.services.outbox import Outbox
from sidecar.services.people import People
from sidecar.services.rebuild import Rebuilder
from sidecar.services.search import Search
from sidecar.services.spam import Blocklist, FormClock, Screening, spam_filter

__all__ = [
    "accounts",
    "activity",
    "analytics",
    "audit_log",
    "blocklist",
    "catalog",
    "comments",
    "events",
    "form_clock",
    "hasher",
    "mailer",
    "moderation",
    "moderator_mail",
    "notifications",
    "outbox",
    "people",
    "rebuilder",
    "search",
]


def catalog() -> PostCatalog:
    found: PostCatalog = current_app.extensions["sidecar.catalog"]
    return found


def mailer() -> Mailer:
    found: Mailer = current_app.extensions["sidecar.mailer"]
    return found


def events() -> Publisher:
    found: Publisher = current_app.extensions["sidecar.events"]
    return found


def hasher() -> PasswordHasher:
    found: PasswordHasher = current_app.extensions["sidecar.hasher"]
    return found


_SLOT = "TOKEN-SLOT"  # URL building would quote "{token}"; this is swapped for it


def accounts() -> Accounts:
    links = {
        "confirm": public_url("auth.confirm", token=_SLOT),
        "reset": public_url("auth.reset_password", token=_SLOT),
        "reset_request": public_url("auth.reset_request"),
    }
    links = {name: link.replace(_SLOT, "{token}") for name, link in links.items()}
    return Accounts(
        db.session,
        hasher(),
        current_app.config["SECRET_KEY"],
        links,
        current_app.extensions["sidecar.login_throttle"],
        events(),
    )


def notifications() -> Notifications:
    links = {
        "unsubscribe": public_url("mail_links.unsubscribe", token=_SLOT),
        "confirm_replies": public_url("mail_links.confirm", token=_SLOT),
    }
    links = {name: link.replace(_SLOT, "{token}") for name, link in links.items()}
    batch = timedelta(minutes=float(current_app.config.get("REPLY_MAIL_MINUTES", 10)))
    return Notifications(db.session, current_app.config["SECRET_KEY"], links, catalog(), batch)


def blocklist() -> Blocklist:
    return Blocklist(db.session)


def form_clock() -> FormClock:
    return FormClock(current_app.config["SECRET_KEY"])


def moderator_mail() -> ModeratorMail:
    links = {
        "moderate": public_url("mail_links.moderate", token=_SLOT).replace(_SLOT, "{token}"),
        "queue": public_url("admin.queue"),
    }
    return ModeratorMail(db.session, current_app.config["SECRET_KEY"], links)


def outbox() -> Outbox:
    """The outbox, with every kind of mail the sidecar knows how to write."""
    host = urlsplit(current_app.config["PUBLIC_URL"]).hostname or "localhost"
    composers = {
        **accounts().composers(),
        **notifications().composers(),
        **moderator_mail().composers(),
    }
    return Outbox(db.session, mailer(), composers, domain=host)


def comments() -> Comments:
    config = current_app.config
    rules = CommentRules(
        moderation=config["MODERATION"],
        guests=config.get("GUESTS", "off"),
        edit_window=timedelta(seconds=config["EDIT_WINDOW_SECONDS"]),
        max_depth=config["MAX_COMMENT_DEPTH"],
    )
    tokens = GuestTokens(config["SECRET_KEY"], rules.edit_window)
    spam = spam_filter(db.session, config, current_app.extensions.get("sidecar.spam_checks", []))
    return Comments(
        db.session,
        catalog(),
        rules,
        events(),
        tokens,
        notifications(),
        moderator_mail(),
        Screening(spam, form_clock()),
    )


def activity() -> Activity:
    return Activity(db.session, catalog())


def moderation() -> Moderation:
    return Moderation(db.session, events(), current_app.config["MODERATION"], notifications())


def analytics() -> Analytics:
    return Analytics(db.session, catalog())


def search() -> Search:
    return Search(db.session, catalog())


def rebuilder() -> Rebuilder:
    config = current_app.config
    return Rebuilder(db.session, catalog().config.root, config.get("BUILD_HOOK_URL"))


def people() -> People:
    return People(db.session, events())


def audit_log() -> AuditLog:
    return AuditLog(db.session)
