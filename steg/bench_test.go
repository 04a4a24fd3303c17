package steg

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkHashFamily measures the keyed hash family: one value H_i(b)
// (one BLAKE3 compression) and all n = 100 values of a piece (one BLAKE3
// output buffer), the decoders' cost per new piece.
func BenchmarkHashFamily(b *testing.B) {
	f, err := NewFamily(testKey(1), 4096, DefaultFunctions)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("one", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(16)
		i := 0
		for b.Loop() {
			if _, err := f.Hash(1+i%100, i%4096); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("all", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(16)
		dst := make([]int, DefaultFunctions)
		i := 0
		for b.Loop() {
			if dst, err = f.Hashes(dst, i%4096); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

// BenchmarkEncodeNext measures one choice of the encoder (rarest first
// inside the class of H_x) on a file of m pieces, half of them downloaded,
// 30 peers' worth of uneven availability. Each iteration picks a piece and
// releases it again, so the state stays the same.
func BenchmarkEncodeNext(b *testing.B) {
	for _, m := range []int{64, 256, 1024, 4096} {
		b.Run(fmt.Sprintf("m=%d", m), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			f, err := NewFamily(testKey(1), m, DefaultFunctions)
			if err != nil {
				b.Fatal(err)
			}
			p, err := NewPicker(m, rng)
			if err != nil {
				b.Fatal(err)
			}
			for blk := range m {
				for range 1 + rng.IntN(30) {
					if err := p.PeerHas(blk); err != nil {
						b.Fatal(err)
					}
				}
				if rng.IntN(2) == 0 {
					if err := p.Downloaded(blk); err != nil {
						b.Fatal(err)
					}
				}
			}
			if err := p.Hide(f, 42); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				blk, err := p.Next()
				if err != nil {
					b.Fatal(err)
				}
				if err := p.Abandon(blk); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecodeStream measures the streaming decoder with n = 100 on the
// HAVEs of a 4,096-piece download: "cold" hashes every piece (a decoder per
// peer), "warm" reuses the class cache (Reset between peers of one file).
func BenchmarkDecodeStream(b *testing.B) {
	const m = 4096
	f, err := NewFamily(testKey(1), m, DefaultFunctions)
	if err != nil {
		b.Fatal(err)
	}
	seq := rand.New(rand.NewPCG(3, 4)).Perm(m)
	for _, warm := range []bool{false, true} {
		name := "cold"
		if warm {
			name = "warm"
		}
		b.Run(name, func(b *testing.B) {
			sd, err := NewStreamDecoder(f, DefaultWindow)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.SetBytes(HaveSize)
			i := 0
			for b.Loop() {
				if i == m {
					i = 0
					if warm {
						sd.Reset()
					} else if sd, err = NewStreamDecoder(f, DefaultWindow); err != nil {
						b.Fatal(err)
					}
				}
				if _, _, err := sd.Push(seq[i]); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "HAVEs/s")
		})
	}
}

// BenchmarkWire measures the BEP 3 codec: appending and parsing HAVE
// messages, parsing a 4,096-piece BITFIELD and reading a stream of HAVEs.
func BenchmarkWire(b *testing.B) {
	const m = 4096
	b.Run("append-have", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(HaveSize)
		buf := make([]byte, 0, HaveSize)
		i := 0
		for b.Loop() {
			buf, _ = AppendHave(buf[:0], i%m)
			i++
		}
	})
	have, _ := AppendHave(nil, 1234)
	b.Run("parse-have", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(HaveSize)
		for b.Loop() {
			if _, _, err := ParseMessage(have, m); err != nil {
				b.Fatal(err)
			}
		}
	})
	bf, _ := NewBitfield(m)
	for i := 0; i < m; i += 3 {
		_ = bf.Set(i)
	}
	msg := AppendBitfield(nil, bf)
	b.Run("parse-bitfield", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(msg)))
		for b.Loop() {
			if _, _, err := ParseMessage(msg, m); err != nil {
				b.Fatal(err)
			}
		}
	})
	var stream []byte
	for i := range 1024 {
		stream, _ = AppendHave(stream, i)
	}
	b.Run("read-haves", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(stream)))
		rd := bytes.NewReader(stream)
		for b.Loop() {
			rd.Reset(stream)
			r := NewReader(rd, m)
			for range 1024 {
				if _, err := r.ReadMessage(); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// BenchmarkPlan measures a Plan fed by its host: "complete" is one piece
// verified and the resulting Changes (a whole download per m iterations,
// the class switch included), "availability" one availability report and
// its Changes. The plan is rebuilt, off the clock, when the file is done.
func BenchmarkPlan(b *testing.B) {
	for _, m := range []int{256, 4096} {
		f, err := NewFamily(testKey(1), m, DefaultFunctions)
		if err != nil {
			b.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(1, 2))
		order := rng.Perm(m)
		fresh := func() *Plan {
			p, err := NewPlan(f, 42, rng)
			if err != nil {
				b.Fatal(err)
			}
			for blk := range m {
				if err := p.SetAvailability(blk, 1+rng.IntN(30)); err != nil {
					b.Fatal(err)
				}
			}
			p.Changes(nil)
			return p
		}
		b.Run(fmt.Sprintf("complete/m=%d", m), func(b *testing.B) {
			p, dst, i := fresh(), make([]Change, 0, m), 0
			b.ReportAllocs()
			for b.Loop() {
				if i == m {
					b.StopTimer()
					p, i = fresh(), 0
					b.StartTimer()
				}
				if err := p.Completed(order[i]); err != nil {
					b.Fatal(err)
				}
				dst = p.Changes(dst[:0])
				i++
			}
		})
		b.Run(fmt.Sprintf("availability/m=%d", m), func(b *testing.B) {
			p, dst, i := fresh(), make([]Change, 0, m), 0
			b.ReportAllocs()
			for b.Loop() {
				if err := p.SetAvailability(order[i%m], 1+i%30); err != nil {
					b.Fatal(err)
				}
				dst = p.Changes(dst[:0])
				i++
			}
		})
		b.Run(fmt.Sprintf("sender/m=%d", m), func(b *testing.B) {
			benchSenderPlan(b, f, rng)
		})
	}
}

// benchSenderPlan is a SenderPlan's cost per completion, priority changes
// included, for a host that completes the most recently wanted piece: the
// symbol changes every 28 HAVEs, and each change costs a pass over the
// pieces.
func benchSenderPlan(b *testing.B, f *Family, rng *rand.Rand) {
	m := f.Blocks()
	var (
		sp    *SenderPlan
		prio  = make([]Priority, m)
		done  = make([]bool, m)
		stack []int
		dst   = make([]Change, 0, m)
	)
	apply := func() {
		dst = sp.Changes(dst[:0])
		for _, c := range dst {
			prio[c.Piece] = c.Priority
			if c.Priority == Want {
				stack = append(stack, c.Piece)
			}
		}
	}
	reset := func() {
		var err error
		if sp, err = NewSenderPlan(f, []byte("swarm#7"), 28, rng); err != nil {
			b.Fatal(err)
		}
		for blk := range m {
			if err := sp.SetAvailability(blk, 1+rng.IntN(30)); err != nil {
				b.Fatal(err)
			}
		}
		clear(done)
		stack = stack[:0]
		apply()
	}
	reset()
	b.ReportAllocs()
	for b.Loop() {
		for len(stack) > 0 && (done[stack[len(stack)-1]] || prio[stack[len(stack)-1]] != Want) {
			stack = stack[:len(stack)-1]
		}
		if len(stack) == 0 {
			b.StopTimer()
			reset()
			b.StartTimer()
			continue
		}
		blk := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		done[blk] = true
		if err := sp.Completed(blk); err != nil {
			b.Fatal(err)
		}
		apply()
	}
}
