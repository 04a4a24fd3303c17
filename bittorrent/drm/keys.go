package drm

import (
	"context"
	"fmt"

	"github.com/swarmblocks/swarmblocks/reencrypt"
)

// UploadKeyer is what the original seed needs from the key server: the
// upload keys K = r_ij·Y_j of Algorithm 1 for downloader to, one per index,
// in order. The key server gives them to the original seed only. A
// *keyserver.Client of package reencrypt/keyserver authenticated as the
// seed is one; [LocalKeys] is one for a tracker in the same process.
type UploadKeyer interface {
	UploadKeys(ctx context.Context, to reencrypt.PeerID, indices ...uint32) ([]*reencrypt.UploadKey, error)
}

// ReKeyer is what any other uploader needs: the re-keys
// Δ = r_ik·Y_k − r_ij·Y_j of Algorithm 2 from the caller j to downloader
// to, one per index, in order. The key server gives a re-key only to its
// uploader, for a subscribed downloader.
type ReKeyer interface {
	ReKeys(ctx context.Context, to reencrypt.PeerID, indices ...uint32) ([]*reencrypt.ReKey, error)
}

// LocalKeys asks a [reencrypt.Tracker] in the same process on behalf of
// Caller, with the tracker's own authorisation: upload keys only if Caller
// is the original seed, re-keys only from Caller. It is for tests,
// benchmarks and single-process demonstrations; across processes use the
// HTTP key server.
type LocalKeys struct {
	Tracker *reencrypt.Tracker
	Caller  reencrypt.PeerID
}

var (
	_ UploadKeyer = LocalKeys{}
	_ ReKeyer     = LocalKeys{}
)

// UploadKeys implements [UploadKeyer].
func (k LocalKeys) UploadKeys(ctx context.Context, to reencrypt.PeerID, indices ...uint32) ([]*reencrypt.UploadKey, error) {
	if k.Tracker == nil {
		return nil, fmt.Errorf("drm: LocalKeys without a tracker")
	}
	out := make([]*reencrypt.UploadKey, len(indices))
	for n, i := range indices {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var err error
		if out[n], err = k.Tracker.UploadKey(i, k.Caller, to); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ReKeys implements [ReKeyer].
func (k LocalKeys) ReKeys(ctx context.Context, to reencrypt.PeerID, indices ...uint32) ([]*reencrypt.ReKey, error) {
	if k.Tracker == nil {
		return nil, fmt.Errorf("drm: LocalKeys without a tracker")
	}
	out := make([]*reencrypt.ReKey, len(indices))
	for n, i := range indices {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var err error
		if out[n], err = k.Tracker.ReKey(i, k.Caller, to); err != nil {
			return nil, err
		}
	}
	return out, nil
}
