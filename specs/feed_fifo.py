"""A social feed over FIFO broadcast: still a reply before its post (broken on purpose).

    evcheck verify specs/feed_fifo.py     # exit 1

Technique: each sender numbers its messages; a receiver applies a sender's messages in
order, buffering early ones.
Faults: reordering only. Three replicas, a post and a reply.
Properties: `replies_follow_their_posts`, `quiescent_convergence`.
Expected: violated, with the same counterexample as specs/feed_plain.py: FIFO order
holds per sender, and the post (r1's) and the reply (r2's) have different senders.
Causal order is FIFO order plus the happened-before edges across senders (Birman et
al. 1991).
"""

from evcheck import Spec, quiescent_convergence
from evcheck.models.causal import FifoFeed, replies_follow_their_posts

spec = Spec(
    FifoFeed,
    replicas=3,
    ops_per_replica=1,
    max_ops=2,
    properties=[replies_follow_their_posts, quiescent_convergence],
    description="social feed, FIFO broadcast",
)
