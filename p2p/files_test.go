package p2p

import (
	"bytes"
	"context"
	mrand "math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestPutGetFileThroughClient stores a file from a client (a node that
// joined as a client: it serves nothing and no node routes to it) and
// fetches it back through another client, chunk by chunk with progress.
func TestPutGetFileThroughClient(t *testing.T) {
	tracker := newTracker(t)
	sw := newSwarm(t, 3)
	r := newRing(t, 5, func(int) Config { return testConfig(tracker.PublicKey()) })
	r.waitStable(30*time.Second, 4)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	client := func() *Service {
		cfg := testConfig()
		cfg.Bootstrap = []string{r.nodes[2].Info().Addr}
		c, err := NewService(cfg)
		require.NoError(t, err)
		t.Cleanup(func() { _ = c.Close() })
		require.NoError(t, c.StartClient(ctx))
		return c
	}
	file := make([]byte, 5*4096+123)
	rng := mrand.New(mrand.NewPCG(9, 9))
	for i := range file {
		file[i] = byte(rng.Uint32())
	}
	var steps []int64
	opts := FileOptions{ChunkSize: 4096, Progress: func(done, total int64) {
		require.Equal(t, int64(len(file)), total)
		steps = append(steps, done)
	}}
	c1 := client()
	key, err := PutFile(ctx, c1.Node(), sw, tracker, bytes.NewReader(file), int64(len(file)), opts)
	require.NoError(t, err)
	require.Len(t, steps, 6, "one progress call per chunk")
	require.IsIncreasing(t, steps)
	require.Equal(t, int64(len(file)), steps[5])
	require.Zero(t, c1.Node().State().Blocks, "a client stores nothing")
	for _, s := range r.nodes {
		require.NotEqual(t, c1.Info(), s.Node().Predecessor(), "no node adopted the client")
	}

	var out bytes.Buffer
	n, err := GetFile(ctx, client().Node(), sw, tracker, key, &out, FileOptions{})
	require.NoError(t, err)
	require.Equal(t, int64(len(file)), n)
	require.Equal(t, file, out.Bytes())

	_, err = GetFile(ctx, client().Node(), sw, tracker, [32]byte{1}, &out, FileOptions{})
	require.Error(t, err, "an unknown key")
}

func TestParseManifestRejects(t *testing.T) {
	good := append([]byte("bstorem1"), 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 4, 0, 0, 0, 2)
	good = append(good, make([]byte, 64)...)
	_, _, _, err := parseManifest(good)
	require.NoError(t, err)
	for name, m := range map[string][]byte{
		"short":          good[:10],
		"magic":          append([]byte("xstorem1"), good[8:]...),
		"truncated":      good[:len(good)-1],
		"size too big":   append(append(append([]byte{}, good[:15]...), 9), good[16:]...),
		"size too small": append(append(append([]byte{}, good[:15]...), 4), good[16:]...),
	} {
		_, _, _, err := parseManifest(m)
		require.ErrorIs(t, err, ErrManifest, name)
	}
}

func FuzzParseManifest(f *testing.F) {
	f.Add(append([]byte("bstorem1"), 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 4, 0, 0, 0, 2))
	f.Fuzz(func(t *testing.T, m []byte) {
		size, cs, hashes, err := parseManifest(m)
		if err != nil {
			return
		}
		require.Len(t, m, manifestHeader+32*len(hashes))
		require.LessOrEqual(t, size, int64(len(hashes))*int64(cs))
	})
}
