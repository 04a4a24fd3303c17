// Package sim reproduces the evaluation of PACOM ([PACOM §6]) with in-process
// simulations of pacomchan clients, each deterministic given its seed.
//
//   - [Grow] and [PaperGrowth]: the network-growth simulation of §6.1–6.3
//     and Fig. 10 (average shortest path length for 32…8,192 clients with
//     0 %, 5 % and 10 % rejoining), built on pacomchan's [Bootstrapper],
//     file counts and swarm caps.
//   - [RunTraffic]: a discrete-event simulation (internal/des) of clients
//     running pacomchan's [Scheduler] over real [Link]s (1 KiB blocks by
//     default), with Poisson block requests per neighbour, per-link delays,
//     and circuits along fixed paths; or, in [NaiveMode], relays that
//     forward on arrival. It records what a passive observer sees: the
//     number of blocks per interval on every directed link.
//   - [Fig18]: the cover-traffic ratio against circuits per client (§6.7).
//   - [Theorem1]: the correlation of each relay's input and output packet
//     counts, PACOM against the naive relay.
//   - [Detection]: the passive flow-correlation attack of §6.6 hop by hop,
//     Figs. 15 and 16, against the 1/3 of random guessing. The attack is a
//     local implementation (detect.go) of the reading of Eq. 10 that the
//     anonymity package also uses, kept here until that package is green
//     on main.
//
// # Model choices
//
// The paper leaves most simulation parameters open; these are the choices,
// all in [PaperGrowth], [Fig11Traffic] and [DefaultFig18MessageRate]:
//
//   - Growth: a newcomer joins c swarms (geometric, p = 0.8551), one from
//     each of up to c serving bootstrapping nodes picked at random, and
//     connects to every member of each (at most 100 connections); a
//     newcomer that finds fewer than 10 serving bootstrapping nodes becomes
//     one (§3.3). "x % rejoin" means that after each arrival, with
//     probability x, a random earlier client takes part in one more swarm
//     (what a client does when it finishes a PACOM file, §3.4), keeping its
//     connections. The path length is averaged over BFS from 256 sampled
//     sources of the largest component.
//   - Traffic: the Fig. 11 network (P1–P5 and P4–P8 fully connected
//     swarms), one-way delays uniform in [1 ms, 100 ms] per link, 20
//     requests per second per neighbour, data segments arriving at each
//     circuit's source as a Poisson process. Every client seeds one PACOM
//     file per neighbour and downloads one from each, so each link carries
//     blocks both ways; a client that completes a file rejoins a fresh one.
//   - Fig. 18: random simple paths of 4 links from every client; the load
//     per circuit is calibrated so that one circuit per client gives about
//     50 % cover, as in the paper; the rest of the curve is measured.
//
// # Measured (see the examples/pacom command for the full tables)
//
// Fig. 10 (seed 1): 8,192 clients give an average path of 8.98 without
// rejoining, 3.79 with 5 % and 3.56 with 10 % rejoining (paper: under 4).
// Theorem 1 (Table 4 circuits alone, 1 s intervals): mean correlation
// about 0.0 under PACOM, about 0.94 for the naive relay.
//
// [PACOM §6]: ../../shared/papers/001_c5af7ae32cadf43a.txt
// [Bootstrapper]: https://pkg.go.dev/github.com/swarmblocks/swarmblocks/pacomchan#Bootstrapper
// [Scheduler]: https://pkg.go.dev/github.com/swarmblocks/swarmblocks/pacomchan#Scheduler
// [Link]: https://pkg.go.dev/github.com/swarmblocks/swarmblocks/pacomchan#Link
package sim
