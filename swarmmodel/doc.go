// Package swarmmodel models the life of BitTorrent swarms and the
// collaboration between them, after Guo et al., "Measurements, analysis, and
// modeling of BitTorrent-like systems" [Guo05] §3–5.
//
// Work in progress: the workload generator ([Workload]) is the part other
// packages use to drive their simulations.
//
// [Guo05]: L. Guo, S. Chen, Z. Xiao, E. Tan, X. Ding, X. Zhang, IMC 2005 (shared/papers/003_5344f0eb31e7e8d7.txt)
package swarmmodel
