"""The flat thread the Comments service returns, as the tree a page shows.

Also says which buttons a viewer gets, by asking the service the same
question it asks itself before every write.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sidecar.models import Comment, Status, User
from sidecar.services.comment_rules import may_reply_to
from sidecar.services.comments import Comments
from sidecar.services.threads import withheld

__all__ = ["Node", "build_tree", "walk"]


@dataclass
class Node:
    comment: Comment
    placeholder: bool = False  # withheld from this viewer: only its place is shown
    can_reply: bool = False
    can_edit: bool = False
    can_delete: bool = False
    children: list[Node] = field(default_factory=list)

    @property
    def pending(self) -> bool:
        return self.comment.status == Status.PENDING.value


def _may_write(viewer: User | None, guests: str) -> bool:
    if viewer is None:
        return guests != "off"
    return viewer.is_active and viewer.is_confirmed


def build_tree(comments: Iterable[Comment], viewer: User | None, service: Comments) -> list[Node]:
    """Children under their parents, each level oldest first (the service's order).

    A reply whose parent is not shown (held or removed by a moderator) is
    shown at the top level rather than lost. (Tombstones with nothing visible
    below them never arrive: ``Comments.thread`` leaves them out.)
    """
    writer = _may_write(viewer, service.rules.guests)
    nodes: dict[int, Node] = {}
    roots: list[Node] = []
    for comment in comments:
        node = Node(
            comment,
            placeholder=withheld(comment, viewer),
            can_reply=writer
            and not withheld(comment, viewer)
            and not comment.is_removed
            and may_reply_to(comment, viewer),
            can_edit=viewer is not None and service.edit_refusal(viewer, comment) is None,
            can_delete=viewer is not None and service.delete_refusal(viewer, comment) is None,
        )
        nodes[comment.id] = node
        parent = nodes.get(comment.parent_id) if comment.parent_id is not None else None
        (parent.children if parent is not None else roots).append(node)
    return roots


def walk(tree: Iterable[Node]) -> Iterable[Node]:
    for node in tree:
        yield node
        yield from walk(node.children)
