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
// 1..20), prints the table and writes Figs. 1–6 to examples/marketplace/out;
// one run takes 2.0 s on an idle 2-core machine (2–7 s of wall time while
// it was shared) and the twenty 30–75 s with -parallel 2 (the paper:
// several hours per run). The
// measured table, beside the paper's, and the weight sweep are in the
// package documentation of valuation. In brief, over 2,000 clients:
//
//	configuration                 downloads     start rank        end rank          per-run p, start / end (MW)
//	                                            native / cover    native / cover
//	paper                         5.71 ± 0.43   within 1 sd       within 1 sd       —
//	default weights (16,0,1,1)    5.00 ± 0.00   3.18 / 3.00       2.56 / 3.11       0.29 / 0.02
//	every weight 1                5.19 ± 0.20   3.28 / 4.82       3.75 / 2.81       0.00 / 0.00
//	default, -late-start 20m      5.04 ± 0.04   5.65 / 3.03       4.63 / 2.59       0.00 / 0.00
//
// Beyond the paper, five runs each with the default weights (mean per-run
// Mann–Whitney p of the start rank / end rank / global volume):
//
//	-size-spread 0.5 (63–188 MB)   5.00 torrents   0.32 / 0.16 / 0.19
//	-hetero (0.5/1/4 Mbps down)    5.00 torrents   0.13 / 0.02 / 0.26   mean finish 9086 s
//	-arrival-tau 30m               5.00 torrents   0.32 / 0.62 / 0.46
//	-even-split                    5.00 torrents   0.12 / 0.34 / 0.57
//
// Every mean lies within one standard deviation of the other, the paper's
// criterion; the tests are stricter. Staggered arrivals and even-split
// neighbourhoods blur the end rank, the strongest tell of the paper's
// setup. Where the market churns, the native
// interest (never dropped) starts early; with a late start it is the one
// torrent that joins late. A late start hides it only if cover torrents
// rotate as late as it does.
//
// Reference: S. J. Nielson and D. S. Wallach, "The BitTorrent Anonymity
// Marketplace", arXiv:1108.2718, 2011.
//
// [Marketplace §5.2–5.3]: https://arxiv.org/abs/1108.2718
package marketsim
