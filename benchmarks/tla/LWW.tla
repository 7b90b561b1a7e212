---------------------------- MODULE LWW ----------------------------
(***************************************************************************)
(* The LWW register graph that `evcheck verify specs/lww.py --no-por`,     *)
(* `benchmarks/reference` and the SPIN model (`benchmarks/spin_lww.py`)    *)
(* explore: R replicas, W writes each of value 1 or 2, a Lamport stamp     *)
(* (counter, writer) broadcast to every peer; a delivery adopts the        *)
(* message's value when its stamp is larger. The network is a bag (a      *)
(* count per distinct message in flight), so a state is exactly evcheck's  *)
(* world and the distinct-state counts agree. Quiescent convergence is the *)
(* invariant.                                                              *)
(***************************************************************************)
EXTENDS Naturals, Bags

CONSTANTS R, W

Reps == 1..R
Vals == {1, 2}

VARIABLES val, cnt, sid, done, net
vars == <<val, cnt, sid, done, net>>

Init ==
    /\ val = [i \in Reps |-> 0]
    /\ cnt = [i \in Reps |-> 0]
    /\ sid = [i \in Reps |-> 0]
    /\ done = [i \in Reps |-> 0]
    /\ net = EmptyBag

Write(i, v) ==
    /\ done[i] < W
    /\ done' = [done EXCEPT ![i] = @ + 1]
    /\ cnt' = [cnt EXCEPT ![i] = @ + 1]
    /\ sid' = [sid EXCEPT ![i] = i]
    /\ val' = [val EXCEPT ![i] = v]
    /\ net' = net (+) SetToBag({[s |-> i, d |-> j, v |-> v, k |-> cnt[i] + 1] :
                                 j \in Reps \ {i}})

Deliver(m) ==
    /\ net' = net (-) SetToBag({m})
    /\ UNCHANGED done
    /\ IF m.k > cnt[m.d] \/ (m.k = cnt[m.d] /\ m.s > sid[m.d])
       THEN /\ val' = [val EXCEPT ![m.d] = m.v]
            /\ cnt' = [cnt EXCEPT ![m.d] = m.k]
            /\ sid' = [sid EXCEPT ![m.d] = m.s]
       ELSE UNCHANGED <<val, cnt, sid>>

Next == (\E i \in Reps, v \in Vals : Write(i, v)) \/ (\E m \in BagToSet(net) : Deliver(m))

Spec == Init /\ [][Next]_vars

QuiescentConvergence ==
    net = EmptyBag => \A i, j \in Reps : val[i] = val[j]
=============================================================================
