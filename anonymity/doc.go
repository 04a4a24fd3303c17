// Package anonymity measures anonymity and attacks it: the
// information-theoretic metrics of anonymous communication, the statistics that decide
// whether cover traffic is indistinguishable from real intent, and the
// traffic-analysis and intersection attacks that PACOM [PACOM] and the
// Anonymity Marketplace [Marketplace] are evaluated against.
//
// # Metrics
//
// [Measure] and [MeasureCounts] take the adversary's view of who sent a
// message — a probability vector, unnormalised weights, or counts — and
// return [Metrics]: the Shannon entropy S of Eq. (8) of [PACOM §4.1] in
// bits, the degree of anonymity S/log2 N ([Metrics.Degree]), the effective
// anonymity set size 2^S ([Metrics.EffectiveSize]) and the min-entropy.
// Zeros contribute nothing, weights are scaled by the largest before
// summing (so 1e308s and subnormals both work) and sums are compensated.
// NaN, infinite or negative weights and all-zero vectors are errors.
//
// PACOM's models [PACOM §4.2, §4.4.2]: [PrivateUseCase] (log2 N, clients
// hidden among all N BitTorrent clients), [PublicUseCase] (log2 n, among the
// n PACOM clients) and [Theorem2], log2(n(1 − q^r)) against collaborating
// bootstrapping nodes. [SimulateCollaboration] checks Theorem 2 by
// simulating trap-mode clients and measuring the adversary's posterior with
// [Measure].
//
// # Statistics
//
// [KolmogorovSmirnov] and [MannWhitney] are two-sample tests with two-sided
// p-values. For small and moderate samples they are exact permutation
// p-values conditional on the tie pattern — the right null distribution for
// discrete data such as start and end ranks, where the continuous-data
// formulas are miscalibrated — computed by lattice-path counting with
// comparisons only at the ends of runs of ties (KS, n·m ≤ 10⁶) and by
// counting subsets of midranks (Mann–Whitney, (n+m)·min(n, m) ≤ 4,000).
// Above those sizes they are asymptotic (the Kolmogorov distribution with
// Stephens' correction; the tie-corrected normal approximation from
// gonum's distuv), and each switch moves a p-value near α = 0.05 by less
// than 0.005. Every exact p-value is checked against enumeration of all
// splits of small samples (TestExactAgainstEnumeration).
//
// Pooled two-sample tests assume independent observations. A node's k
// downloads are not independent (its ranks are a permutation of 1..k), so
// [StratifiedPermutationTest] permutes the native label within each node
// (each [Stratum]) instead; it too is checked against enumeration.
// [BestThreshold] is the optimal single-threshold distinguisher; its
// advantage, balanced accuracy − ½, equals half the KS distance, and is
// biased upward when fitted and scored on the same sample, which
// [HeldOutAdvantage] avoids. [Compare] runs the two tests and the
// distinguisher. Other packages of this module import these for their own
// indistinguishability claims. Every simulation takes a seeded *rand.Rand;
// a nil one is an [ErrParameter].
//
// # Indistinguishability of intent
//
// [NewIntentLog] validates a per-node download log ([Event]: start, end,
// transfer from a peer) with the nodes' native interests; [IntentLog.StartRanks],
// [IntentLog.EndRanks] and [IntentLog.Volumes] (global view), and
// [IntentLog.ObserverStartRanks], [IntentLog.ObserverEndRanks] and
// [IntentLog.ObserverVolumes] (what a single serving peer sees) extract the
// behaviours of [Marketplace §5.3], and [IntentLog.Report] compares native
// against cover traffic on each, pooled and per time bucket
// ([CompareVolumes]). [IntentLog.RankPermutationTest] tests ranks without
// assuming independent samples, by permuting the native label within each
// node. [SimulateIntentLog] generates synthetic logs with a
// tunable leak of intent.
//
// # Traffic analysis
//
// [PatternVector] builds the pattern vector of Eq. (9) [PACOM §4.3], packet
// counts per interval. Eq. (10), the frequency-domain distance of Zhu et
// al.'s flow-correlation attack, is garbled in the text
// (d = √⟨X^F_j, X^F_j⟩ / ⟨X^F_i, X^F_j⟩ as extracted, which is not symmetric
// and not bounded), so this package defines the normalised spectral
// distance [Spectral]:
//
//	X^F = |FFT(X − mean X)|_k, k = 1..⌊q/2⌋   (gonum dsp/fourier)
//	d(X_i, X_j) = 1 − ⟨X^F_i, X^F_j⟩ / (‖X^F_i‖·‖X^F_j‖)   ∈ [0, 1]
//
// the cosine distance of the DC-free magnitude spectra: 0 for identical
// (or circularly delayed) patterns, insensitive to a relay's delay, and 1
// for a constant pattern. [Correlation] (1 − the best Pearson r over lags
// 0..MaxLag) and [MutualInformation] (1 − normalised mutual information of
// quantised patterns, over lags) are the time-domain and
// information-theoretic variants. All three implement [Metric]; [MatchLinks] pairs
// each input link with its closest output link and [DetectionRate] scores
// the attack as in [PACOM §6.5], a tie among k outputs counting 1/k.
//
// [SimulateRelay] runs one hop of the emulation of [PACOM §6.4–6.6] on the
// internal discrete-event engine: a naive mix ([ThresholdMix], [TimedMix]),
// whose output follows its input, or PACOM's [RequestDriven] relay, whose
// output answers the next hop's independent block requests (Algorithm 1).
// [DetectionCurve] measures the detection rate against observation time.
// The active attacks of §4.3 are represented by a rate [Watermark]: the
// adversary modulates each input link with its own random code and looks
// for it in the outputs ([SimulateWatermarkedRelay],
// [ActiveDetectionCurve]).
//
// # Intersection attacks
//
// [NewSessionTrace] validates an uptime trace; [SessionTrace.Online] gives
// the online-set snapshots; [IntersectionAttack] intersects them and
// announces a verdict once at most 10 suspects remain [PACOM §4.4.1].
// [SimulateInnocentReceiver] (with or without the random uptime-extension
// defence) and [SimulateMaliciousReceiver] (with identity rotation every n
// hours) reproduce the experiments of Fig. 9. The UMass BitTorrent logs the
// paper used are not available: [GenerateSessions] draws synthetic traces
// from the measured model of [Guo05 §4] — seeding time exponential with
// mean 8.42 h, torrents per client geometric with p = 0.8551 — with a
// small local generator, so that this package can be imported without the
// module's swarmmodel package; examples/anonymity runs the same
// experiments on swarmmodel's workload generator as a cross-check.
//
// # Measured reproductions
//
// All figures below come from
//
//	go run ./examples/anonymity -seed 1
//
// (about 10 s of CPU time, longer on a loaded machine; PNG figures in
// examples/anonymity/out). SWARMBLOCKS_LONG=1 go test -run Long
// ./anonymity asserts their claims at full scale; the default tests assert
// the same properties at a smaller one.
//
// Theorem 2 against its Monte-Carlo check (400 trials per cell, 10
// bootstrapping nodes of which 10q are malicious). "hidden" is the mean
// measured entropy when the sender is not in trap mode, the quantity
// Appendix B computes; it matches the theorem to within 0.02 bits, the
// residual being Monte-Carlo noise plus a Jensen gap, since the number of
// trapped clients varies. "overall" also counts trapped senders (entropy
// 0), ≈ (1 − q^r)·theorem: Theorem 2 is the anonymity of a sender who is
// not trapped, not the average over senders.
//
//	    n    q  r   theorem   hidden   overall   trapped sender
//	  100  0.1  1     6.492    6.490     5.808   0.105
//	  100  0.3  2     6.508    6.508     5.873   0.098
//	  100  0.5  1     5.644    5.662     2.774   0.510
//	  100  0.5  4     6.551    6.551     6.223   0.050
//	 1000  0.1  1     9.814    9.815     8.809   0.103
//	 1000  0.3  1     9.451    9.450     7.088   0.250
//	 1000  0.3  2     9.830    9.830     8.847   0.100
//	 1000  0.5  1     8.966    8.965     4.505   0.498
//	 1000  0.5  2     9.551    9.554     7.070   0.260
//	 1000  0.5  4     9.873    9.873     9.256   0.063
//	10000  0.1  1    13.136   13.136    12.184   0.073
//	10000  0.3  2    13.152   13.152    12.034   0.085
//	10000  0.5  1    12.288   12.289     6.267   0.490
//	10000  0.5  4    13.195   13.195    12.700   0.038
//
// (the example prints the full 27-cell grid, r ∈ {1, 2, 4}.)
//
// Traffic analysis, detection rate per hop against observation time
// ([PaperMix]: threshold mix, 2 circuits of 20 packets/s, flush at 4
// packets or 100 ms; the timed mix flushes every 200 ms; [PaperPACOM]:
// request-driven relay, 3 candidate output links; link delays uniform in
// [1, 100] ms; 50 ms intervals; 200 relays per point). The passive attack
// finds the mix (Fig. 13: → 1.0, sooner with the time-domain variants,
// later against the timed mix, whose batches blur the spectrum); PACOM's
// relay stays at random guessing (Fig. 15: ≈ 1/3). The active
// [Watermark] attack (500 ms chips, depth 0.8) shows the same contrast.
//
//	observed              1 s    2 s    5 s   10 s   20 s   40 s   80 s
//	mix, spectral       0.623  0.713  0.830  0.943  0.983  1.000  1.000
//	mix, correlation    0.870  0.943  1.000  1.000  1.000  1.000  1.000
//	mix, mutual info    0.595  0.675  0.897  0.940  0.985  0.995  1.000
//	timed mix, spectral 0.515  0.560  0.603  0.705  0.743  0.850  0.925
//	PACOM, spectral     0.317  0.338  0.327  0.335  0.323  0.318  0.348
//	PACOM, correlation  0.330  0.355  0.358  0.330  0.345  0.390  0.373
//	mix, watermark      0.647  0.896  0.998  1.000  1.000  1.000  1.000
//	PACOM, watermark    0.326  0.340  0.347  0.343  0.313  0.320  0.340
//
// Intersection attacks (Fig. 9), 100 trials, on two synthetic backgrounds:
// this package's [SessionModel] (43,764 clients, about 3,300 online at a
// time) and, as a cross-check, the swarmmodel package's workload generator
// for the same paper (18,888 peers, about 1,000 online; it adds download
// times and a 71 h sleep). Innocent receiver, success after d days of daily
// 1–10 h sessions:
//
//	day                        1     2     3     4     5     6   ...  14
//	SessionModel, unprotected 0.00  0.00  0.00  0.31  0.95  1.00  ... 1.00
//	SessionModel, extension   0.00  0.00  0.00  0.01  0.01  0.01  ... 0.01
//	swarmmodel,   unprotected 0.00  0.00  0.58  0.99  1.00  1.00  ... 1.00
//	swarmmodel,   extension   0.00  0.00  0.05  0.05  0.05  0.05  ... 0.05
//
// Malicious receiver, success within 14 days against the identity-rotation
// period n:
//
//	n              12 h  24 h  36 h  48 h  70 h  96 h  120 h  168 h  never
//	SessionModel   0.00  0.00  0.00  0.00  0.30  0.40  0.45   0.65   1.00
//	swarmmodel     0.00  0.00  0.00  0.20  0.48  0.57  0.68   0.77   1.00
//
// The paper finds that rotating within 70 h defeats the attack on the UMass
// logs; on the synthetic traces rotating within 36–48 h does, and at 70 h
// the attack already succeeds a third to a half of the time. Without
// rotation the hourly intersection shrinks to 10 clients in about
// 8.42 h · ln(N₀/10) ≈ 50 h when N₀ ≈ 3,000 clients are online: the real
// logs evidently held more long-lived clients.
//
// Indistinguishability of intent on synthetic marketplace logs (100 nodes,
// k = 5 of 40 torrents, 62.5 MB torrents, 500 s buckets). With bias b a
// node starts its native torrent first with probability b and downloads
// it (1+b) times faster; b = 0 is the ideal marketplace. KS p-values and
// distinguisher advantages (balanced accuracy − ½):
//
//	bias  start rank      end rank        global volume   worst global bucket
//	0.0   p 0.55  0.044   p 0.74  0.037   p 0.91  0.013   p 1.0      0.055
//	0.3   p 8e-6  0.137   p 3e-9  0.175   p 8e-8  0.067   p 4e-8     0.172
//	0.8   p 1e-47 0.406   p 1e-50 0.419   p 1e-26 0.130   p 1e-45    0.401
//
// The within-node permutation test (2000 rounds) gives p = 0.42 (start
// ranks) and 0.38 (end ranks) at bias 0, and its floor, 1/2001, at 0.3 and
// 0.8.
//
// # Interpretation choices and limits
//
//   - Entropies are in bits (log2); the paper writes log without a base.
//   - Theorem2 returns 0 rather than a negative entropy when fewer than one
//     client is expected outside trap mode. The simulation draws each swarm's
//     bootstrapping node independently, so a client is trapped with
//     probability exactly q^r, as the proof assumes.
//   - Eq. (10) is replaced by the normalised spectral distance above.
//   - The distinguisher advantage uses balanced accuracy (equal priors), so
//     unequal sample sizes do not reward always guessing the larger class.
//   - Volume profiles keep one cover sample per cover download (not each
//     node's average over its cover torrents), so that native and cover
//     samples follow the same law when intent is hidden. Samples of one node
//     are not independent — its k ranks are a permutation; a per-observer
//     profile repeats a node once per peer — so the p-values are somewhat
//     anti-conservative (about 9% false alarms at the 5% level on start
//     ranks of synthetic fair logs, far more on per-observer volumes); the
//     advantages are not affected, and [IntentLog.RankPermutationTest]
//     gives calibrated p-values for ranks.
//   - The intersection attacker restarts from the current snapshot when the
//     intersection becomes empty, and announces its first suspect set of at
//     most Threshold clients; it uses set intersection only, not the
//     statistical disclosure attacks of §4.4.1. Uptime extension defaults
//     to up to 6 h each side plus an idle session on half the days; the
//     paper gives no numbers.
//   - The mean sleeping time between a client's torrents (τ_sl of [Guo05])
//     is lost in the extracted text; [PaperSessionModel] uses 24 h.
//   - The relay model is one hop with Poisson flows; every hop of a circuit
//     is alike in it, so the per-hop rate of Fig. 13 is that of one hop. It
//     reproduces the shape of Figs. 13 and 15, not the WANem testbed.
//     Fig. 16 (one circuit only) is not reproduced. The active attack is a
//     rate watermark; packet-delay watermarks and other active attacks of
//     [22–24] in the paper are not modelled.
//   - Nothing here is constant time: the package analyses traces, it does
//     not handle secrets.
//
// # References
//
//   - PACOM: Lv et al., "PACOM: parasitic anonymous communication in the
//     BitTorrent network", Computer Networks 74, 2014.
//   - Marketplace: S. J. Nielson and D. S. Wallach, "The BitTorrent
//     Anonymity Marketplace", arXiv:1108.2718, 2011,
//     https://arxiv.org/abs/1108.2718.
//   - Guo05: L. Guo, S. Chen, Z. Xiao, E. Tan, X. Ding and X. Zhang,
//     "Measurements, analysis, and modeling of BitTorrent-like systems",
//     Internet Measurement Conference (IMC) 2005.
//
// [Marketplace]: https://arxiv.org/abs/1108.2718
// [Marketplace §5.3]: https://arxiv.org/abs/1108.2718
package anonymity
