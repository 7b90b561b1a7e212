"""A social feed over causal broadcast with vector clocks: replies follow their posts.

    evcheck verify specs/feed_causal.py     # holds

Technique: each message carries its sender's vector clock; a receiver applies a message
from s only when it is the next one from s and every message s had applied before
sending it has been applied here, buffering it otherwise (Birman, Schiper and
Stephenson 1991, CBCAST; vector clocks: Fidge 1988, Mattern 1989).
Faults: reordering only. Three replicas, a post and a reply.
Properties: `replies_follow_their_posts`, `quiescent_convergence`.
Expected: holds.
"""

from evcheck import Spec, quiescent_convergence
from evcheck.models.causal import CausalFeed, replies_follow_their_posts

spec = Spec(
    CausalFeed,
    replicas=3,
    ops_per_replica=1,
    max_ops=2,
    properties=[replies_follow_their_posts, quiescent_convergence],
    description="social feed, causal broadcast",
)
