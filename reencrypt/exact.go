package reencrypt

import (
	"encoding/binary"
	"fmt"
	"math/big"
	"time"

	"github.com/cloudflare/circl/group"
	"github.com/swarmblocks/swarmblocks/elgamal"
)

// The paper's exact scheme, kept as the baseline the benchmarks compare
// against: on a mod-p group, every block of the piece is multiplied by the
// blinding g^(r·s) mod p itself (PEnc), T multiplies every block by the
// re-key, and PDec divides every block by (g^r)^s. It uses the same tracker
// messages as the capsule scheme. Its cost grows with the piece size, and
// since all blocks of a piece share one mask, the ratio of two cipher blocks
// equals the ratio of their plain blocks: a weakness the capsule scheme does
// not have. Use it to measure, not to protect content.
//
// A cipher piece is the plain length (4 bytes, big-endian) followed by
// ⌈len/(k−1)⌉ blocks of k bytes, k the size of p; a plain block b of k−1
// bytes is encoded as the integer b + 1, in [1, 256^(k−1)] ⊂ [1, p).

func exactGroup(g group.Group) (*elgamal.ModPGroup, error) {
	mg, ok := g.(*elgamal.ModPGroup)
	if !ok {
		return nil, fmt.Errorf("%w, not %s", ErrExactGroup, elgamal.GroupName(g))
	}
	return mg, nil
}

// ExactSize returns the length of the exact scheme's cipher piece for a plain
// piece of n bytes in group g.
// It is 0 for a nil group.
func ExactSize(g group.Group, n int) int {
	if g == nil {
		return 0
	}
	k := elgamal.ElementSize(g)
	return 4 + (n+k-2)/(k-1)*k
}

// ExactPEnc encrypts piece k.Index with the paper's exact scheme: every
// block times K = g^(r_ij·s_j) mod p.
func (s *Seed) ExactPEnc(k *UploadKey) ([]byte, error) {
	if err := s.checkKey(k); err != nil {
		return nil, err
	}
	mg, err := exactGroup(s.keys.g)
	if err != nil {
		return nil, err
	}
	plain := s.plain[k.Index]
	kb := int(mg.Params().ElementLength)
	out := make([]byte, ExactSize(mg, len(plain)))
	binary.BigEndian.PutUint32(out, uint32(len(plain)))
	mask := k.key.(*elgamal.ModPElement).Int()
	p := mg.P()
	m := new(big.Int)
	pos := 4
	for off := 0; off < len(plain); off += kb - 1 {
		m.SetBytes(plain[off:min(off+kb-1, len(plain))])
		m.Add(m, bigOne)
		m.Mul(m, mask).Mod(m, p)
		m.FillBytes(out[pos : pos+kb])
		pos += kb
	}
	return out, nil
}

// ExactTransform is T in the exact scheme: every block times the re-key Δ.
func ExactTransform(k *ReKey, cipher []byte) ([]byte, error) {
	if k == nil || k.delta == nil {
		return nil, fmt.Errorf("%w: empty re-key", ErrMalformed)
	}
	mg, err := exactGroup(k.delta.Group())
	if err != nil {
		return nil, err
	}
	n, err := exactCheck(mg, cipher)
	if err != nil {
		return nil, err
	}
	return exactMulBlocks(mg, cipher, n, k.delta.(*elgamal.ModPElement).Int())
}

// ExactDecrypt is PDec in the exact scheme: every block divided by
// (g^(r_ik))^(s_k) mod p, that is multiplied by the inverse that
// [Peer.InstallLicence] computed.
func (p *Peer) ExactDecrypt(i uint32, cipher []byte, now time.Time) ([]byte, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	mg, err := exactGroup(p.g)
	if err != nil {
		return nil, err
	}
	inv, err := p.exactUnmask(i, now)
	if err != nil {
		return nil, err
	}
	n, err := exactCheck(mg, cipher)
	if err != nil {
		return nil, err
	}
	if n != p.torrent.Lengths[i] {
		return nil, fmt.Errorf("%w: cipher piece of %d bytes for piece %d of %d", ErrMalformed, n, i, p.torrent.Lengths[i])
	}
	blocks, err := exactMulBlocks(mg, cipher, n, inv)
	if err != nil {
		return nil, err
	}
	// Undo the block encoding: b = m − 1, which must fit in k−1 bytes.
	kb := int(mg.Params().ElementLength)
	out := make([]byte, 0, n)
	m := new(big.Int)
	limit := new(big.Int).Lsh(bigOne, uint(8*(kb-1)))
	for off := 4; off < len(blocks); off += kb {
		m.SetBytes(blocks[off : off+kb])
		m.Sub(m, bigOne)
		// Here m ≥ 0 (the block is a non-zero residue), and m ≥ limit fails the size
		// check below as well (mutation: equivalent).
		if m.Sign() < 0 || m.Cmp(limit) >= 0 {
			return nil, ErrDecrypt
		}
		size := min(kb-1, n-len(out))
		if m.BitLen() > 8*size {
			return nil, ErrDecrypt
		}
		out = append(out, m.FillBytes(make([]byte, size))...)
	}
	return out, nil
}

// exactUnmask checks that a licence is installed and in force at now and
// that i is a piece index, and returns the inverse of piece i's mask,
// (g^(r_ik·s_k))^−1 mod p: the unblinding key −s·L_i that installing the
// licence computed, copied under the lock that keeps it from being erased
// meanwhile.
func (p *Peer) exactUnmask(i uint32, now time.Time) (*big.Int, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if err := p.licenceUsable(now); err != nil {
		return nil, err
	}
	if err := p.torrent.checkIndex(i); err != nil {
		return nil, err
	}
	return p.unblind[i].(*elgamal.ModPElement).Int(), nil
}

// exactCheck validates a cipher piece's framing and returns its plain length.
func exactCheck(mg *elgamal.ModPGroup, cipher []byte) (int, error) {
	if len(cipher) < 4 {
		return 0, fmt.Errorf("%w: exact cipher piece too short", ErrMalformed)
	}
	n := int(binary.BigEndian.Uint32(cipher))
	if n > MaxPieceSize || len(cipher) != ExactSize(mg, n) {
		return 0, fmt.Errorf("%w: exact cipher piece length", ErrMalformed)
	}
	return n, nil
}

// exactMulBlocks returns cipher with every block multiplied by f mod p. It
// rejects blocks that are zero or not below p.
func exactMulBlocks(mg *elgamal.ModPGroup, cipher []byte, n int, f *big.Int) ([]byte, error) {
	kb := int(mg.Params().ElementLength)
	p := mg.P()
	out := make([]byte, len(cipher))
	copy(out, cipher[:4])
	c := new(big.Int)
	for off := 4; off < len(cipher); off += kb {
		c.SetBytes(cipher[off : off+kb])
		if c.Sign() == 0 || c.Cmp(p) >= 0 {
			return nil, fmt.Errorf("%w: exact cipher block out of range", ErrMalformed)
		}
		c.Mul(c, f).Mod(c, p)
		c.FillBytes(out[off : off+kb])
	}
	return out, nil
}

var bigOne = big.NewInt(1)
