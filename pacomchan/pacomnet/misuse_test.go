package pacomnet

import (
	"context"
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/pacomchan"
)

var errAny = errors.New("any error")

// TestMisuse: what a careless caller does to a Client returns an error,
// never a panic.
func TestMisuse(t *testing.T) {
	f, err := pacomchan.NewFileInfo(1, netip.MustParseAddr("127.0.0.1"), testDay, pacomchan.FileSpec{Length: 64 * testBlock, PieceLength: testBlock})
	require.NoError(t, err)
	other, err := pacomchan.NewFileInfo(2, netip.MustParseAddr("127.0.0.1"), testDay, pacomchan.FileSpec{Length: 64 * 2048, PieceLength: 2048})
	require.NoError(t, err)
	cfg := fastConfig()
	cfg.Node.Link.BlockSize = testBlock
	c, err := NewClient(nil, cfg)
	require.NoError(t, err)
	require.NoError(t, c.Join(f, nil))
	closed, err := NewClient(nil, cfg)
	require.NoError(t, err)
	require.NoError(t, closed.Close())
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, tc := range []struct {
		name string
		call func() error
		want error
	}{
		{"negative rate", func() error { _, err := NewClient(nil, Config{RequestRate: -1}); return err }, errAny},
		{"nil reader means crypto/rand", func() error {
			c2, err := NewClient(nil, Config{})
			if err == nil {
				c2.Close()
			}
			return err
		}, nil},
		{"join nil", func() error { return c.Join(nil, nil) }, errAny},
		{"join twice", func() error { return c.Join(f, nil) }, errAny},
		{"piece length", func() error { return c.Join(other, nil) }, errAny},
		{"connect unknown swarm", func() error {
			ln, err := c.Listen("127.0.0.1:0")
			if err != nil {
				return err
			}
			return c.Connect(ctx, ln.String(), other.InfoHash())
		}, ErrUnknownSwarm},
		{"build bad key", func() error { _, err := c.Build([]byte{1}); return err }, pacomchan.ErrBadPublicKey},
		{"send unknown", func() error { return c.Send(pacomchan.CircuitID{}, []byte("x")) }, pacomchan.ErrUnknownCircuit},
		{"join closed", func() error { return closed.Join(f, nil) }, ErrClosed},
		{"build closed", func() error { _, err := closed.Build(c.PublicKey()); return err }, ErrClosed},
		{"listen closed", func() error { _, err := closed.Listen("127.0.0.1:0"); return err }, ErrClosed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { err = tc.call() })
			switch tc.want {
			case nil:
				require.NoError(t, err)
			case errAny:
				require.Error(t, err)
			default:
				require.ErrorIs(t, err, tc.want)
			}
		})
	}
	require.NoError(t, c.Close())
	require.NoError(t, c.Close(), "Close twice")
}
