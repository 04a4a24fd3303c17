// Package anonymity measures anonymity and attacks it: the entropy metrics
// of anonymous-communication systems, the statistics that decide whether
// cover traffic is indistinguishable from real intent, and the
// traffic-analysis attacks that PACOM and the Anonymity Marketplace are
// evaluated against.
//
// # Metrics
//
// [Measure] and [MeasureCounts] compute, from a probability (or weight) vector
// or from counts, the Shannon entropy S of Eq. (8) of [PACOM §4.1] in bits,
// the degree of anonymity S/log2 N, the effective anonymity set size 2^S and
// the min-entropy.
//
// # Statistics
//
// [KolmogorovSmirnov] and [MannWhitney] are two-sample tests with p-values;
// [BestThreshold] is the optimal single-threshold distinguisher, whose
// advantage (balanced accuracy − ½) is half the KS distance.
//
// # Traffic analysis
//
// [PatternVector] builds the pattern vector of Eq. (9) of [PACOM §4.3];
// [Spectral], [Correlation] and [MutualInformation] are distances between
// pattern vectors; [MatchLinks] and [DetectionRate] run the passive
// flow-correlation attack of [PACOM §6.5–6.6].
//
// [PACOM §4.1]: ../shared/papers/001_c5af7ae32cadf43a.txt
// [PACOM §4.3]: ../shared/papers/001_c5af7ae32cadf43a.txt
// [PACOM §6.5–6.6]: ../shared/papers/001_c5af7ae32cadf43a.txt
package anonymity
