// Package marketsim is a flow-level discrete-event simulation of the
// BitTorrent Anonymity Marketplace's evaluation [Marketplace §5.2–5.3]. Its
// clients take every decision with package valuation: which torrents to
// trade ([valuation.ActiveSet]), whom to unchoke ([valuation.Unchoker]) and
// which torrent to request from an unchoking peer (the one they value most,
// [valuation.Market]). examples/marketplace runs it at the paper's scale and
// draws the paper's figures; the tour runs [Tour].
//
// # Model
//
// [PaperConfig] is the paper's setup: k = 5, 40 torrents of 125 MB in 256 KiB
// pieces (477 pieces, the last one shorter), 100 clients and 40 seeds (one
// per torrent, staying to the end), 1 Mbps up and down for everyone, all
// starting at time zero, 10% of the torrents the native interest of 50% of
// the clients (round-robin), the other clients' native interests uniform
// over the other torrents. A run ends when every client has completed its k
// downloads and left.
//
//   - Transfers are flows of one piece from an uploader to a downloader
//     that it unchokes, one at a time per pair (pipelined requests, so the
//     link never idles between pieces). A flow's rate is the smaller of the
//     uploader's capacity over its active uploads and the downloader's over
//     its active downloads, recomputed whenever either count changes; the
//     completion event (internal/des) is rescheduled accordingly. A choke
//     takes effect at the next piece boundary.
//   - A client's neighbourhood comes from the DHT's peers of its k torrents
//     (PeersPerTorrent each, Neighbours in all, MaxNeighbours accepted),
//     preferring peers present in several of its torrents (§5.1) or, with
//     EvenSplit, taking them evenly from each torrent (§6.1). Every 30 s it
//     re-announces: a torrent it is downloading that no neighbour can serve
//     gets a DHT peer that can, and neighbours sharing no torrent are
//     dropped while it has more than Neighbours.
//   - Every HAVE, REQUEST, BITFIELD (on connect and on joining a torrent)
//     and withdrawal reaches the neighbours' Markets with zero latency.
//     Seeds rank nobody: they unchoke Regular+Optimistic random interested
//     neighbours each round.
//   - Piece choice within a torrent is uniform among the pieces the
//     uploader has and the downloader lacks and is not already fetching.
//
// # Readings where the paper is silent
//
// The paper says that direct requests are "the strongest, most
// straight-forward measure of demand" (§5.2), that a node "drops [the
// least valuable torrent in its active set] and joins the new one" when it
// finds a more valuable one (§5.1), that the completeness bias was needed
// because nodes dropped partial downloads (§5.2), and that clients
// downloaded 5.71 ± 0.43 torrents for k = 5 (§5.3). It does not say how a
// node learns of demand for a torrent it does not serve, nor what a
// dropped partial download costs. The readings chosen make those sentences
// true:
//
//   - Want requests. In plain BitTorrent a node receives REQUESTs only for
//     pieces it announced, so the request factor could never draw a torrent
//     into an active set; it could only keep one there. But in the
//     Marketplace choke and unchoke are not torrent-specific and every
//     neighbour sees what the node advertises (§5.1), so at each active-set
//     update a client sends each neighbour that serves none of the torrents
//     it still needs a REQUEST for one of them (in turn, naming a piece it
//     lacks). The neighbour's Market counts it like any other REQUEST. This
//     is one message per neighbour per 30 s, under 1% of the control
//     traffic. Config.NoWants turns it off (examples/marketplace -no-wants).
//   - A dropped partial download is lost: its pieces are discarded (the
//     paper's overhead of 0.71 torrents per client can only come from
//     data downloaded and thrown away), counted in Result.LostBytes, and a
//     torrent joined again starts from nothing.
//   - Seeding is by value: a completed member is served while its value is
//     at least ActiveSet.SeedThreshold (zero by default: every completed
//     member is served, as the paper's clients did until they left).
//
// What else was tried (4 seeds each, paper scale, weights 1/1/1/1 unless
// said): without want requests the request factor only stabilises the
// active set and moves the mean finish time by under 1% (the issue's
// +0.12% ± 0.41 over 20 seeds); with them and a request weight of 4 the
// market trades at the paper's level (5.65 ± 0.55 torrents, 276 partial
// replacements per run) where without them the same weights barely trade
// (5.00 ± 0.02, 18 partial). Keeping dropped pieces for a later rejoin
// changed the downloads by under 0.1 torrent: rejoins are rare.
//
// Beyond the paper: torrent sizes uniform in FileSize·[1−SizeSpread,
// 1+SizeSpread], client link classes (Classes), and arrivals following paper
// 003's λ(t) = λ0·e^(−t/τ) (ArrivalTau; given the number of clients the
// arrival times are then independent exponentials of mean τ, which is how
// they are drawn — swarmmodel's sampler draws a Poisson number of arrivals,
// and the number of clients here is fixed).
//
// # Measurements
//
// [Result] holds, per run: torrents downloaded per client (bytes over the
// mean size of its k completed torrents); start ranks (order of the first
// REQUEST, over every torrent the client started) and end ranks (order of
// completion, over its k downloads) of the native interest and of the cover
// torrents, overall and per torrent with its popularity (Figs. 1–4); the
// bytes received per 500 s bucket from the client's start, native against
// the mean cover torrent, globally (Fig. 5) and as each client sees the
// targets it uploads to (Fig. 6). The two-sample KS and Mann–Whitney tests
// (package anonymity) compare, for volumes, the native torrent's bucket
// volume with each completed cover torrent's, so that both samples are of
// single torrents. [Summarize] pools runs; [Sweep] runs the weight sweep.
//
// Simulated, the runs are shorter than the paper's (the last client leaves
// after about 1.8 simulated hours, against 7): flows have no protocol or TCP
// overhead and never idle. Bytes of a piece cut short by a disconnection
// (a client leaving) are not counted as downloaded.
//
// # Results
//
// go run ./examples/marketplace runs the twenty paper-scale runs (seeds
// 1..20, -seed moves them), prints the table, runs the same seeds without
// the request factor, and writes Figs. 1–6 to examples/marketplace/out;
// -sweep runs the weight sweep (package valuation has its table; the record
// is testdata/sweep.tsv, the printed table testdata/sweep.txt) and draws it
// with the trade-off between advantage and overhead. With the default
// weights, which [ChooseWeights] derives from the sweep (demand/supply
// 0.75, the others 1), over 2,000 clients (testdata/reproduce.txt):
//
//	                                   paper (§5.2–5.3)    here
//	downloads per client               5.71 ± 0.43         5.32 ± 0.31 (run means 5.32 ± 0.12)
//	replacements per run (partial)     —                   333 (266)
//	mean time to finish                —                   5916 ± 135 s
//	without requests, overhead         ≈ 20% worse         62% ± 19% smaller (0.32 → 0.11 torrents; paired, 20 of 20 seeds)
//	without requests, finish time      —                   3.3% ± 2.4% sooner
//	start rank, native / cover         within 1 sd         3.26 ± 1.51 / 4.64 ± 2.40
//	end rank, native / cover           within 1 sd         3.53 ± 1.51 / 2.87 ± 1.36
//	stratified permutation p, start    —                   0.001 (the least possible in 999 rounds)
//	stratified permutation p, end      —                   0.001
//	stratified permutation p, volume   —                   0.966
//	held-out advantage, start / end    —                   0.173 / 0.152
//	held-out advantage, volume         —                   0.115 global, 0.045 one observer
//
// The marketplace trades — 266 partly downloaded torrents per run are
// dropped and lost — and the downloads per client lie in the paper's band,
// in its lower part: the configuration the band's condition picks is the
// fastest that trades enough, and no configuration of the sweep reaches
// the band's centre without a longer mean finish time (request 4: 5.72
// torrents, +9% over the defaults; have 16: 5.71, +11%).
//
// Performance, as the paper defines it (§4: "the number of additional
// download bytes required to achieve a given level of anonymity"), is
// better without the request factor, not twenty percent worse: paired by
// seed, the overhead falls from 0.32 to 0.11 torrents per client on every
// one of the twenty seeds. In this model a request draws a torrent into a
// neighbour's active set (the want requests) and so adds trading, and every
// replacement of a started download is bytes thrown away; the sweep shows
// the same along the request weight (5.16 torrents at 0, 6.06 at 16, +18%
// in finish time). The paper's clients may have gained from requests what
// a flow-level model cannot give: here every client uploads at full rate
// whenever a neighbour wants a piece it holds, so steering toward demand
// cannot raise the total upload rate.
//
// Nor do requests buy anonymity with those bytes, which is what §4's
// "bytes required to achieve a given level of anonymity" would need:
// without them (the same twenty seeds, rerun after the cost work with the
// same reproduction as above), the held-out advantage is 0.171 against
// 0.173 on the start rank, 0.126 against 0.152 on the end rank, 0.107
// against 0.115 on the global volume and 0.055 against 0.045 for one
// observer. The marketplace trades as much either way (268 against 266
// partly downloaded torrents dropped per run), but with requests each drop
// throws away about three times the pieces (0.12 torrents against 0.04,
// the overhead over the partial drops): the drops come later in the
// downloads, presumably because requests keep a torrent valued for a
// while before demand moves on (not measured directly).
//
// Trading makes the native interest stand out: it is never dropped, so it
// starts early (rank 3.26 against 4.64 over the started torrents) while the
// covers rotate, and ends late; the best single threshold on the start rank
// tells native from cover with an advantage of 0.17 on held-out runs, and
// the stratified test, which respects that a client's ranks are a
// permutation, rejects indistinguishability in every run. The per-client
// volume, once stratified by client, is indistinguishable (p = 0.966): the
// pooled tests' tiny p-values on volumes come from the clustering, not
// from the native interest. The paper's one-standard-deviation criterion
// passes on every measure here too; it cannot fail on these spreads.
//
// Beyond the paper, the trade-off: the sweep records, per configuration,
// the held-out advantages on start rank, end rank and global volume. Over
// the 36 configurations the largest of the three falls as trading falls
// (0.26 at completeness 0, 680 partial replacements per run; 0.19 at the
// centre, 325; 0.10 at completeness 4, 136), and no configuration keeps
// all three under 0.05 while trading: the closest are completeness 4
// (0.102 / 0.044 / 0.022, 136 partial replacements, 5.03 torrents),
// completeness 16 (0.023 / 0.088 / 0.036, 35) and demand/supply 0 (0.021 /
// 0.127 / 0.049, 20) — marketplaces that hardly trade. The plot is
// examples/marketplace/out/tradeoff.png. §6.1's late start, which joins the
// native interest only after a delay, moves the tell rather than hiding it
// (default weights, seeds 1..8, -late-start 5m, 15m, 30m): held-out
// advantage on the start rank 0.25, 0.26, 0.29 and on the end rank 0.28,
// 0.29, 0.38, against 0.17 and 0.15 without, while the global volume's
// falls to 0.07, 0.06, 0.02. Hiding the start would need a native interest
// whose start is drawn like a cover's — among the first k or at a later
// replacement, in proportion — which was not tried.
//
// # Cost
//
// A HAVE goes to some thirty neighbours' Markets, and each delivery
// touches a few cache lines of another client's Market: once the Markets
// of all clients outgrow the cache, those are misses, and the CPU per
// control message grows with the clients although the messages per client
// do not. What keeps it down, every change leaving every Result bit for
// bit unchanged (TestDeferredDeliveryIsExact compares every field with
// immediate delivery; each change below was checked against the previous
// code on ten runs, paper scale with 100 and 300 clients included):
//
//   - HAVEs and REQUESTs queue per client and reach its Market in one
//     batch ([valuation.Market.Observe]) when the client next reads it,
//     the same calls in the same order. Observe finds the batch's peers
//     and touches their cells before recording anything, so that the
//     misses overlap.
//   - The Markets map PeerIDs to slots with a small hash table and store
//     adverts torrent by torrent (they held a 4 KB array indexed by
//     PeerID each, a miss per HAVE at 1,000 clients); the Unchoker keeps
//     its service records inline by slot and a round's values in a short
//     slice.
//   - The Markets of a run share one [valuation.DecayCache]: a HAVE's
//     decay weight is the same exp2 in thirty Markets, computed once.
//   - A node's per-peer state is O(neighbours), not O(nodes): neighbour
//     and unchoke sets are bitsets, uploads are found among the node's few
//     flows (an array of flows by node ID was 8 KB a node), observer
//     volumes are a slice of cells in time order rather than a map.
//
// BenchmarkMarketplace/clients=N reports the CPU per control message
// (cpu-ns/msg, from getrusage), the CPU per run (cpu-s/op) and its ratio
// to 100 clients (x100). Before (commit bbaf88a) and after, interleaved on
// the shared 2-core machine, two runs each at load average 3.1–3.2 and two
// at 4.7–5.9 (other jobs share the caches, and the load moves every
// figure):
//
//	           load 3.1–3.2                                     load 4.7–5.9
//	           cpu-ns/msg          after    after          cpu-ns/msg          after
//	clients    before    after     ÷ 100    cpu-s/run      before    after     ÷ 100
//	100        115–125   101–105   1        0.94–0.98      121–127   121–129   1
//	200        128–133   121–131   1.19–1.25  2.3–2.5      141–151   128–156   1.06–1.21
//	400        152–170   139–155   1.38–1.47  5.5–6.2      167–192   175–188   1.45–1.46
//	1000       221–264   195–204   1.85–2.02  19.1–20.0    296–340   233–241   1.87–1.93
//
// A run at 1,000 clients costs a fifth to a quarter less, the paper's
// scale a tenth to a sixth less. Of issue 15's targets, a paper-scale run
// within 1 s is met on the quieter machine (0.94–0.98 s; 1.13–1.20 at
// load 5); the others are not: within 1.5× from 100 to 1,000 clients
// (1.85–2.02 here; the code before gave 1.9–2.1 at the same load and
// 2.3–2.8 at load 5), 1,000 clients in 15 s (19–24 s). At 1,000 clients
// the profile is spread over memory-bound steps: recording the HAVEs
// ([valuation.Market.Observe], 23%: the peer-table line and the cell of
// each sender), then none above 15% — the unchoker (14%), the event heap
// and flow rates (15%), the piece availability between two nodes'
// bitsets (12%, in unchoke decisions and piece picks), queueing notes in
// thirty inboxes (8%; keeping the inboxes in an array by node ID instead
// of in the nodes made no measurable difference and was not kept). A
// change that keeps every Result cannot make a HAVE cost less than one
// miss per receiving Market, since each Market must take it in its own
// order (its decayed sums are floating point, so summing them in another
// order changes the runs). Cutting further means a change of model
// checked by rerunning the reproduction: what a peer advertises kept once
// per peer rather than in each neighbour's Market, HAVE counts kept
// per neighbour and summed on valuation.
//
// BenchmarkScaling (internal/scaling; README, Scaling) runs SmallConfig's
// marketplace with 60 to 1,920 clients: control messages grow as N^1.04,
// processor time as N^1.26–1.35 (three runs; before, N^1.39), from 0.14–0.17
// to 0.35–0.43 µs per message (before, 0.16–0.17 to 0.54) — the same
// memory latency; the run is not yet linear in the clients.
//
// Reference: S. J. Nielson and D. S. Wallach, "The BitTorrent Anonymity
// Marketplace", arXiv:1108.2718, 2011.
//
// [Marketplace §5.2–5.3]: https://arxiv.org/abs/1108.2718
package marketsim
