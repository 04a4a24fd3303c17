package drm

import (
	"context"
	"fmt"
	"io"

	"github.com/swarmblocks/swarmblocks/reencrypt"
)

// Player returns the trusted player ([reencrypt.Player]) over the finished
// download: every sealed body, read from the client's storage, with this
// peer's capsule. Playing needs the peer's licence, installed with
// [reencrypt.Peer.InstallLicence] or [reencrypt.Peer.LoadLicence]; a peer
// without one, or with another peer's, cannot play. The player holds the
// whole sealed content in memory.
func (d *Torrent) Player(ctx context.Context) (*reencrypt.Player, error) {
	if d.peer == nil {
		return nil, fmt.Errorf("drm: the original seed plays nothing")
	}
	select {
	case <-d.done:
	default:
		return nil, fmt.Errorf("%w: %d of %d capsules", ErrIncomplete, d.Capsules(), d.n)
	}
	if !d.t.Complete().Bool() {
		return nil, fmt.Errorf("%w: %d of %d bytes", ErrIncomplete, d.t.BytesCompleted(), d.t.Length())
	}
	r := d.t.NewReader()
	defer r.Close()
	data := make([]byte, d.t.Length())
	if _, err := io.ReadFull(ctxReader{ctx, r}, data); err != nil {
		return nil, fmt.Errorf("drm: reading the sealed content: %w", err)
	}
	d.mu.Lock()
	capsules := append([]*reencrypt.Capsule(nil), d.capsules...)
	d.mu.Unlock()
	info, err := d.rel.MetaInfo.UnmarshalInfo()
	if err != nil {
		return nil, err
	}
	pieces := make([]*reencrypt.Piece, d.n)
	for i, l := range d.rel.Torrent.Lengths {
		off := int64(i) * info.PieceLength
		if pieces[i], err = reencrypt.NewPiece(capsules[i], data[off:off+int64(reencrypt.SealedSize(l))]); err != nil {
			return nil, err
		}
	}
	d.peerMu.Lock()
	defer d.peerMu.Unlock()
	return reencrypt.NewPlayer(d.peer, pieces)
}

type ctxReader struct {
	ctx context.Context
	r   interface {
		ReadContext(context.Context, []byte) (int, error)
	}
}

func (r ctxReader) Read(b []byte) (int, error) { return r.r.ReadContext(r.ctx, b) }
