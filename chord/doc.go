// Package chord implements the Chord lookup protocol with Zave's corrected
// ring maintenance, and on top of it BitStore's storage network: DHash
// block storage modified for replicated, encrypted, ticket-authorised
// chunks with lazy replica maintenance (paper 002 §3.2, §4.1–4.4 and
// Appendices A–B; see References).
//
// A [Node] is one member of the ring. It talks to other nodes only through
// a [Transport] (every call carries a context and can fail); the
// subpackage [github.com/swarmblocks/swarmblocks/chord/simnet] provides a
// deterministic simulated network and a driver for whole rings. A network
// engine plugs in through the seams listed under "Network engines" below;
// the nested module github.com/swarmblocks/swarmblocks/p2p is one, over
// libp2p.
//
// # The ring
//
// Identifiers are points of a ring of 2^256 ([ID]); node identifiers and
// keys share it, and successor(k), the first node at or after k clockwise,
// is responsible for k. Keys are ring identifiers: lookups never re-hash
// them ([HashID] and [BlockKey] are what callers use to make keys). Every
// node keeps a predecessor, a successor list of length r
// ([Config.Successors], default 8) and a finger table: finger i is
// successor(n + 2^i), stored only for the ≈log2 N indices where it differs
// from the immediate successor.
//
// # Ring maintenance (Zave's corrected Chord)
//
// The maintenance protocol published with Chord is not correct: Zave
// showed runs in which the ring breaks into several rings, or loses order,
// and gave a corrected version with an inductive invariant. This package
// implements her operations:
//
//   - Create: the first node is its own successor.
//   - [Node.Join]: the joining node looks up its own identifier (through a
//     member), adopts the node found as its successor and that node's
//     successor list after it, and has no predecessor. It is an appendage
//     until its predecessor next stabilises. Its fingers are seeded from
//     the successor's table.
//   - [Node.Stabilize]: ask the first successor for its predecessor and
//     list, dropping successors that do not answer (so the node always
//     reads from its first live successor). If that predecessor lies
//     between the node and its successor and answers, adopt it and its
//     list; otherwise adopt the successor's list. Then notify the new
//     successor. Lists received from other nodes are normalised: kept in
//     strict clockwise order from the owner, without it or duplicates, so
//     a malformed list can shorten a list but not disorder it.
//   - Rectify (the answer to a notification from p): adopt p as
//     predecessor if there is none, if p lies between the predecessor and
//     the node, or if the predecessor no longer answers.
//   - [Node.CheckPredecessor]: forget a predecessor that does not answer
//     (kept from the original Chord; rectify's liveness test makes it an
//     optimisation, not a necessity).
//   - [Node.FixFingers]: refresh one finger per call, from the farthest
//     inwards.
//   - Failure is crash-stop; [Node.Leave] is a voluntary leave: the
//     successor learns the node's predecessor, every block is handed to
//     the successor, and the predecessor adopts the node's successor list.
//     For the invariants a leave is a failure with the neighbours told.
//
// Zave's proof assumes that no node ever loses every entry of its
// successor list between two of its stabilisations, and a stable base of
// r+1 members that never fail while the ring is small; the simulator's
// safe churn ([simnet.Cluster.SafeToFail]) enforces both, and its
// unrestricted churn (the measurements below) does not. Beyond the
// assumption the package recovers as the original Chord does: a node whose
// successors all failed takes its nearest live finger as successor and
// stabilisation walks back to the true successor; meanwhile it answers
// ring requests with [StatusUnavailable], so that its neighbours skip it
// rather than copy its empty list; and a node that finds no live finger
// rejoins, looking up the node after itself while treating itself as
// absent.
//
// # Invariants
//
// [CheckInvariants] checks, on a snapshot of the live nodes, the
// properties of Zave's invariant as this package states them (the
// best successor of a node is the first live entry of its list):
//
//   - LiveSuccessor: every node has a live entry in its successor list;
//   - ValidSuccessorList: every list is strictly ordered clockwise from its
//     owner, without the owner (in rings of two or more) or duplicates;
//   - AtLeastOneRing and AtMostOneRing: following best successors there is
//     exactly one cycle;
//   - OrderedRing: the cycle winds round the identifier space exactly once;
//   - ConnectedAppendages: every node off the cycle reaches it.
//
// [CheckStable] checks the ideal ring: every list is exactly the next r
// live nodes and every predecessor is right. The tests check the
// invariants after every simulated step of randomized churn over many
// seeds, and after every event of a fuzzed event sequence that also feeds
// raw and hostile messages to the nodes' handlers (FuzzHandler), and then
// that the ring converges to the ideal ring.
//
// # Lookups
//
// [Node.Lookup] is iterative: the querier asks a chain of nodes, each
// closer to the key, for their best next hops (up to 5 candidates, from
// fingers and successor list) until one reports that the key lies between
// it and its successor; [Node.LookupRecursive] forwards the query instead.
// A hop that does not answer is replaced by the next-best candidate; when
// the dead nodes were the first successors of the last node heard from
// and the key falls before its first live successor, that successor is
// the owner. The answer is checked to be alive. Hops count routing calls,
// not the final liveness check. A node's own identifier is found like any
// other key: (n, n) is the whole ring, so the query goes round to n's
// predecessor.
//
// Each node answers a routing step from a route table derived from its
// fingers and successor list: the distinct nodes ordered by distance,
// searched by bisection on a compact prefix of each distance. The table
// refers to its entries by their index in the finger table or the
// successor list, which are themselves stored inside the Node (about 2.7
// kB, holding up to 30 fingers and the default 8 successors), so that a
// node stores each entry once and a step on a ring too large for the
// processor's cache touches few memory lines; a finger change updates the
// table in place. The successor list travels with every
// step: the asker uses it to step over dead successors when the key falls
// within its span, and falls back on it, farthest entry first, when every
// candidate of the step has failed (fingers that departed since they were
// last refreshed), so a lookup succeeds whenever successor lists alone
// reach the key.
//
// # Protocol overview
//
//	querier q                      node n (each hop)                 owner o
//	Closest{key} ──────────────▶  key ∈ (n, succ]? Done + successors
//	          ◀──────────────────  else 5 best candidates + successors
//	... next candidate ...
//	Ping ───────────────────────────────────────────────────────────▶ (alive?)
//
//	stabilize at n:  GetState ──▶ succ s  ◀── pred p, list
//	                 [GetState ──▶ p, if p ∈ (n, s)]
//	                 Notify ──▶ new successor (rectify); Handoff ──▶ pred
//
//	mput (client c):  for i < q_s: k_i = h(chunk_hash, secret, i)
//	                  c ──▶ tracker: chunk_hash, i, H(data)
//	                  tracker: k_i = h(chunk_hash, secret, i)
//	                  tracker ──▶ c: ticket ⟨chunk_hash, i, k_i, H(data), expiry⟩ signed
//	                  Lookup(k_i), Store{ticket, ciphertext} ──▶ successor(k_i)
//	                  storer: trusted tracker? signature? unexpired? H(data)?
//	                          responsible for k_i (lookup step at its pred)? quota?
//	mget:             Lookup(k_i), Has ──▶ successor(k_i) for every i
//	                  hook picks the seller (auction, payment) ──▶ Fetch
//	                  re-put c slots chosen at random (Claim 4.2)
//
// # BitStore storage
//
// [Node.Put] and [Node.Get] are DHash's put(block) and get(key) with
// content-hash keys ([BlockKey]). A [Swarm] holds what a tracker tells its
// swarm: the secret and q_s. [Swarm.ReplicaKey] is h(chunk_hash, secret, i),
// a BLAKE3 keyed hash under a key derived from the secret, so only swarm
// members can locate the replicas; replica i lives at
// successor(ReplicaKey(chunk_hash, i)). [Swarm.Seal] encrypts chunks with
// AES-256-GCM under a per-chunk key derived from the secret and the chunk
// hash before they are stored (§4.4), so storers see only ciphertext and
// ring keys; [Swarm.Open] checks the tag and then the chunk hash.
//
// [Node.MPut] (Figure 2, case 1) stores all q_s replicas, concurrently,
// and reports the distinct holders (two keys can fall to one node in a small ring).
// An [OwnerCache] ([MPutOptions], [MGetOptions]) remembers the ring arcs
// that lookups found, so that most stores and has-checks of a file's
// chunks go straight to their holders; its entries are hints that the
// holders' answers correct. [MGetOptions].Direct fetches a chunk from one
// slot's holder after another without the search among holders, for
// getters that need no auction.
// [Node.MGet] (case 2) finds the holders that still have the chunk, lets a
// [SellerPicker] choose the seller (the auction package plugs in there,
// through examples/bitstore, without this package importing it), fetches
// and verifies the chunk, and lazily re-puts c randomly chosen slots
// ([MGetOptions.Repair], Claim 4.2). Holders ignore stores of a block they
// hold. Replicas expire [Config.Lifetime] after their last store or
// fetch; a node finds the expired ones through its store's index by expiry
// time, never by scanning its blocks, so the cost of a store, fetch or has
// request does not grow with the blocks held (BenchmarkStoreRequests).
// A store carries a [Ticket] from a [TicketIssuer] (§4.3): the
// client names the swarm, the chunk hash, the replica index and the hash
// of the bytes, and the [Tracker] computes the ring key itself
// ([Tracker.SignReplica]; [Tracker.SignBlock] for DHash's content blocks,
// whose key is their hash), so no ticket can name another chunk's key. The
// storer accepts a block only from a trusted tracker, with a valid
// unexpired signature, for the exact bytes sent, for a key it is
// responsible for (the last step of a lookup, asked of its predecessor,
// names it the key's owner; a full lookup of its own when it knows no
// predecessor or the predecessor cannot answer), and within its quota ([Config.Quota]; a
// refused store leaves the block held under the key). A block under a key
// is never replaced by different bytes ([ErrConflict]) unless the new
// ticket is for the same chunk and replica and newer (it expires later):
// that is how an mget repairs a replica that no longer decrypts.
//
// When membership changes, blocks move to the new owner as handoffs: a
// node hands the blocks outside (predecessor, self] to a new predecessor,
// and a leaving node hands all its blocks to its successor; refused
// handoffs are retried, so no block is lost to a join or a leave. A node
// accepts a handoff only from a ring neighbour and only for keys the
// sender was responsible for: from its first successor, keys that precede
// the node; from a predecessor that has just announced its leave, keys in
// (that node's predecessor, that node]; anything else is [ErrForbidden] or
// [ErrNotResponsible]. A handoff is exempt from the ticket's expiry (not
// from its signature): a ticket's expiry bounds when a new store may use
// it, while the replica it authorised lives on and must follow its key's
// owner round the ring.
//
// Every refusal is an error value (a sentinel carried on the wire as a
// [Status]) and counted in the node's [Stats]; malformed messages are
// rejected by the decoders and counted by [Node.HandleWire]; none panics or
// changes the ring pointers. Every 32-byte string is a point of the ring,
// so an identifier can only be malformed by its length, which the
// decoders ([IDFromBytes], [ID.UnmarshalText], the message codec) reject.
//
// # Network engines
//
// A network engine (the p2p module) embeds nodes through these seams:
//
//   - [Config.ID]: the node's ring identifier, which the engine derives
//     from the node's authenticated identity (a hash of its public key);
//     [Config.AcceptNode] vets every node another node names, so that an
//     engine can refuse identifiers that do not match their addresses.
//   - [Transport]: outgoing calls, encoded with [Request.MarshalBinary]
//     and decoded with [Response.UnmarshalBinary]; no valid message is
//     longer than [MaxMessageSize], the bound for a frame.
//   - [Node.HandleFrom] and [Node.HandleWireFrom]: incoming requests,
//     handed over with the sender the engine authenticated. A request
//     whose claimed sender differs is refused ([StatusForbidden]) and
//     counted ([Stats].Spoofed). [Node.Handle] trusts the claimed sender
//     and is for transports that guarantee it, such as simnet.
//   - [Config.Store]: the node's [BlockStore] (by default a [MemStore]); a
//     durable store makes a restarted node serve its blocks again, and
//     can keep each block in the encoding of [Block.MarshalBinary].
//     Package [github.com/swarmblocks/swarmblocks/chord/storetest] checks
//     an implementation.
//   - [Config.Events]: predecessor and successor changes and blocks moved
//     in or out, sent without ever blocking the node.
//   - The engine's timers call [Node.Stabilize], [Node.FixFingers] and
//     [Node.CheckPredecessor], and may call [Node.ExpireBlocks].
//
// # Appendices A and B
//
// [DiskEstimate] is Appendix A: 3,583,654 torrents × 60.15 MB × 10 /
// 8,914,595 users = 241.8 MB per user. Appendix B's proof sketch is
// garbled (its combinatorial term c!(q−c)!/q!, [ClaimBTerm], is not a
// failure probability), so this package models lazy maintenance exactly
// ([LazyRepairModel]): per request interval each replica's holder fails
// with probability p; a request finding no replica loses the chunk;
// otherwise c of the q_s slots, chosen at random, are re-put, restoring
// the empty ones among them. With q_s = 10, c = 3, p = 0.1 the long-run
// loss is 4.0·10^-7 per interval (8.1 replicas on average), not the
// ≈10^-10 quoted in §4.2: that figure, p^q_s ([FullReplicationLoss]), is
// reached when every request restores every slot (c = q_s). Both the
// full system ([simnet.RunDurability]) and a placement-level simulation
// ([simnet.SimulateReplicas]) agree with the model.
//
// # Measurements
//
// All figures come from the simulator on the reference machine (2-core
// AMD EPYC, shared with other jobs) and are reproducible from their seed:
//
//	SWARMBLOCKS_LONG=1 go test -run TestLong -v -timeout 3h ./chord/simnet
//	go test -run '^$' -bench . -benchtime 1x ./chord
//
// Lookup path length on one ring grown by the protocol and measured each
// time it doubled, on the ideal ring with every finger refreshed (seed 1,
// r = 8, 10,000 iterative lookups each, every one answered by the true
// owner; TestLongHops). Paths are a little shorter than ½·log2 N because
// each hop may also use the successor list:
//
//	      N   ½·log2 N   mean   p99
//	   1024       5.00   4.31     7
//	   2048       5.50   4.79     8
//	   4096       6.00   5.30     9
//	   8192       6.50   5.80     9
//	  16384       7.00   6.30    10
//	  32768       7.50   6.82    11
//	  65536       8.00   7.29    11
//	 131072       8.50   7.76    12
//	 262144       9.00   8.29    13
//	 524288       9.50   8.79    13
//	1048576      10.00   9.26    14
//
// Lookups under churn, as in the Chord paper's §V: a 1,000-node ring
// (r = 8), joins and crash failures each a Poisson process of rate R,
// stabilize, fix-fingers and check-predecessor every 30 s, one hour of
// simulated time, 10,000 lookups from random nodes (seed 1). A lookup
// fails if it returns an error and is wrong if it returns a live node
// other than the true owner (in practice a node that joined but is not yet
// in its predecessor's list). Zave's invariants held at every check, with
// no operating assumption enforced:
//
//	R (/s)  joins  failures  failed  wrong   mean hops  timeouts/lookup  ideal ring after churn
//	0.05      190       168   0.00%  0.19%        4.31             0.04  3 min
//	0.10      378       367   0.00%  0.26%        4.35             0.07  2 min
//	0.20      705       741   0.00%  0.56%        4.34             0.16  3 min
//	0.40     1481      1464   0.00%  1.26%        4.43             0.29  3 min
//
// Half the nodes failing at once (seed 1, maintenance every 30 s): 10,000
// lookups issued right after the failure, before any repair, then the
// time until every first successor is right again and until the ideal
// ring (every list full, every predecessor right). Lookups fall back on
// successor lists when every candidate finger is dead; before they did,
// 1.70%, 3.00%, 0.57% and 1.13% of them failed:
//
//	    N   r  failed  wrong  mean hops  p99  timeouts/lookup  successors right  ideal ring
//	 4096   8   1.20%     0%       7.85   16             9.03  1 min             3.5 min
//	16384   8   2.45%     0%      10.14   21            14.92  2.5 min           5 min
//	 4096  16   0.12%     0%       7.24   16             8.39  30 s              5.5 min
//	16384  16   0.59%     0%       9.19   20            13.28  1 min             6 min
//
// Appendix B durability (seed 1; rings of 2,000 node positions for the
// placement-level runs ([simnet.SimulateReplicas]), real nodes and
// messages for the full system ([simnet.RunDurability])):
//
//	setting               chunk-intervals  lost  model expects  per interval (model)
//	q_s=10 c=3  p=0.1           1,000,000     0           0.40  4.0e-07
//	q_s=10 c=10 p=0.1           1,000,000     0           0.00  1.0e-10 (= p^q_s)
//	q_s=10 c=1  p=0.1             867,784   247         247.02  2.9e-04
//	q_s=10 c=3  p=0.3             404,763   896         885.15  2.2e-03
//	full system, c=3 p=0.1      1,000,000     0           0.40  4.0e-07
//	full system, c=3 p=0.3        161,016   377         347.70  2.2e-03
//	full system, c=3 p=0.1 (*)     20,000     0           0.01  4.0e-07
//	full system, c=3 p=0.3 (*)     18,774    28          37.91  2.2e-03
//
// (*) 500 nodes, 200 chunks, 100 intervals; the others 1,000 nodes and
// 1,000 chunks. The full system run of 10^6 chunk-intervals takes 5
// minutes. Measured losses agree with the model within 1.6 standard
// deviations everywhere.
//
// Speed (the 2-core reference machine, go test -bench; BenchmarkBuildRing
// once, the lookup benchmarks with -benchtime 500000x, ranges over repeated
// runs in fresh processes; BenchmarkLookup runs one lookup at a time,
// BenchmarkLookupParallel one per core):
//
//	BenchmarkBuildRing/N=1000          0.03 s   2,968 B/node (*)
//	BenchmarkBuildRing/N=10000         0.45 s   2,937 B/node (*)
//	BenchmarkBuildRing/N=100000        7.4 s    2,732 B/node (idle machine)
//	BenchmarkLookup/N=1000             1.9 µs/lookup   ≈520,000/s   4.31 hops
//	BenchmarkLookup/N=10000            6.5 µs/lookup   ≈150,000/s   5.95 hops
//	BenchmarkLookup/N=100000           9.0 µs/lookup   111,500/s   7.61 hops (idle machine)
//	BenchmarkLookupParallel/N=1000     1.5 µs/lookup   ≈650,000/s
//	BenchmarkLookupParallel/N=10000    1.9–3.2 µs      310,000–530,000/s
//	BenchmarkLookupParallel/N=100000   4.1–4.4 µs      227,000–246,000/s (idle machine)
//	BenchmarkReplicaKeys               2.1 µs for q_s = 10 keys
//	BenchmarkMPut                      1.24 ms per 16 KiB chunk, 10 replicas (13.2 MB/s)
//	BenchmarkMGet                      0.25 ms per 16 KiB chunk (67 MB/s)
//
// (*) Measured on the machine shared with other jobs (load average 5 to
// 6), side by side with the previous code, which took 0.08 s, 1.31 s and
// 44 s and held 4,173 to 4,534 B/node. A node now stores each finger and
// successor once, inside its own allocation, and the route table refers
// to them by index; a finger change updates the table in place; finger
// maintenance and joins allocate nothing per call. The lookup rows above
// were measured on the idle machine before that change, except the rows
// marked idle, measured after the layout changes below (two runs of
// -benchtime 300000x, load average 1.1–1.3).
//
// Lookups at N = 10^5 are bound by memory latency. A lookup makes about
// 8.6 calls (7.6 routing steps and the owner's liveness check), each to a
// node not in the processor's caches, and on this virtual machine a
// dependent load from a random place in 200 to 500 MiB costs 350 to 500 ns
// (a translation miss and a memory access; 100 to 230 ns within 64 MiB).
// A call therefore waits for at least four such loads in turn: the
// network's endpoint slot (the address's bytes and the handler share 32
// bytes), the node's first 128 bytes (lock, counters, table headers),
// then together its route table, identifier and successor list, and
// last the finger entries the route table names. A [Node] fits the
// allocator's 2,048-byte size class so that none straddles two pages
// (a 10^5-node ring holds 2,732 B/node, 2,928 before);
// [Node.LookupInto] reuses the caller's result and allocates nothing;
// the simulated network's read lock is sharded so that two cores do not
// share a cache line per call. Side by side with the code before those
// changes (six runs of each with -benchtime 300000x, alternating, load
// average 2.1 to 3.4), BenchmarkLookup/N=100000 took 10.5–12.0 µs
// (83,000–95,000 lookups/s; before 12.1–14.0 µs, 71,000–83,000/s) and
// BenchmarkLookupParallel/N=100000 at best 5.8 µs (172,000/s; before at
// best 6.9 µs, 146,000/s), its other runs slowed by the other jobs; the
// processor time of one lookup, which leaves out the time the loaded
// machine took the benchmark off its core, fell from 11.2–11.9 µs to
// 8.6–10.6 µs. In the profile, 3.2 µs of a lookup is spent on the
// first touch of each node, 1.3 µs on endpoint slots, 2.2 µs on the
// route tables, entries and successor lists, and about 1 µs on the
// asking node's own first access. The targets of 250,000 lookups/s on one
// core and 400,000/s on two would need a lookup in 4 µs, one such memory
// access per call: below the floor of this layout on this machine.
//
// A ring of 10^6 nodes (SWARMBLOCKS_LONG=1 go test -run TestLongMillion
// -v ./chord/simnet) is built and stabilised by the protocol in 1 min 49 s
// on the idle machine (load average 1.1), using 2,806 B/node and a peak
// resident memory of 3.67 GiB (the test bounds the collector's headroom
// at 5 GiB); the whole test, with the 200,000 lookups below, took 1 min
// 58 s of wall time and 119 s of user processor time. 100,000 lookups on
// it took 9.27 hops on average (½·log2 N = 9.97, p99 14), all answered by
// the true owner, at 53,800 lookups/s from one goroutine.
//
// Scaling (BenchmarkScaling in chord for lookups and in chord/simnet for
// the ring build; internal/scaling fits the exponents; README, Scaling):
// over 10^3 to 10^5 nodes a lookup's hops grow as N^0.12, as ½·log2 N does
// over those sizes (N^0.11), but its processor time as N^0.45–0.49: a hop
// costs about 0.53 µs while the ring fits the caches (up to about 2,000
// nodes) and 2.1–2.3 µs at 10^5, the cache misses described above. The
// build's network calls grow as N^1.19 (N·log²N: N^1.22) and its processor
// time as N^1.21–1.22: a call costs 0.58–0.65 µs at every size, since
// consecutive nodes of the identifier-ordered finger sweep ask nearly the
// same nodes (before that sweep, 0.94 µs at 10^3 nodes and 1.77 µs at 10^5).
//
// # Interpretation choices
//
//   - §4.2 lets i run "from 0 through q_s" and §4.3 writes 0 ≤ i ≤ q_s;
//     both say q_s replicas, so i runs over 0 … q_s−1.
//   - chunk_hash is "the hash of the hash of the chunk" ([ChunkHash],
//     BLAKE3 twice), computable from the .torrent file.
//   - The tracker signs ⟨chunk_hash, i, k⟩ as in §4.3, computing k
//     itself, extended with the hash of the stored bytes and an expiry so
//     that a captured ticket cannot authorise other data or be replayed
//     forever. A handoff from a ring neighbour re-checks the signature but
//     not the expiry (see BitStore storage).
//   - A holder keeps the first block stored under a key; a later store of
//     other bytes needs a newer ticket for the same chunk and replica. A
//     swarm member can still obtain such a ticket for any chunk of its
//     swarm and replace a replica with garbage; the damage is detected end
//     to end ([Swarm.Open] checks the chunk hash, so [Node.MGet] skips that
//     seller) and undone by the next repair, itself with a newer ticket.
//   - The storer's "Chord lookup" check is a real lookup from the storer,
//     preceded by a free rejection when the key is outside (predecessor,
//     self].
//   - Chunks are encrypted with a nonce derived from the chunk hash under
//     the secret, so encryption is deterministic: replicas re-put by any
//     swarm member are identical and holders can recognise duplicates;
//     storers learn only whether two ciphertexts are equal.
//   - mget re-puts c randomly chosen slots (Claim 4.2) after every
//     successful get; Figure 2's "if |r| < |s| replenish all" is Repair =
//     q_s.
//   - A replica's lifetime restarts when it is fetched: the paper lets it
//     expire when "no leecher is seeking this chunk".
//
// # Limits
//
//   - Chord is not Byzantine fault tolerant, and neither is this package: a
//     node that lies in its answers can misroute lookups. Transports must
//     authenticate the sender of every message ([Node.HandleFrom]; simnet
//     refuses a request naming another sender's address); the handlers
//     only act on ring updates and handoffs from the nodes they concern.
//   - A network partition splits the ring into one ring per side (each
//     side sees the other as failed). Chord has no rule for merging rings
//     when the network heals; the nodes of the smaller side must rejoin
//     through a node of the other (TestPartition does this).
//   - Node identifiers are chosen by the caller ([Config.ID], default
//     HashID(address)). This package cannot tell whether an identifier
//     belongs to its address; an engine that derives identifiers from
//     public keys enforces it with [Config.AcceptNode]. Even then a party
//     with many keys can grind for places on the ring (Sybil nodes).
//   - In the simulator every call is an atomic step (as in Zave's model);
//     latency is charged to the call, not interleaved with other steps.
//   - Tickets bound a replay by their expiry; a storer keeps no log of
//     tickets used. A ring neighbour may hand over a block under an
//     expired ticket it once held legitimately or copied; quota bounds
//     what that costs the receiver.
//   - [MemStore] lists the keys of a ring interval (handoffs, on
//     membership changes only) by scanning its map; every other
//     operation uses its index.
//   - Lookups at 10^5 nodes are bound by memory latency (see Speed):
//     111,500 lookups/s on one goroutine and 227,000–246,000/s on two on
//     the idle 2-core machine, short of 250,000 and 400,000.
//
// # References
//
//   - A. Ramachandran, A. Das Sarma, N. Feamster, "BitStore: an
//     incentive-compatible solution for blocked downloads in BitTorrent",
//     NetEcon 2007:
//     §3.2 and Figure 2, §4.1–4.4, Appendices A and B.
//   - I. Stoica, R. Morris, D. Karger, M. F. Kaashoek, H. Balakrishnan,
//     "Chord: a scalable peer-to-peer lookup service for Internet
//     applications", ACM SIGCOMM 2001.
//   - P. Zave, "Reasoning about identifier spaces: how to make Chord
//     correct", IEEE Transactions on Software Engineering 43(12), 2017
//     (arXiv:1610.01140).
//   - F. Dabek et al., "Wide-area cooperative storage with CFS", SOSP 2001
//     (DHash).
package chord
