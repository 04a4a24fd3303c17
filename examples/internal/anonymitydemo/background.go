package anonymitydemo

import (
	"time"

	"github.com/swarmblocks/swarmblocks/anonymity"
	"github.com/swarmblocks/swarmblocks/swarmmodel"
)

// workloadSessions turns the swarmmodel workload of paper 003 (peer
// births, a geometric number of torrents per peer, exponential download,
// seeding and sleeping times) into an uptime trace: a peer is online from
// each Request to the matching Leave. Sessions still open at the horizon
// end there. This cross-checks the package's own session model, which
// draws the same seeding time and torrents-per-peer laws but fixes the rest
// differently.
func workloadSessions(cfg Config, horizon time.Duration) ([]anonymity.Session, error) {
	wc := swarmmodel.PaperWorkload()
	wc.Horizon = horizon
	w, err := swarmmodel.NewWorkload(wc, cfg.rng(25))
	if err != nil {
		return nil, err
	}
	open := make(map[swarmmodel.PeerID]time.Duration)
	var out []anonymity.Session
	for ev := range w.Events() {
		switch ev.Kind {
		case swarmmodel.Request:
			if _, ok := open[ev.Peer]; !ok {
				open[ev.Peer] = ev.Time
			}
		case swarmmodel.Leave:
			if start, ok := open[ev.Peer]; ok {
				out = append(out, anonymity.Session{Client: int(ev.Peer), Start: start, End: ev.Time})
				delete(open, ev.Peer)
			}
		}
	}
	for p, start := range open {
		out = append(out, anonymity.Session{Client: int(p), Start: start, End: horizon})
	}
	return out, nil
}
