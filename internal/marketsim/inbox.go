package marketsim

import "github.com/swarmblocks/swarmblocks/valuation"

// note is a HAVE or REQUEST on its way to a client's Market.
type note = valuation.Observation

// post queues an observation for client x's Market. Delivery is deferred
// until x next reads or changes its Market ([world.market]), which then
// receives every queued note in order, at its original time, before
// anything else: the Market sees exactly the calls that immediate delivery
// would have made, in the same order, so the run does not change (see
// TestDeferredDeliveryIsExact).
//
// Deferring keeps down the cost per message as the marketplace grows: a
// HAVE goes to some thirty neighbours, and delivering it at once touches a
// few cache lines in each neighbour's Market — misses once the Markets of
// all clients outgrow the cache. Queued, a note costs an append to a short
// per-client buffer, and the Market takes the whole batch at once
// ([valuation.Market.Observe]), its lines in cache for all but the first
// notes and the misses of the batch overlapping (see Cost in the package
// doc).
func (w *world) post(x *node, n note) {
	if w.eager {
		x.inbox = append(x.inbox[:0], n)
		w.drain(x)
		return
	}
	x.inbox = append(x.inbox, n)
}

// market returns client x's Market after delivering its queued notes.
// Every use of a client's Market goes through it.
func (w *world) market(x *node) *valuation.Market {
	if len(x.inbox) > 0 {
		w.drain(x)
	}
	return x.mkt
}

func (w *world) drain(x *node) {
	w.fail(x.mkt.Observe(x.inbox))
	x.inbox = x.inbox[:0]
}
