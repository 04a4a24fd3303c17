package reencrypt

import (
	"fmt"
	"time"
)

// Player is the trusted player of the paper's trust boundary (§2): it holds
// a peer with its licence and the downloaded pieces, enforces the licence's
// usage policy — expiry and the number of plays — and releases plaintext
// only to the caller playing the content. Like the paper, it does not
// defend against a hacked player. A Player is not safe for concurrent use.
type Player struct {
	peer   *Peer
	pieces []*Piece
	plays  uint32
}

// NewPlayer returns a player for peer p, which must have a licence
// installed, over the complete set of downloaded pieces, indexed by piece.
func NewPlayer(p *Peer, pieces []*Piece) (*Player, error) {
	if p == nil {
		return nil, fmt.Errorf("%w: nil peer", ErrMalformed)
	}
	if err := p.check(); err != nil {
		return nil, err
	}
	if p.installed() == nil {
		return nil, ErrNoLicence
	}
	if len(pieces) != p.torrent.Pieces() {
		return nil, fmt.Errorf("%w: %d of %d pieces", ErrPieceRange, len(pieces), p.torrent.Pieces())
	}
	for i, pc := range pieces {
		if pc == nil || pc.Index != uint32(i) {
			return nil, fmt.Errorf("%w: piece %d missing or out of place", ErrPieceRange, i)
		}
	}
	return &Player{peer: p, pieces: append([]*Piece(nil), pieces...)}, nil
}

// Play decrypts the whole content once, counting a play. It returns
// [ErrPolicy] once the licence's plays are used up or it has expired.
func (pl *Player) Play(now time.Time) ([]byte, error) {
	if pl.peer == nil {
		return nil, fmt.Errorf("%w: player not made by NewPlayer", ErrMalformed)
	}
	l := pl.peer.installed()
	// NewPlayer required a licence and a peer never uninstalls one
	// (InstallLicence refuses nil); kept for safety (mutation: unreachable).
	if l == nil {
		return nil, ErrNoLicence
	}
	if max := l.Policy.MaxPlays; max != 0 && pl.plays >= max {
		return nil, fmt.Errorf("%w: all %d plays used", ErrPolicy, max)
	}
	var out []byte
	for _, pc := range pl.pieces {
		var err error
		if out, err = pl.peer.AppendDecrypt(out, pc, now); err != nil {
			return nil, err
		}
	}
	pl.plays++
	return out, nil
}

// Plays returns how many times the content has been played.
func (pl *Player) Plays() uint32 { return pl.plays }
