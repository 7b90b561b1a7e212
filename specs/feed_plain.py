"""A social feed over plain broadcast: a reply is seen before its post (broken on purpose).

    evcheck verify specs/feed_plain.py     # exit 1

Technique: every post and reply is broadcast and applied on receipt.
Faults: reordering only. Three replicas, a post and a reply.
Properties: `replies_follow_their_posts` (no replica shows a reply without its post),
`quiescent_convergence`.
Expected: violated — r1 posts, r2 receives the post and replies, and the reply reaches
r3 before the post: the reply happened after the post (Lamport 1978) but is delivered
first. Causal broadcast (Birman et al. 1991) prevents it: specs/feed_causal.py.
"""

from evcheck import Spec, quiescent_convergence
from evcheck.models.causal import PlainFeed, replies_follow_their_posts

spec = Spec(
    PlainFeed,
    replicas=3,
    ops_per_replica=1,
    max_ops=2,
    properties=[replies_follow_their_posts, quiescent_convergence],
    description="social feed, plain broadcast",
)
