package pacomchan

import (
	"errors"
	mrand "math/rand/v2"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("no entropy") }

type nopHider struct{}

func (nopHider) Hide(int) error { return nil }
func (nopHider) Stop() error    { return nil }

// TestMisuse runs every constructor and entry point with the arguments a
// careless caller passes: each returns an error (or, for a nil io.Reader,
// uses crypto/rand.Reader), none panics.
func TestMisuse(t *testing.T) {
	rng := func() *mrand.Rand { return mrand.New(mrand.NewPCG(1, 2)) }
	day := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	ip := netip.MustParseAddr("192.0.2.1")
	link, _ := linkPair(t, LinkConfig{BlockSize: 128})
	router, err := NewRouter(nil, rng(), RouterConfig{})
	require.NoError(t, err)
	cases := []struct {
		name string
		call func() error
		want error // nil: must succeed
	}{
		{"NewLink nil reader", func() error { _, err := NewLink(nil, LinkConfig{}); return err }, nil},
		{"NewLink failing reader", func() error { _, err := NewLink(failingReader{}, LinkConfig{}); return err }, errAny},
		{"NewLink block size", func() error { _, err := NewLink(nil, LinkConfig{BlockSize: 1}); return err }, errAny},
		{"NewScheduler nil rand", func() error { _, err := NewScheduler(SchedulerConfig{}, nil); return err }, ErrNilRand},
		{"NewScheduler negative", func() error { _, err := NewScheduler(SchedulerConfig{MaxQueue: -1}, rng()); return err }, errAny},
		{"NewRouter nil rand", func() error { _, err := NewRouter(nil, nil, RouterConfig{}); return err }, ErrNilRand},
		{"NewRouter failing reader", func() error { _, err := NewRouter(failingReader{}, rng(), RouterConfig{}); return err }, errAny},
		{"NewRouter negative quota", func() error {
			_, err := NewRouter(nil, rng(), RouterConfig{MaxRecordsPerNeighbour: -1})
			return err
		}, errAny},
		{"NewNode nil reader", func() error { _, err := NewNode(nil, rng(), NodeConfig{}); return err }, nil},
		{"NewNode nil rand", func() error { _, err := NewNode(nil, nil, NodeConfig{}); return err }, ErrNilRand},
		{"NewBootstrapper nil rand", func() error {
			_, err := NewBootstrapper(ip, day, nil, SwarmCap{}, nopHider{})
			return err
		}, ErrNilRand},
		{"NewBootstrapper nil hider", func() error { _, err := NewBootstrapper(ip, day, rng(), SwarmCap{}, nil); return err }, ErrNilArgument},
		{"NewBootstrapper bad address", func() error {
			_, err := NewBootstrapper(netip.Addr{}, day, rng(), SwarmCap{}, nopHider{})
			return err
		}, errAny},
		{"OpenBlock nil", func() error { _, err := link.OpenBlock(nil, nil); return err }, ErrBlockSize},
		{"SealBlockSize zero", func() error { _, _, err := link.SealBlockSize(nil, nil, 0); return err }, ErrBlockSize},
		{"SealBlockSize too big", func() error { _, _, err := link.SealBlockSize(nil, nil, 129); return err }, ErrBlockSize},
		{"Router.Build nil key", func() error { _, _, err := router.Build(t0, nil); return err }, ErrBadPublicKey},
		{"Router.Handle nil", func() error { _, err := router.Handle(t0, 1, nil); return err }, ErrShortMessage},
		{"Router.Send unknown", func() error { _, err := router.Send(t0, CircuitID{}, nil); return err }, ErrUnknownCircuit},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { err = c.call() })
			switch c.want {
			case nil:
				require.NoError(t, err)
			case errAny:
				require.Error(t, err)
			default:
				require.ErrorIs(t, err, c.want)
			}
		})
	}
}

var errAny = errors.New("any error")
