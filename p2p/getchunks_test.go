package p2p

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/chord"
)

// TestGetChunksWindow checks GetFile's fetch window with a fake fetch:
// the chunks are written in order whatever order the fetches end in, at
// most Parallel fetches run at once, and the window slides: with chunk 1
// held back until chunk 2 has started (Parallel 2), chunk 2 must start as
// soon as chunk 0 is written, without waiting for a whole batch (which
// would never end).
func TestGetChunksWindow(t *testing.T) {
	const cs, count = 8, 6
	chunkOf := func(i int) []byte { return bytes.Repeat([]byte{byte('a' + i)}, cs) }
	var want []byte
	for i := range count {
		want = append(want, chunkOf(i)...)
	}
	tests := []struct {
		name     string
		parallel int
		// hold names a chunk whose fetch waits until another has started.
		hold, until int
	}{
		{"sequential", 1, -1, -1},
		{"default", 0, -1, -1},
		{"fetches overlap", 3, 0, 2},
		{"slides past a slow chunk", 2, 1, 2},
		{"window of three slides", 3, 2, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			started := make([]chan struct{}, count)
			for i := range started {
				started[i] = make(chan struct{})
			}
			var inFlight, peak atomic.Int32
			fetch := func(ctx context.Context, i int, _ []byte) ([]byte, error) {
				n := inFlight.Add(1)
				defer inFlight.Add(-1)
				for {
					p := peak.Load()
					if n <= p || peak.CompareAndSwap(p, n) {
						break
					}
				}
				close(started[i])
				if i == tc.hold {
					select {
					case <-started[tc.until]:
					case <-time.After(10 * time.Second):
						return nil, fmt.Errorf("chunk %d never started while chunk %d was in flight", tc.until, i)
					}
				}
				// Later chunks end first.
				time.Sleep(time.Duration(count-i) * time.Millisecond)
				return chunkOf(i), nil
			}
			var out bytes.Buffer
			n, err := getChunks(context.Background(), count, fetch, int64(len(want)), cs, &out, FileOptions{Parallel: tc.parallel})
			require.NoError(t, err)
			require.Equal(t, int64(len(want)), n)
			require.Equal(t, want, out.Bytes())
			require.LessOrEqual(t, int(peak.Load()), parallel(tc.parallel))
		})
	}
}

// TestGetChunksError checks that a failed fetch ends GetFile with the
// chunk's error after the chunks before it are written, and that every
// fetch still running is cancelled and waited for.
func TestGetChunksError(t *testing.T) {
	boom := errors.New("boom")
	var mu sync.Mutex
	running := 0
	fetch := func(ctx context.Context, i int, _ []byte) ([]byte, error) {
		mu.Lock()
		running++
		mu.Unlock()
		defer func() {
			mu.Lock()
			running--
			mu.Unlock()
		}()
		if i == 2 {
			return nil, boom
		}
		if i > 2 {
			<-ctx.Done() // would hang without the cancellation
			return nil, ctx.Err()
		}
		return []byte{byte(i)}, nil
	}
	var out bytes.Buffer
	n, err := getChunks(context.Background(), 8, fetch, 8, 1, &out, FileOptions{Parallel: 4})
	require.ErrorIs(t, err, boom)
	require.ErrorContains(t, err, "chunk 2")
	require.Equal(t, int64(2), n)
	require.Equal(t, []byte{0, 1}, out.Bytes())
	mu.Lock()
	defer mu.Unlock()
	require.Zero(t, running, "fetches still running after GetFile returned")
}

// TestGetChunksReusesBuffers: every fetch gets a buffer with room for a
// sealed chunk, chunks returned in those buffers are written intact (a
// buffer goes to another fetch only after its chunk is written), and at
// most Parallel buffers are made for a file of many chunks.
func TestGetChunksReusesBuffers(t *testing.T) {
	const cs, count, par = 16, 40, 3
	chunkOf := func(i int) []byte { return bytes.Repeat([]byte{byte(i)}, cs) }
	var want []byte
	for i := range count {
		want = append(want, chunkOf(i)...)
	}
	var mu sync.Mutex
	seen := map[*byte]bool{}
	fetch := func(ctx context.Context, i int, buf []byte) ([]byte, error) {
		if cap(buf) < cs+chord.Overhead {
			return nil, fmt.Errorf("chunk %d: buffer of %d bytes", i, cap(buf))
		}
		mu.Lock()
		seen[&buf[:1][0]] = true
		mu.Unlock()
		time.Sleep(time.Duration(i%3) * time.Millisecond)
		return append(buf[:0], chunkOf(i)...), nil
	}
	var out bytes.Buffer
	n, err := getChunks(context.Background(), count, fetch, int64(len(want)), cs, &out, FileOptions{Parallel: par})
	require.NoError(t, err)
	require.Equal(t, int64(len(want)), n)
	require.Equal(t, want, out.Bytes())
	require.LessOrEqual(t, len(seen), par)
}
