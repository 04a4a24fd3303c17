package steg

import (
	"crypto/subtle"
	"fmt"
	"math/bits"

	"lukechampine.com/blake3"
)

// Frame sizes.
const (
	// MaxFramePayload is the largest payload of one frame, in bytes.
	MaxFramePayload = 64
	// FrameChecksumSize is the size of the keyed frame checksum, in bytes.
	FrameChecksumSize = 2
)

// DigitBits returns the number of payload bits one symbol carries in a
// frame over a family of n functions: ⌊log2(n−1)⌋ (6 for n = 100), or 0
// when n < 3 and frames are impossible.
func DigitBits(n int) int {
	if n < 3 {
		return 0
	}
	return bits.Len(uint(n-1)) - 1
}

// FrameLen returns the number of symbols of a frame of size payload bytes
// over family f, not counting the symbol before it (see [FrameSymbols]).
func FrameLen(f *Family, size int) int {
	if f == nil {
		return 0
	}
	d := DigitBits(f.n)
	if d == 0 {
		return 0
	}
	return (8*(1+size+FrameChecksumSize) + d - 1) / d
}

// frameChecksum returns the keyed checksum of a frame payload.
func frameChecksum(f *Family, payload []byte) [FrameChecksumSize]byte {
	h := blake3.New(FrameChecksumSize, f.sum[:])
	h.Write([]byte{byte(len(payload))})
	h.Write(payload)
	var out [FrameChecksumSize]byte
	h.Sum(out[:0])
	return out
}

// FrameSymbols returns the symbols that carry payload, 1 ≤ len(payload) ≤
// [MaxFramePayload], after the symbol prev (1 ≤ prev ≤ n), sent just before.
//
// The frame is the bit string len ‖ payload ‖ checksum (one length byte,
// the payload, a [FrameChecksumSize]-byte BLAKE3 keyed checksum), cut
// most significant bit first into digits v_1, v_2, … of d = [DigitBits](n)
// bits (the last one padded with zero bits). Digits are sent as
// differences so that two successive symbols always differ and a receiver
// can tell them apart: t_0 = prev, t_j = ((t_{j−1} − 1) + 1 + v_j) mod n + 1,
// which never equals t_{j−1} because v_j ≤ 2^d − 1 ≤ n − 2.
func FrameSymbols(f *Family, prev int, payload []byte) ([]int, error) {
	if f == nil {
		return nil, fmt.Errorf("%w: FrameSymbols with a nil *Family", ErrNil)
	}
	if DigitBits(f.n) == 0 {
		return nil, fmt.Errorf("%w: frames need n ≥ 3, family has %d", ErrFunctions, f.n)
	}
	if prev < 1 || prev > f.n {
		return nil, fmt.Errorf("%w: prev = %d not in [1, %d]", ErrSymbol, prev, f.n)
	}
	if len(payload) < 1 || len(payload) > MaxFramePayload {
		return nil, fmt.Errorf("%w: %d bytes not in [1, %d]", ErrPayload, len(payload), MaxFramePayload)
	}
	sum := frameChecksum(f, payload)
	raw := make([]byte, 0, 1+len(payload)+FrameChecksumSize)
	raw = append(raw, byte(len(payload)))
	raw = append(raw, payload...)
	raw = append(raw, sum[:]...)

	d := DigitBits(f.n)
	syms := make([]int, FrameLen(f, len(payload)))
	t := prev
	for j := range syms {
		v := 0
		for k := range d {
			pos := j*d + k
			v <<= 1
			if pos < 8*len(raw) {
				v |= int(raw[pos/8] >> (7 - pos%8) & 1)
			}
		}
		t = (t-1+1+v)%f.n + 1
		syms[j] = t
	}
	return syms, nil
}

// ParseFrame decodes the frame carried by syms, the symbols sent after
// prev, and returns its payload. It fails with [ErrFrame] when the symbols
// are not exactly one well-formed frame with a valid checksum.
func ParseFrame(f *Family, prev int, syms []int) ([]byte, error) {
	if f == nil {
		return nil, fmt.Errorf("%w: ParseFrame with a nil *Family", ErrNil)
	}
	d := DigitBits(f.n)
	if d == 0 {
		return nil, fmt.Errorf("%w: frames need n ≥ 3, family has %d", ErrFunctions, f.n)
	}
	if prev < 1 || prev > f.n {
		return nil, fmt.Errorf("%w: prev = %d not in [1, %d]", ErrSymbol, prev, f.n)
	}
	if len(syms) < FrameLen(f, 1) || len(syms) > FrameLen(f, MaxFramePayload) {
		return nil, fmt.Errorf("%w: %d symbols", ErrFrame, len(syms))
	}
	raw := make([]byte, (len(syms)*d+7)/8)
	pos, t := 0, prev
	for _, s := range syms {
		if s < 1 || s > f.n {
			return nil, fmt.Errorf("%w: symbol %d not in [1, %d]", ErrSymbol, s, f.n)
		}
		v := ((s-t-1)%f.n + f.n) % f.n
		if v >= 1<<d {
			return nil, fmt.Errorf("%w: step %d → %d is not a digit", ErrFrame, t, s)
		}
		for k := d - 1; k >= 0; k-- {
			if v>>k&1 != 0 {
				raw[pos/8] |= 0x80 >> (pos % 8)
			}
			pos++
		}
		t = s
	}
	size := int(raw[0])
	if size < 1 || size > MaxFramePayload || FrameLen(f, size) != len(syms) {
		return nil, fmt.Errorf("%w: length byte %d does not match %d symbols", ErrFrame, size, len(syms))
	}
	body := raw[:1+size+FrameChecksumSize]
	for _, x := range raw[len(body):] {
		if x != 0 {
			return nil, fmt.Errorf("%w: padding bits set", ErrFrame)
		}
	}
	payload := body[1 : 1+size]
	sum := frameChecksum(f, payload)
	if subtle.ConstantTimeCompare(sum[:], body[1+size:]) != 1 {
		return nil, fmt.Errorf("%w: checksum mismatch", ErrFrame)
	}
	return append([]byte(nil), payload...), nil
}
