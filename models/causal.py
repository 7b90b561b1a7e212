"""Causal delivery: a social feed where a reply must never appear before its post.

Lamport 1978 defines "happened before"; causal broadcast (Birman, Schiper and
Stephenson 1991, the ISIS CBCAST protocol) delivers a message only after every message
that happened before it. A feed needs exactly that: Bob reads Alice's post and
replies; Carol must not see the reply without the post.

- `PlainFeed`: broadcast, apply on receipt. Bob's reply can overtake Alice's post on
  the way to Carol.
- `FifoFeed`: each sender numbers its messages and receivers apply a sender's
  messages in order (buffering early ones). FIFO order is per sender: the post is
  Alice's, the reply Bob's, so it does not help.
- `CausalFeed`: messages carry the sender's vector clock; a receiver applies one only
  when it is the next from its sender and everything the sender had applied before it
  has been applied here (CBCAST's delivery rule), buffering it otherwise.

`replies_follow_their_posts` is the application invariant: no replica shows a reply
whose post it does not show.
"""

from __future__ import annotations

from typing import Any

from evcheck import Fail, FrozenDict, Replica, ReplicaId, field, invariant, message, on, operation


def _has_post(self: Any) -> bool:
    return any(item[0] == "post" for item in self.feed)


@message
class Published:
    """A feed item: ("post", id) or ("reply", id, post id)."""

    item: tuple[Any, ...]


class Feed(Replica):
    """A feed: posts, and replies to the newest post a replica shows; `publish` sends."""

    feed = field(frozenset())
    made = field(0)

    def publish(self, item: tuple[Any, ...]) -> None:
        raise NotImplementedError

    @operation()
    def post(self) -> None:
        self.made += 1
        self.publish(("post", (self.id, self.made)))

    @operation(when=_has_post)
    def reply(self) -> None:
        """Reply to the newest post this replica shows."""
        self.made += 1
        parent = max(item[1] for item in self.feed if item[0] == "post")
        self.publish(("reply", (self.id, self.made), parent))

    def observe(self) -> Any:
        return self.feed


class PlainFeed(Feed):
    """A feed replicated by plain broadcast, applied on receipt."""

    def publish(self, item: tuple[Any, ...]) -> None:
        self.feed = self.feed | {item}
        self.broadcast(Published(item))

    @on(Published)
    def receive(self, msg: Published) -> None:
        self.feed = self.feed | {msg.item}


@message
class Numbered:
    """A feed item, the `seq`-th message of its sender."""

    seq: int
    item: tuple[Any, ...]


class FifoFeed(Feed):
    """FIFO broadcast: a sender's messages are applied in the order it sent them."""

    sent = field(0)
    delivered = field({})  # sender -> messages of it applied
    pending = field(frozenset())  # (sender, seq, item) waiting for an earlier one

    def publish(self, item: tuple[Any, ...]) -> None:
        self.feed = self.feed | {item}
        self.sent += 1
        self.broadcast(Numbered(self.sent, item))

    @on(Numbered)
    def receive_numbered(self, msg: Numbered, src: ReplicaId) -> None:
        self.pending = self.pending | {(src, msg.seq, msg.item)}
        progress = True
        while progress:
            progress = False
            for sender, seq, item in sorted(self.pending, key=repr):
                if seq == self.delivered.get(sender, 0) + 1:
                    self.pending = self.pending - {(sender, seq, item)}
                    self.delivered[sender] = seq
                    self.feed = self.feed | {item}
                    progress = True


@message
class Stamped:
    """A feed item with its sender's vector clock at sending."""

    vc: FrozenDict
    item: tuple[Any, ...]


class CausalFeed(Feed):
    """Causal broadcast with vector clocks (CBCAST): a message from s stamped V is applied
    once V[s] is the next message of s and V[k] <= applied[k] for every other k."""

    vc = field({})  # replica -> messages of it applied here
    pending = field(frozenset())  # (sender, vc, item) waiting for their causal past

    def publish(self, item: tuple[Any, ...]) -> None:
        self.feed = self.feed | {item}
        self.vc[self.id] = self.vc.get(self.id, 0) + 1
        self.broadcast(Stamped(FrozenDict(self.vc), item))

    def deliverable(self, sender: Any, vc: FrozenDict) -> bool:
        return all(
            n == self.vc.get(r, 0) + 1 if r == sender else n <= self.vc.get(r, 0)
            for r, n in vc.items()
        )

    @on(Stamped)
    def receive_stamped(self, msg: Stamped, src: ReplicaId) -> None:
        self.pending = self.pending | {(src, msg.vc, msg.item)}
        progress = True
        while progress:
            progress = False
            for sender, vc, item in sorted(self.pending, key=repr):
                if self.deliverable(sender, vc):
                    self.pending = self.pending - {(sender, vc, item)}
                    self.vc[sender] = vc[sender]
                    self.feed = self.feed | {item}
                    progress = True


@invariant
def replies_follow_their_posts(w: Any) -> Any:
    """no replica shows a reply without the post it replies to"""
    for r in w.replicas:
        posts = {item[1] for item in r.feed if item[0] == "post"}
        for item in sorted(r.feed, key=repr):
            if item[0] == "reply" and item[2] not in posts:
                return Fail(
                    f"{r.id!r} shows reply {item[1]} to post {item[2]} but not the post itself"
                )
    return True


__all__ = [
    "CausalFeed",
    "Feed",
    "FifoFeed",
    "Numbered",
    "PlainFeed",
    "Published",
    "Stamped",
    "replies_follow_their_posts",
]
