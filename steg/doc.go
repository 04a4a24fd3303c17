// Package steg hides a small number in the order in which a BitTorrent
// client downloads pieces: the steganographic channel through which PACOM
// bootstrapping nodes tell joining clients which PACOM swarm to join
// ([PACOM] §3.3, Appendix A, Algorithms 2 and 3).
//
// A bootstrapping node that wants to announce swarm id x, 1 ≤ x ≤ n
// (n = 100 in the paper), splits the pieces it still misses into the two
// classes of a keyed hash function H_x, H_x(b) < m/2 or not, and downloads
// every piece of one class before any piece of the other. Its neighbours
// see the order in its HAVE messages; one that holds the key tests, for
// every i, whether the last c HAVEs all fall in one class of H_i, and finds
// x. Without the key the order looks like any client's.
//
// # Protocol overview
//
//	bootstrapping node Pb                            joining node Pi
//	key K (shared by PACOM clients), swarm id x      key K
//	Picker.Hide(F_K, x): rarest-first inside
//	one class of H_x (Algorithm 2)
//	        ── BITFIELD (pieces held so far) ──────────>  StreamDecoder.Consume
//	        ── HAVE b₁ ────────────────────────────────>  one-class run of every H_i
//	        ── HAVE b₂ ────────────────────────────────>
//	                          ⋮
//	        ── HAVE b_c ───────────────────────────────>  only H_x has c HAVEs in one
//	                                                     class: report x (Algorithm 3)
//	                                                     → joins swarm I_x = HF(x, IP(Pb), d)
//
// The parts:
//
//   - [Family]: the keyed hash family H_1 … H_n, uniform maps [0, m) → [0, m)
//     built on keyed BLAKE3.
//   - [Picker]: a rarest-first piece picker with random tie-breaks, the
//     order real clients follow; [Picker.Hide] turns it into the encoder of
//     Algorithm 2.
//   - [Plan]: the encoder of Algorithm 2 for a host client that keeps its
//     own piece picker (anacrolix/torrent has no picker interface): it
//     says which pieces to want and which to hold, from the completions
//     and availability the host reports, and the host orders the wanted
//     pieces itself. [SenderPlan] and [BeaconPlan] are [Sender] and
//     [Beacon] in the same form. A stalled plan releases a piece of the
//     other class at once, or, strict, when the host calls [Plan.Release]
//     (after a grace period, say). Package
//     github.com/swarmblocks/swarmblocks/bittorrent/havesteg runs them in
//     anacrolix/torrent clients.
//   - [Decoder] (batch, Algorithm 3) and [StreamDecoder] (one HAVE at a
//     time, reports as soon as it is sure).
//   - Frames for more than log2(n) bits: [FrameSymbols], [ParseFrame], the
//     [Sender] that drives a Picker slot by slot and the [FrameDecoder].
//   - [Beacon]: hides x in bursts separated by plain rarest-first, which
//     shrinks the rarity leak described under Limits.
//   - The BEP 3 peer wire: [AppendHave], [AppendBitfield], [ParseMessage],
//     [Reader], [Bitfield].
//   - [Observer]: the keyless observer's tests (chi-square, runs, KS), to
//     audit an encoder the way an adversary would.
//
// # Interpretation choices
//
// The appendix is short; where it is silent or loose this package chooses:
//
//   - Pieces, not blocks. The appendix speaks of the order of "blocks";
//     what a client announces, in a BEP 3 HAVE, is the index of a whole
//     piece once its hash is verified (the 16 KiB blocks of a piece are
//     requested and received, never announced). Every index here is a
//     piece index and m the number of pieces of the carrier torrent; the
//     identifiers [MaxBlocks], [Family.Blocks], [ErrBlocks] and
//     [ErrBlockRange] keep the appendix's word.
//   - The hash family. H_i(b) is derived from the BLAKE3 keyed hash of m ‖ b
//     under a key derived from the shared secret: the output words w_1, w_2, …
//     (64-bit, little-endian) give H_i(b) = ⌊w_i·m/2^64⌋. "H_x(b) < m/2" is
//     read exactly, 2·H_x(b) < m, so class 1 has ⌈m/2⌉ of the m values.
//   - Algorithm 2 picks "a block randomly selected" from the class. A
//     uniformly random order would itself give a node away among
//     rarest-first clients, so the [Picker] picks the rarest available piece
//     of the class, ties broken uniformly at random.
//   - Algorithm 2 starts with class 1. [Picker.Hide] starts with the class
//     holding the piece plain rarest-first would pick now, so the first
//     choice is not bent; it moves to the other class when the first runs
//     dry, as Algorithm 2 moves from C1 to C2. Algorithm 3 accepts both
//     classes (y = c or y = 0), so decoding is unchanged.
//   - Pieces nobody has cannot be downloaded. When no piece of the active
//     class is available, [Picker.Next] takes the rarest piece of the other
//     class (one stray HAVE, counted by [Picker.OffClass]), or in strict
//     mode returns [ErrStalled] and lets the client wait.
//   - Algorithm 3 returns −1 for "nothing hidden" and the first fitting i
//     otherwise. [Decoder.Decode] returns ok = false for nothing hidden and,
//     when several functions fit, the one whose one-class run is longest
//     (the hidden symbol's run lasts the whole class, a chance fit's rarely
//     much past c), declining on a tie; [Decoder.DecodeFirst] is the literal
//     rule, kept for comparison: it is wrong about half the time several
//     functions fit.
//   - "Sure", for the [StreamDecoder], means that exactly one function fits
//     the last c HAVEs.
//   - The paper fixes n = 100 but never c. [DefaultWindow] = 24, chosen from
//     the tables below: it is the smallest window at which a streaming
//     decoder watching a whole innocent 1,024-piece download raises a false
//     alarm about 1% of the time (8% at c = 20, 79% at c = 16), and a hiding
//     node is still found after exactly 24 HAVEs for every m ≥ 128. Files of
//     64 pieces (classes of about 32) leave little room: use c ≈ 16 there.
//   - The paper sends one number. Frames carry up to [MaxFramePayload] bytes:
//     a length byte, the payload and a 2-byte keyed checksum cut into
//     ⌊log2(n−1)⌋-bit digits (6 for n = 100), each sent as the step from the
//     previous symbol so that successive symbols differ and a receiver can
//     tell them apart; a receiver finds frame boundaries by the checksum.
//
// # Measurements
//
// All figures come from a simulated swarm: the node downloads from 2 seeds
// and 30 leechers whose pieces are uneven (densities and piece popularity
// vary), who gain pieces as it downloads and are replaced now and then
// (churn), n = 100. They are reproduced, seed 20261121, in about 20 minutes
// on a 2-core machine by
//
//	SWARMBLOCKS_LONG=1 go test -run TestMeasureTables -v -timeout 60m ./steg
//
// and checked at a smaller scale by the default tests.
//
// False positives: windows of c consecutive HAVEs of plain rarest-first
// nodes (400 nodes, m = 1,024) that some H_i fits, against the analytic
// n·2^(1−c) of the issue and the exact 1 − (1 − 2^(1−c))^n:
//
//	 c    windows   fitted   measured   n·2^(1−c)   1−(1−2^(1−c))^n
//	 8     406800   221134     0.544       0.781        0.544
//	10     406000    72003     0.177       0.195        0.178
//	12     405200    19219     0.0474      0.0488       0.0477
//	14     404400     4853     0.0120      0.0122       0.0121
//	16     403600     1198     0.00297     0.00305      0.00305
//	18     402800      314     7.8e-4      7.63e-4      7.63e-4
//	20     402000       76     1.89e-4     1.91e-4      1.91e-4
//	22     401200       19     4.7e-5      4.77e-5      4.77e-5
//	24     400400        2     5e-6        1.19e-5      1.19e-5
//
// A streaming decoder watching a whole innocent download (1,024 HAVEs)
// reports a symbol for 315 of 400 nodes at c = 16, 32 at c = 20, 5 at
// c = 24 and 1 at c = 28.
//
// Wrong symbols: decisions on the first c HAVEs of 2,000 hiding nodes
// (x uniform in 1 … 100, m = 1,024). "Several" counts nodes where more than
// x fits; Algorithm 3 as written then returns the smallest fitting i, often
// wrong; the longest-run rule declines (every fit has run c at that point)
// and the streaming decoder waits for the chance fit to break:
//
//	 c   several   Alg. 3 wrong   longest-run wrong   declined   streaming wrong
//	 6     1913        1369               0              1913             0
//	 8     1082         599               0              1082             0
//	10      367         175               0               367             0
//	12       92          37               0                92             0
//	16        4           2               0                 4             0
//	20        1           1               0                 1             0
//	24        0           0               0                 0             0
//
// HAVEs the hiding node sends before the streaming decoder (c = 24)
// reports x, 400 nodes per row; "inflight" requests complete in random
// order (reordering), "loss" is the share of HAVEs the receiver misses;
// missed means not reported within the first min(m, 192) HAVEs:
//
//	   m  inflight  loss  missed  wrong  mean  p50  p95  max
//	  64      1     0.00      0     0    24.1   24   24   47
//	 128      1     0.00      0     0    24.0   24   24   24
//	 256      1     0.00      0     0    24.0   24   24   24
//	1024      1     0.00      0     0    24.0   24   24   24
//	4096      1     0.00      0     0    24.0   24   24   24
//	  64      8     0.00     22     0    27.4   24   59   64
//	 128…4096 8     0.00      0     0    24.0   24   24   24
//	  64      1     0.10      0     0    27.8   26   31   60
//	 128      1     0.10      0     0    26.8   27   30   33
//	1024      1     0.10      0     0    26.6   26   29   32
//	4096      1     0.10      0     0    26.7   26   30   35
//	  64      8     0.30    326     0    37.3   31   64   64
//	 128      8     0.30      0     0    34.6   34   41   87
//	1024      8     0.30      0     0    34.1   33   41   48
//	4096      8     0.30      0     0    34.2   34   41   50
//
// (Rows for m = 256 are left out: they match m = 128 and 1,024 within a
// HAVE.) Loss and reordering inside a class do not break a one-class run,
// so misses only appear when a class is barely longer than c, as for
// m = 64.
//
// Frames: a 4-byte payload (10 symbols + 1) announced by a [Sender] over
// whole downloads, 200 nodes per row; HAVEs sent before the first frame
// that decodes, no frame ever decoded to a wrong payload:
//
//	   m  slot  inflight  loss  decoded  mean   p95
//	1024   28       1     0.00  200/200  318    579
//	1024   32       1     0.00  199/200  377    664
//	4096   32       1     0.00  200/200  373    664
//	4096   32       8     0.00  200/200  567   1033
//	4096   40       8     0.00  200/200  695   1252
//	4096   32       1     0.10  200/200  365    666
//	4096   40       1     0.10  200/200  466    826
//	4096   48       8     0.10  200/200  835   1434
//
// Undetectability: 200 plain and 200 hiding nodes (m = 1,024, whole
// downloads). The keyless observer draws its own random partitions and
// tests each node's HAVE order; "flagged" is the share of nodes with
// p < 0.05, "plain≠enc" the p-value of a two-sample KS test between the
// plain and the hiding nodes' p-values:
//
//	test                                   plain mean p  flagged  hiding mean p  flagged  plain≠enc
//	chi-square, 4 own classes × 8 segments     0.500      0.055       0.540       0.050     0.208
//	runs test, own 2-class partition           0.466      0.050       0.485       0.045     0.611
//	KS, positions of own 2 classes             0.498      0.055       0.538       0.050     0.377
//
// An observer with the key (a streaming decoder, c = 24) found x in 200 of
// 200 hiding nodes and reported a symbol for 0 of 200 plain nodes.
//
// # Limits
//
// Warning: PACOM's undetectability holds for an observer who sees the HAVE
// order alone. Algorithm 2 restricts each choice to half of the missing
// pieces, so a hiding node leaves rarest-first whenever the rarest pieces
// fall in the other class, and an eavesdropper who also sees the
// availability around the node (by connecting to some of its neighbours)
// can measure it: the mean rarity rank of its choices (the share of the
// pieces it misses that the eavesdropper sees as strictly rarer), with a
// threshold at the 95th percentile of plain nodes, flags
//
//	eavesdropper sees        plain mean  flagged  hiding mean  flagged  KS p
//	25% of the neighbours      0.142      0.045      0.238      0.970    1e-81
//	50% of the neighbours      0.104      0.045      0.238      1.000    1e-89
//	all of them                0.000      0.000      0.175      1.000    1e-89
//
// A [Beacon] hiding x only in bursts of 32 HAVEs every 256 (a joining node
// waits at most one period) brings this down to 0.106 against 0.106 mean,
// 7.0% against 4.5% flagged and KS p = 0.78 for an eavesdropper seeing half
// the neighbours (every 512: 0.108 against 0.104, 4.0% flagged, KS p =
// 0.014), while the keyless tests stay at their null rates (flagged 1.5%
// to 6.5%; smallest plain≠enc p-value over the 9 Beacon comparisons 0.048)
// and the key finds 200 of 200 beacons; one who sees every neighbour still
// flags every beacon, since a plain node's rank is then exactly 0. Bursts timed when availability is
// flat, or a less strict class rule, are left open.
//
// Other limits:
//   - The key is shared by all PACOM clients ([PACOM] Threat Model I): any
//     client, or an adversary who captured one, finds every bootstrapping
//     node. Rotate it with the date as §3.3 does for info hashes. Files of
//     equal m share one partition under one key; derive a key per carrier
//     torrent (for instance blake3.DeriveKey over the info hash) to vary it.
//   - The channel carries one symbol of log2(100) ≈ 6.6 bits per window of
//     c HAVEs; a frame of k payload bytes takes about ⌈(8k + 24)/6⌉ + 1
//     slots.
//   - Clients that suppress HAVEs for pieces the receiver already has
//     (libtorrent's have-suppression) or hide part of their bitfield behind
//     HAVEs (lazy bitfield) change what a neighbour sees: the first only
//     removes HAVEs (tolerated as loss above), the second adds HAVEs that
//     follow no class at the start of a connection.
//   - A Picker models the rarity step of a piece picker, not priorities,
//     streaming deadlines or end-game mode, which a client applies on top.
//   - The computations are not constant time; they handle public piece
//     indexes, and the key only enters BLAKE3.
//
// The keyless tests of [Observer] draw the observer's own random
// partition, independent of the order: the labels it reads along any
// order that does not depend on that partition are independent fair
// draws, so their p-values are uniform for every encoder, hiding or not.
// They show that an encoder does not leak the observer's own partition,
// nothing more; a distinguisher must look at something else, such as the
// availability around the node (above) or, against a client whose plain
// order is nearly deterministic, the order of the indexes themselves
// (package havesteg measures such tests against plain anacrolix/torrent
// leechers).
//
// # References
//
//   - [PACOM]: J. Lv et al., "PACOM: parasitic anonymous communication in
//     the BitTorrent network", Computer Networks 74 (2014) 13–33.
//   - [BEP 3]: The BitTorrent Protocol Specification.
//   - [BEP 6]: Fast Extension (HAVE_ALL, HAVE_NONE).
//
// [PACOM]: https://doi.org/10.1016/j.comnet.2014.08.015
// [BEP 3]: https://www.bittorrent.org/beps/bep_0003.html
// [BEP 6]: https://www.bittorrent.org/beps/bep_0006.html
package steg
