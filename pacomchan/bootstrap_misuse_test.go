package pacomchan

import (
	"errors"
	mrand "math/rand/v2"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// stopFailingHider hides like recordingHider but fails to stop.
type stopFailingHider struct {
	recordingHider
	stopErr error
}

func (h *stopFailingHider) Stop() error { h.stopped++; return h.stopErr }

// TestBootstrapperRefusals checks that Join refuses a file the node does
// not have, changing nothing, and that a hider that fails to stop (case 1)
// is reported by the Join that filled the last swarm.
func TestBootstrapperRefusals(t *testing.T) {
	ip := netip.MustParseAddr("192.0.2.7")
	day := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	boom := errors.New("carrier gone")
	h := &stopFailingHider{stopErr: boom}
	b, err := NewBootstrapper(ip, day, mrand.New(mrand.NewPCG(3, 3)), SwarmCap{Xm: 2.5, Alpha: 100}, h)
	require.NoError(t, err)
	before := b.Files()
	for _, x := range []int{0, -1, len(before) + 1} {
		require.NotPanics(t, func() { err = b.Join(x) })
		require.Error(t, err, "file %d", x)
	}
	require.Equal(t, before, b.Files(), "a refused Join changes nothing")

	for b.Serving() {
		cur, err := b.Current()
		require.NoError(t, err)
		err = b.Join(cur.X)
		if b.Serving() {
			require.NoError(t, err)
		} else {
			require.ErrorIs(t, err, boom, "the last Join reports the failed Stop")
		}
	}
	require.Equal(t, 1, h.stopped)
}

// TestPACOMInfoHashOutOfRange checks the documented zero hash for a file
// number outside [1, MaxFiles] or an invalid address, and a non-zero one
// inside.
func TestPACOMInfoHashOutOfRange(t *testing.T) {
	ip := netip.MustParseAddr("192.0.2.7")
	day := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	require.NotEqual(t, InfoHash{}, PACOMInfoHash(1, ip, day))
	require.NotEqual(t, InfoHash{}, PACOMInfoHash(MaxFiles, ip, day))
	for _, c := range []struct {
		x  int
		ip netip.Addr
	}{{0, ip}, {-1, ip}, {MaxFiles + 1, ip}, {1, netip.Addr{}}} {
		require.Equal(t, InfoHash{}, PACOMInfoHash(c.x, c.ip, day), "x=%d ip=%v", c.x, c.ip)
	}
}
