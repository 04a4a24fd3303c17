package elgamal

import (
	"fmt"
	"io"
	"math"

	"github.com/cloudflare/circl/group"
)

// MaxDLogRange is the largest range a [DLogTable] can search: 2^40, for
// which the table holds 2^20 elements.
const MaxDLogRange = 1 << 40

// EncryptInt encrypts the integer m as the element m·G ("exponential
// ElGamal"), so that ciphertexts add as integers: [Add] of encryptions of a
// and b decrypts, with [PrivateKey.DecryptInt], to a + b. Decryption solves a
// discrete logarithm and is practical only for small results. A nil rnd
// means crypto/rand.Reader.
func (k *PublicKey) EncryptInt(rnd io.Reader, m uint64) (*Ciphertext, error) {
	if err := k.check(); err != nil {
		return nil, err
	}
	e := k.g.NewElement().MulGen(k.g.NewScalar().SetUint64(m))
	return k.Encrypt(rnd, e)
}

// DLogTable solves discrete logarithms x·G = E for x in [0, max] by
// baby-step giant-step: it stores ⌈√(max+1)⌉ baby steps, built once and
// reused for any number of decryptions, and each search takes at most as
// many giant steps. It is safe for concurrent use once built.
type DLogTable struct {
	g     group.Group
	max   uint64
	m     uint64
	baby  map[string]uint64
	giant group.Element // −m·G
}

// NewDLogTable builds a table for logarithms in [0, max] of group g. It
// returns [ErrInvalidArgument] if max exceeds [MaxDLogRange] or g is nil.
func NewDLogTable(g group.Group, max uint64) (*DLogTable, error) {
	if g == nil {
		return nil, errNilGroup
	}
	if max > MaxDLogRange {
		return nil, fmt.Errorf("%w: discrete-log range %d exceeds %d", ErrInvalidArgument, max, uint64(MaxDLogRange))
	}
	m := uint64(math.Ceil(math.Sqrt(float64(max) + 1)))
	for m*m < max+1 {
		m++
	}
	t := &DLogTable{g: g, max: max, m: m, baby: make(map[string]uint64, m)}
	e := g.Identity()
	gen := g.Generator()
	buf := make([]byte, 0, ElementSize(g))
	for j := uint64(0); j < m; j++ {
		buf = AppendElement(buf[:0], e)
		t.baby[string(buf)] = j
		e.Add(e, gen)
	}
	// e is now m·G.
	t.giant = g.NewElement().Neg(e)
	return t, nil
}

// Max returns the largest logarithm the table finds (0 for a nil table).
func (t *DLogTable) Max() uint64 {
	if t == nil {
		return 0
	}
	return t.max
}

// Log returns x with x·G = e and 0 ≤ x ≤ [DLogTable.Max], or [ErrDecrypt]
// if there is none.
func (t *DLogTable) Log(e group.Element) (uint64, error) {
	if t == nil || t.g == nil || t.baby == nil {
		return 0, fmt.Errorf("%w: nil or zero-value table", ErrInvalidArgument)
	}
	if e == nil {
		return 0, fmt.Errorf("%w: nil element", ErrInvalidArgument)
	}
	if !sameGroup(t.g, e.Group()) {
		return 0, ErrGroupMismatch
	}
	gamma := e.Copy()
	buf := make([]byte, 0, ElementSize(t.g))
	for i := uint64(0); i <= t.max/t.m; i++ {
		buf = AppendElement(buf[:0], gamma)
		if j, ok := t.baby[string(buf)]; ok {
			if x := i*t.m + j; x <= t.max {
				return x, nil
			}
			break
		}
		gamma.Add(gamma, t.giant)
	}
	return 0, fmt.Errorf("%w: plaintext outside [0, %d]", ErrDecrypt, t.max)
}

// DecryptInt decrypts an exponential ciphertext made by
// [PublicKey.EncryptInt] (or by adding such ciphertexts), searching t. It
// returns [ErrDecrypt] if the plaintext is outside t's range.
func (k *PrivateKey) DecryptInt(c *Ciphertext, t *DLogTable) (uint64, error) {
	e, err := k.Decrypt(c)
	if err != nil {
		return 0, err
	}
	return t.Log(e)
}
