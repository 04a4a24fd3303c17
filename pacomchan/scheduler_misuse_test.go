package pacomchan

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSchedulerRefusals calls each Scheduler method with a peer, swarm or
// index it does not know, or in a state it must refuse: each returns the
// documented error (or the zero answer for the reporting methods) and
// leaves the scheduler as it was, never panicking.
func TestSchedulerRefusals(t *testing.T) {
	const (
		dl     SwarmID = 1 // downloading, 8 blocks; peer 1 connected
		seeded SwarmID = 2 // seeded, 8 blocks, last block short; nobody connected
		nope   SwarmID = 99
		pacom  PeerID  = 1 // PACOM peer with a plainCodec{64}
		bt     PeerID  = 2 // ordinary BitTorrent peer
		ghost  PeerID  = 99
	)
	setup := func(t *testing.T) *Scheduler {
		s := newSched(t, 7)
		require.NoError(t, s.JoinSwarm(dl, 8, false))
		require.NoError(t, s.JoinSwarm(seeded, 8, true))
		require.NoError(t, s.SetLastBlockSize(seeded, 10))
		require.NoError(t, s.AddPeer(pacom, PACOMPeer, plainCodec{64}))
		require.NoError(t, s.AddPeer(bt, BitTorrentPeer, nil))
		require.NoError(t, s.Connect(pacom, dl))
		return s
	}
	cases := []struct {
		name string
		call func(s *Scheduler) error
		want error // errAny: any error
	}{
		{"SetLastBlockSize zero", func(s *Scheduler) error { return s.SetLastBlockSize(dl, 0) }, errAny},
		{"SetLastBlockSize negative", func(s *Scheduler) error { return s.SetLastBlockSize(dl, -3) }, errAny},
		{"LeaveSwarm unknown", func(s *Scheduler) error { return s.LeaveSwarm(nope) }, ErrUnknownSwarm},
		{"Own unknown swarm", func(s *Scheduler) error { return s.Own(nope, 0) }, ErrUnknownSwarm},
		{"Own index past end", func(s *Scheduler) error { return s.Own(dl, 8) }, ErrBlockIndex},
		{"Own negative index", func(s *Scheduler) error { return s.Own(dl, -1) }, ErrBlockIndex},
		{"AddPeer unknown kind", func(s *Scheduler) error { return s.AddPeer(5, PeerKind(7), plainCodec{64}) }, errAny},
		{"Connect unknown peer", func(s *Scheduler) error { return s.Connect(ghost, dl) }, ErrUnknownPeer},
		{"Connect unknown swarm", func(s *Scheduler) error { return s.Connect(pacom, nope) }, ErrUnknownSwarm},
		{"Have unknown peer", func(s *Scheduler) error { return s.Have(ghost, dl, 0) }, ErrUnknownPeer},
		{"HaveAll unknown peer", func(s *Scheduler) error { return s.HaveAll(ghost, dl) }, ErrUnknownPeer},
		{"HaveAll not connected", func(s *Scheduler) error { return s.HaveAll(pacom, seeded) }, ErrNotInSwarm},
		{"RequestFrom unknown peer", func(s *Scheduler) error { _, _, err := s.RequestFrom(ghost, dl); return err }, ErrUnknownPeer},
		{"RequestFrom unknown swarm", func(s *Scheduler) error { _, _, err := s.RequestFrom(pacom, nope); return err }, ErrUnknownSwarm},
		{"OnRequest not connected", func(s *Scheduler) error { _, err := s.OnRequest(pacom, seeded, 0, nil); return err }, ErrNotInSwarm},
		{"OnRequest short last block, unsized codec", func(s *Scheduler) error {
			require.NoError(t, s.Connect(pacom, seeded))
			_, err := s.OnRequest(pacom, seeded, 7, nil)
			return err
		}, errAny},
		{"OnRequest codec refuses segment", func(s *Scheduler) error {
			require.NoError(t, s.Connect(pacom, seeded))
			require.NoError(t, s.Enqueue(pacom, make([]byte, 100))) // > 64 − 4
			_, err := s.OnRequest(pacom, seeded, 0, nil)
			return err
		}, ErrSegmentSize},
		{"OnBlock unknown peer", func(s *Scheduler) error { _, err := s.OnBlock(ghost, dl, 0, nil, nil); return err }, ErrUnknownPeer},
		{"OnBlock unknown swarm", func(s *Scheduler) error { _, err := s.OnBlock(pacom, nope, 0, nil, nil); return err }, ErrUnknownSwarm},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := setup(t)
			var err error
			require.NotPanics(t, func() { err = c.call(s) })
			if c.want == errAny {
				require.Error(t, err)
			} else {
				require.ErrorIs(t, err, c.want)
			}
			checkInvariants(t, s)
		})
	}
}

// TestSchedulerReportsUnknown checks that the reporting methods answer
// "nothing" for a peer or swarm the scheduler does not know.
func TestSchedulerReportsUnknown(t *testing.T) {
	s := newSched(t, 8)
	require.NoError(t, s.JoinSwarm(1, 8, false))
	require.NoError(t, s.AddPeer(1, PACOMPeer, plainCodec{64}))
	require.NotPanics(t, func() {
		require.Zero(t, s.Queued(99))
		require.False(t, s.Lacks(99, 1))
		require.False(t, s.Lacks(1, 99))
		require.False(t, s.Lacks(1, 1), "not connected")
		require.False(t, s.CancelRequest(99, 1, 0))
		require.Zero(t, s.Outstanding(99, 1))
	})
}

// TestSchedulerLacksAndReconnect checks interest (BEP 3): the client is
// interested in a neighbour exactly while that neighbour has a block the
// client lacks, and connecting twice keeps what was learnt.
func TestSchedulerLacksAndReconnect(t *testing.T) {
	s := newSched(t, 9)
	require.NoError(t, s.JoinSwarm(1, 8, false))
	require.NoError(t, s.AddPeer(1, PACOMPeer, plainCodec{64}))
	require.NoError(t, s.Connect(1, 1))
	require.False(t, s.Lacks(1, 1), "the neighbour has nothing")
	require.NoError(t, s.Have(1, 1, 3))
	require.True(t, s.Lacks(1, 1), "the neighbour has block 3")
	require.NoError(t, s.Connect(1, 1), "connecting again is a no-op")
	require.True(t, s.Lacks(1, 1), "a second Connect keeps the neighbour's HAVEs")
	require.NoError(t, s.Own(1, 3))
	require.False(t, s.Lacks(1, 1), "the client has block 3 too")
	require.True(t, s.Holds(1, 3))
}
