package p2p

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/chord"
)

// timeoutPair returns a started one-node ring whose transport has short
// time limits, and a second host with its own transport, connected to it.
func timeoutPair(t *testing.T, cfg TransportConfig) (server, client *Service) {
	t.Helper()
	c := testConfig()
	c.Transport = cfg
	server, err := NewService(c)
	require.NoError(t, err)
	t.Cleanup(func() { _ = server.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, server.Start(ctx))
	c = testConfig()
	c.Transport = cfg
	client, err = NewService(c)
	require.NoError(t, err)
	t.Cleanup(func() { _ = client.Close() })
	return server, client
}

// TestCallTimeout: a peer that accepts the stream but never answers costs
// a call CallTimeout (when the context has no deadline) or the context's
// deadline, never more; the failed stream is not reused.
func TestCallTimeout(t *testing.T) {
	limit := time.Second
	_, client := timeoutPair(t, TransportConfig{CallTimeout: limit})
	mute, _ := timeoutPair(t, TransportConfig{})
	// mute reads requests and never answers.
	mute.Host().SetStreamHandler(ProtocolID, func(s network.Stream) {
		_, _ = io.Copy(io.Discard, s)
		_ = s.Reset()
	})
	req := chord.Request{Kind: chord.KindPing, From: client.Info()}
	var resp chord.Response

	t0 := time.Now()
	err := client.Transport().Call(context.Background(), mute.Info().Addr, &req, &resp)
	took := time.Since(t0)
	require.ErrorIs(t, err, chord.ErrUnreachable)
	require.ErrorIs(t, err, errCallTimeout)
	require.GreaterOrEqual(t, took, limit)
	require.Less(t, took, limit+3*time.Second)

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	t0 = time.Now()
	err = client.Transport().Call(ctx, mute.Info().Addr, &req, &resp)
	took = time.Since(t0)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Less(t, took, limit, "the context's earlier deadline wins")

	st := client.Transport().Stats()
	require.Equal(t, uint64(2), st.Opened, "a stream that timed out is not reused")
	require.Equal(t, uint64(2), st.CallErrors)
}

// TestCallThenTimeoutReusesStream: a call that is answered in time keeps
// its stream for the next call, and the stream's time limit of the first
// call does not cut the second one short.
func TestCallThenTimeoutReusesStream(t *testing.T) {
	limit := 2 * time.Second
	server, client := timeoutPair(t, TransportConfig{CallTimeout: limit})
	req := chord.Request{Kind: chord.KindPing, From: client.Info()}
	var resp chord.Response
	for range 3 {
		require.NoError(t, client.Transport().Call(context.Background(), server.Info().Addr, &req, &resp))
		require.Equal(t, chord.StatusOK, resp.Status)
		time.Sleep(limit * 6 / 10) // the three calls span more than limit
	}
	require.Equal(t, uint64(1), client.Transport().Stats().Opened)
}

// TestServerTimeouts: the server cuts off a peer that stops inside a
// frame after CallTimeout, and closes a stream left idle after
// IdleTimeout.
func TestServerTimeouts(t *testing.T) {
	cfg := TransportConfig{CallTimeout: 300 * time.Millisecond, IdleTimeout: 3 * time.Second}
	server, client := timeoutPair(t, cfg)
	open := func() network.Stream {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		ai, err := ParseAddr(server.Info().Addr)
		require.NoError(t, err)
		require.NoError(t, client.Host().Connect(ctx, ai))
		s, err := client.Host().NewStream(ctx, ai.ID, ProtocolID)
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Reset() })
		require.NoError(t, s.SetDeadline(time.Now().Add(10*time.Second)))
		return s
	}

	// A frame announcing 100 bytes, of which 10 arrive.
	s := open()
	before := server.Transport().Stats()
	t0 := time.Now()
	_, err := s.Write(frame(make([]byte, 100))[:14])
	require.NoError(t, err)
	_, err = io.ReadAll(s)
	require.Error(t, err, "the stream is reset")
	took := time.Since(t0)
	require.GreaterOrEqual(t, took, cfg.CallTimeout)
	require.Less(t, took, cfg.IdleTimeout, "cut off after CallTimeout, not IdleTimeout")
	require.Equal(t, before.Reset+1, server.Transport().Stats().Reset)

	// A stream with nothing on it.
	s = open()
	t0 = time.Now()
	_, _ = io.ReadAll(s)
	took = time.Since(t0)
	require.GreaterOrEqual(t, took, cfg.IdleTimeout/2)
	require.Less(t, took, cfg.IdleTimeout+3*time.Second)
}

// TestCallAfterConnectionLoss: when the connection under the pooled
// streams to a peer is lost (the peer restarted, or closed it), the next
// call succeeds on a new stream instead of failing on the stale ones.
func TestCallAfterConnectionLoss(t *testing.T) {
	server, client := timeoutPair(t, TransportConfig{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ai, err := ParseAddr(server.Info().Addr)
	require.NoError(t, err)
	client.Host().Peerstore().AddAddrs(ai.ID, ai.Addrs, time.Hour)
	tr := client.Transport()
	var pooled []idleStream
	for range DefaultMaxIdleStreams {
		is, _, err := tr.getStream(ctx, ai.ID, false)
		require.NoError(t, err)
		pooled = append(pooled, is)
	}
	for _, is := range pooled {
		tr.putStream(ai.ID, is)
	}
	require.NoError(t, server.Host().Network().ClosePeer(client.Host().ID()))
	req := chord.Request{Kind: chord.KindPing, From: client.Info()}
	var resp chord.Response
	require.NoError(t, tr.Call(ctx, server.Info().Addr, &req, &resp))
	require.Equal(t, chord.StatusOK, resp.Status)
}
