// Package steg hides a small number in the order in which a BitTorrent
// client downloads blocks, the steganographic channel PACOM bootstrapping
// nodes use to tell joining clients which swarm to join ([PACOM] §3.3 and
// Appendix A, Algorithms 2 and 3).
//
// [PACOM]: https://doi.org/10.1016/j.comnet.2014.08.022
package steg
