// Package valuation implements the BitTorrent Anonymity Marketplace's torrent
// valuation, active set and value-weighted unchoking [Paper §4, §5.1–5.2].
//
// (Full documentation follows with the simulation results.)
//
// [Paper §4, §5.1–5.2]: ../../shared/papers/000_d4cd5bfa6134b30f.txt
package valuation
