package steg

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestMisuse: nil arguments are errors wrapping ErrNil, never panics.
func TestMisuse(t *testing.T) {
	f, err := NewFamily(testKey(1), 64, DefaultFunctions)
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(1, 2))
	p, err := NewPicker(64, rng)
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		call func() error
	}{
		{"NewPicker(nil rng)", func() error { _, err := NewPicker(64, nil); return err }},
		{"NewObserver(nil rng)", func() error { _, err := NewObserver(64, 2, nil); return err }},
		{"NewPlan(nil family)", func() error { _, err := NewPlan(nil, 1, rng); return err }},
		{"NewPlan(nil rng)", func() error { _, err := NewPlan(f, 1, nil); return err }},
		{"NewDecoder(nil)", func() error { _, err := NewDecoder(nil, 8); return err }},
		{"NewStreamDecoder(nil)", func() error { _, err := NewStreamDecoder(nil, 8); return err }},
		{"NewFrameDecoder(nil)", func() error { _, err := NewFrameDecoder(nil, 8); return err }},
		{"NewSender(nil picker)", func() error { _, err := NewSender(nil, f, []byte("x"), 30); return err }},
		{"NewSender(nil family)", func() error { _, err := NewSender(p, nil, []byte("x"), 30); return err }},
		{"NewBeacon(nil picker)", func() error { _, err := NewBeacon(nil, f, 1, 30, 30); return err }},
		{"NewBeacon(nil family)", func() error { _, err := NewBeacon(p, nil, 1, 30, 30); return err }},
		{"FrameSymbols(nil)", func() error { _, err := FrameSymbols(nil, 1, []byte("x")); return err }},
		{"ParseFrame(nil)", func() error { _, err := ParseFrame(nil, 1, []int{1, 2}); return err }},
		{"Picker.Hide(nil)", func() error { return p.Hide(nil, 1) }},
		{"Picker.AddPeer(nil)", func() error { return p.AddPeer(nil) }},
		{"Picker.RemovePeer(nil)", func() error { return p.RemovePeer(nil) }},
		{"Picker.NextFrom(nil)", func() error { _, err := p.NextFrom(nil); return err }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.ErrorIs(t, tc.call(), ErrNil)
		})
	}
	require.Zero(t, FrameLen(nil, 4))
}
