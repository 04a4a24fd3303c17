// Package marketsim is the flow-level discrete-event simulation of the
// BitTorrent Anonymity Marketplace's evaluation [Paper §5.2–5.3]; its nodes
// take every decision with package valuation. See examples/marketplace for
// the command that runs it and the figures it draws.
//
// [Paper §5.2–5.3]: ../../../shared/papers/000_d4cd5bfa6134b30f.txt
package marketsim
