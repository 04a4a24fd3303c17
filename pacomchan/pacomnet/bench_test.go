package pacomnet

import (
	"context"
	"testing"
	"time"
)

// BenchmarkCircuitGoodput measures, over loopback TCP, the covert goodput
// of one 3-hop circuit (0 → 1 → 2 → 3) in MB/s of delivered data, beside
// the plain piece throughput of the same connections (every PIECE byte
// sent, data and cover), with requests unpaced (10^5 per second per
// connection) so that the sockets and the cryptography set the pace, and
// up to 256 messages in flight. One op is one message of MaxData bytes;
// the figures count until the last one is delivered.
func BenchmarkCircuitGoodput(b *testing.B) {
	cfg := fastConfig()
	cfg.RequestRate = 1e5
	cfg.Tick = time.Millisecond
	tn := newTestNet(b, netConfig{swarms: lineSwarms, lengths: []int64{1 << 26, 1 << 26, 1 << 26}, cfg: cfg})
	src, dst := tn.clients[0], tn.clients[3]
	id, err := src.Build(dst.PublicKey())
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := src.WaitReady(ctx, id); err != nil {
		b.Fatal(err)
	}
	msg := make([]byte, src.MaxData())
	pieces0 := tn.clients[1].Stats().PiecesSent
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	start := time.Now()
	sent, got := 0, 0
	recv := func() {
		select {
		case <-dst.Deliveries():
			got++
		case <-ctx.Done():
			b.Fatal("circuit stalled")
		}
	}
	for b.Loop() {
		for src.Send(id, msg) != nil { // the output queue is full: wait
			time.Sleep(time.Millisecond)
		}
		sent++
		for sent-got > 256 {
			recv()
		}
	}
	for got < sent {
		recv()
	}
	secs := time.Since(start).Seconds()
	pieces := tn.clients[1].Stats().PiecesSent - pieces0
	b.ReportMetric(float64(sent*len(msg))/secs/1e6, "covert-MB/s")
	// Relay 1 serves both its neighbours: half its pieces per link.
	b.ReportMetric(float64(pieces)*testBlock/2/secs/1e6, "plain-MB/s")
}
