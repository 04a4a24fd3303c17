package drm

import (
	"context"
	"errors"

	"github.com/anacrolix/torrent"
	"github.com/swarmblocks/swarmblocks/reencrypt"
)

// serveQueue holds the requests of one peer waiting for the key server.
// A single worker per peer drains it, asking for the keys of every queued
// request to the same downloader in one call.
type serveQueue struct {
	items   []Message
	running bool
}

// enqueueServe queues a capsule request from pc, or refuses it at once if
// this peer has no capsule for the piece or pc has too many requests
// queued. d.mu is held.
func (d *Torrent) enqueueServe(pc *torrent.PeerConn, m *Message, out []outbound) []outbound {
	if d.seed == nil && d.capsules[m.Index] == nil {
		return append(out, outbound{pc, Message{Kind: KindRefuse, Index: m.Index, Reason: ReasonUnavailable}})
	}
	q := d.serving[pc]
	if q == nil {
		q = &serveQueue{}
		d.serving[pc] = q
	}
	if len(q.items) >= d.opts.MaxRequests {
		return append(out, outbound{pc, Message{Kind: KindRefuse, Index: m.Index, Reason: ReasonBusy}})
	}
	q.items = append(q.items, *m)
	if !q.running {
		q.running = true
		d.wg.Add(1)
		go d.serve(pc, q)
	}
	return out
}

// serve answers pc's queued requests until its queue is empty.
func (d *Torrent) serve(pc *torrent.PeerConn, q *serveQueue) {
	defer d.wg.Done()
	for {
		d.mu.Lock()
		batch := q.items
		q.items = nil
		if len(batch) == 0 || d.ctx.Err() != nil {
			q.running = false
			if d.serving[pc] == q && len(q.items) == 0 {
				delete(d.serving, pc)
			}
			d.mu.Unlock()
			return
		}
		d.mu.Unlock()
		// Requests from one connection normally name one downloader; serve
		// each named downloader's requests with one key server call.
		for len(batch) > 0 {
			to := batch[0].To
			var now, later []Message
			for _, m := range batch {
				if m.To == to {
					now = append(now, m)
				} else {
					later = append(later, m)
				}
			}
			d.send(d.answer(pc, to, now))
			batch = later
		}
	}
}

// answer makes pc's capsules for requests, all for downloader to.
func (d *Torrent) answer(pc *torrent.PeerConn, to reencrypt.PeerID, reqs []Message) []outbound {
	indices := make([]uint32, len(reqs))
	for n, m := range reqs {
		indices[n] = m.Index
	}
	ctx, cancel := context.WithTimeout(d.ctx, d.opts.RequestTimeout)
	defer cancel()
	capsules, err := d.capsulesFor(ctx, to, indices)
	if err != nil {
		d.stats.keyErrors.Add(1)
	}
	out := make([]outbound, len(reqs))
	for n, m := range reqs {
		if err != nil {
			out[n] = outbound{pc, Message{Kind: KindRefuse, Index: m.Index, Reason: ReasonKeys}}
		} else {
			out[n] = outbound{pc, Message{Kind: KindCapsule, Index: m.Index, Capsule: capsules[n]}}
		}
	}
	return out
}

// capsulesFor returns the capsules of pieces indices blinded for to: the
// original seed's from upload keys (Algorithm 1), any other peer's by T
// from its own under re-keys (Algorithm 2).
func (d *Torrent) capsulesFor(ctx context.Context, to reencrypt.PeerID, indices []uint32) ([]*reencrypt.Capsule, error) {
	out := make([]*reencrypt.Capsule, len(indices))
	if d.seed != nil {
		keys, err := d.uploadKeys.UploadKeys(ctx, to, indices...)
		if err != nil {
			return nil, err
		}
		if len(keys) != len(indices) {
			return nil, errKeyCount
		}
		for n, k := range keys {
			if k == nil || k.Index != indices[n] || k.To != to {
				return nil, errKeyCount
			}
			if out[n], err = d.seed.Capsule(k); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	keys, err := d.reKeys.ReKeys(ctx, to, indices...)
	if err != nil {
		return nil, err
	}
	if len(keys) != len(indices) {
		return nil, errKeyCount
	}
	d.mu.Lock()
	own := make([]*reencrypt.Capsule, len(indices))
	for n, i := range indices {
		own[n] = d.capsules[i]
	}
	d.mu.Unlock()
	d.peerMu.Lock()
	defer d.peerMu.Unlock()
	for n, k := range keys {
		if k == nil || k.To != to || own[n] == nil {
			return nil, errKeyCount
		}
		// TransformCapsule checks the re-key's torrent, uploader and index.
		if out[n], err = d.peer.TransformCapsule(own[n], k); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// errKeyCount is a key server answer that does not match the request.
var errKeyCount = errors.New("drm: key server answered for other pieces or peers")
