package chord

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"

	zblake3 "github.com/zeebo/blake3"
	"lukechampine.com/blake3"
	"lukechampine.com/blake3/guts"
)

// MaxReplicas bounds q_s, the replicas per chunk.
const MaxReplicas = 64

// MinSecretSize is the shortest swarm secret NewSwarm accepts.
const MinSecretSize = 16

// BitStore errors.
var (
	ErrChunkLost  = errors.New("chord: no replica of the chunk is left")
	ErrCorrupt    = errors.New("chord: block does not match its key or chunk hash")
	ErrNoSeller   = errors.New("chord: no holder sold the chunk")
	ErrSecretSize = errors.New("chord: swarm secret shorter than 16 bytes")
	ErrReplicas   = errors.New("chord: replica count out of range")
	// ErrSealFormat is returned, wrapped with ErrCorrupt, by Open for a
	// sealed chunk whose format byte is not SealFormat: a block sealed
	// by an older version, or not a sealed chunk.
	ErrSealFormat = errors.New("chord: sealed chunk of an unknown format")
)

// Swarm holds what the tracker tells the members of one swarm (§4.2): the
// per-torrent secret and q_s, the number of replicas of each chunk. Members
// derive from it the ring keys of a chunk's replicas and the key chunks are
// encrypted under (§4.4); nodes outside the swarm can do neither.
type Swarm struct {
	replicas int
	keyKey   [8]uint32 // BLAKE3 key of h(chunk_hash, secret, i), as words
	chunkKey [8]uint32 // BLAKE3 key deriving a chunk's AES key from its hash, as words
}

// NewSwarm derives a swarm's keys from its secret (at least MinSecretSize
// bytes) for q_s = replicas (1 to MaxReplicas).
func NewSwarm(secret []byte, replicas int) (*Swarm, error) {
	if len(secret) < MinSecretSize {
		return nil, ErrSecretSize
	}
	if replicas < 1 || replicas > MaxReplicas {
		return nil, fmt.Errorf("%w: %d not in [1, %d]", ErrReplicas, replicas, MaxReplicas)
	}
	s := &Swarm{replicas: replicas}
	var keyKey, chunkKey [32]byte
	blake3.DeriveKey(keyKey[:], "swarmblocks chord 2026 replica key", secret)
	blake3.DeriveKey(chunkKey[:], "swarmblocks chord 2026 chunk key AES-256-GCM", secret)
	for i := range s.keyKey {
		s.keyKey[i] = binary.LittleEndian.Uint32(keyKey[4*i:])
		s.chunkKey[i] = binary.LittleEndian.Uint32(chunkKey[4*i:])
	}
	return s, nil
}

// Replicas returns q_s.
func (s *Swarm) Replicas() int { return s.replicas }

// ChunkHash returns the identifier of a chunk as BitStore uses it: the hash
// of the chunk's hash (§4.2), so that it can be computed from the .torrent
// file without the chunk. Hashes are BLAKE3.
func ChunkHash(chunk []byte) [32]byte {
	h := zblake3.Sum256(chunk)
	return zblake3.Sum256(h[:])
}

// ReplicaKey returns the ring key of replica i of the chunk: h(chunk_hash,
// secret, i) of §4.2, a BLAKE3 keyed hash under a key derived from the
// swarm secret, so only swarm members can locate the replicas. Replica i
// lives at successor(ReplicaKey(chunkHash, i)).
func (s *Swarm) ReplicaKey(chunkHash [32]byte, i int) ID {
	var in [36]byte
	copy(in[:], chunkHash[:])
	binary.BigEndian.PutUint32(in[32:], uint32(i))
	// BLAKE3's keyed hash of an input shorter than a chunk is one chunk
	// compression, finalised as the root: computed here with the
	// library's own compression functions, without a Hasher (3 KiB on
	// the heap) or escaping buffers.
	n := guts.CompressChunk(in[:], &s.keyKey, 0, guts.FlagKeyedHash)
	n.Flags |= guts.FlagRoot
	out := guts.WordsToBytes(guts.CompressNode(n))
	return ID(out[:IDSize])
}

// ReplicaKeys appends the q_s replica keys of the chunk to dst. It
// allocates nothing when dst has room for them.
func (s *Swarm) ReplicaKeys(dst []ID, chunkHash [32]byte) []ID {
	dst = slices.Grow(dst, s.replicas)
	for i := range s.replicas {
		dst = append(dst, s.ReplicaKey(chunkHash, i))
	}
	return dst
}

// SealFormat is the first byte of a chunk sealed by [Swarm.Seal]: the
// format, AES-256-GCM under a per-chunk key. (Blocks sealed by earlier
// versions, XChaCha20-Poly1305 without a format byte, are refused with
// [ErrSealFormat], never misread.)
const SealFormat = 2

// Overhead is the bytes [Swarm.Seal] adds to a chunk: the format byte and
// the GCM tag.
const Overhead = 1 + gcmTagSize

const gcmTagSize = 16

// Seal encrypts a chunk under the swarm secret (§4.4) with AES-256-GCM and
// returns the chunk hash and SealFormat ‖ ciphertext ‖ tag. The key is
// derived from the swarm secret and the chunk hash (a keyed BLAKE3 hash),
// the nonce is zero and the chunk hash is the additional data.
//
// Nonce uniqueness: GCM must never seal two plaintexts under one key and
// nonce. Every key here is the key of one chunk hash, and an honest member
// seals under it only the chunk with that hash (BLAKE3's collision
// resistance), so a key seals one plaintext however many times, and the
// fixed nonce is never reused with another. A dishonest swarm member can
// seal other bytes under a chunk's key, but it knows the key already: the
// keystream it could expose is its own to expose, and Open refuses its
// forgery by the chunk hash (see [Swarm.Open]). Deriving the key from the
// hash, not drawing it at random, makes every member produce the same
// ciphertext for a chunk, so replicas re-put by different leechers are
// byte-identical and holders recognise duplicates, while storers learn
// nothing but the ciphertext's length and its ring keys.
//
// AES-GCM rather than XChaCha20-Poly1305 because it is two to three times
// cheaper per byte on processors with AES and carry-less multiplication
// instructions, and a chunk's decryption is a large share of a fetch's
// processor time (see the p2p package's measurements).
func (s *Swarm) Seal(chunk []byte) ([32]byte, []byte) {
	ch := ChunkHash(chunk)
	return ch, s.seal(nil, ch, chunk)
}

// seal appends the sealed chunk, whose hash is ch, to dst.
func (s *Swarm) seal(dst []byte, ch [32]byte, chunk []byte) []byte {
	dst = slices.Grow(dst, Overhead+len(chunk))
	dst = append(dst, SealFormat)
	var nonce [12]byte
	return s.aead(ch).Seal(dst, nonce[:], chunk, ch[:])
}

// Open decrypts a sealed chunk and checks it against chunkHash: the GCM
// tag under the chunk's key, and then the BLAKE3 chunk hash of the
// plaintext. The tag alone would not do: every swarm member knows the
// key, so only the hash stops a member that forged a replica (with a
// ticket of its own for it) from feeding other members a different chunk.
// Errors wrap ErrCorrupt.
func (s *Swarm) Open(chunkHash [32]byte, sealed []byte) ([]byte, error) {
	return s.open(nil, chunkHash, sealed)
}

// open is Open appending the chunk to dst, which may be sealed[1:1] to
// decrypt in place.
func (s *Swarm) open(dst []byte, chunkHash [32]byte, sealed []byte) ([]byte, error) {
	if len(sealed) < Overhead {
		return nil, fmt.Errorf("%w: sealed chunk of %d bytes", ErrCorrupt, len(sealed))
	}
	if sealed[0] != SealFormat {
		return nil, fmt.Errorf("%w: %w: format byte %d, want %d", ErrCorrupt, ErrSealFormat, sealed[0], SealFormat)
	}
	var nonce [12]byte
	pt, err := s.aead(chunkHash).Open(dst, nonce[:], sealed[1:], chunkHash[:])
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	if ChunkHash(pt) != chunkHash {
		return nil, ErrCorrupt
	}
	return pt, nil
}

// aead returns the AES-256-GCM instance of a chunk: its key is the keyed
// BLAKE3 hash of the chunk hash under a key derived from the secret, one
// chunk compression as in ReplicaKey.
func (s *Swarm) aead(ch [32]byte) cipher.AEAD {
	n := guts.CompressChunk(ch[:], &s.chunkKey, 0, guts.FlagKeyedHash)
	n.Flags |= guts.FlagRoot
	key := guts.WordsToBytes(guts.CompressNode(n))
	b, err := aes.NewCipher(key[:32])
	if err != nil {
		panic(err) // unreachable: the key is 32 bytes
	}
	g, err := cipher.NewGCM(b)
	if err != nil {
		panic(err) // unreachable: NewGCM fails only for block sizes other than 16
	}
	return g
}

// Put is DHash's put(block): it stores a content-addressed block at
// successor(BlockKey(data)) under a ticket from issuer, and returns the key.
func (n *Node) Put(ctx context.Context, data []byte, issuer TicketIssuer) (ID, error) {
	if issuer == nil {
		return ID{}, fmt.Errorf("%w: no ticket issuer", ErrNilArgument)
	}
	// mutation: equivalent — the storer refuses an empty block with the
	// same error; this saves the ticket and the lookup.
	if len(data) == 0 {
		return ID{}, fmt.Errorf("%w: empty block", ErrBadRequest)
	}
	key := BlockKey(data)
	_, _, err := n.storeReplica(ctx, issuer, nil, key, 0, key, data, key, nil)
	return key, err
}

// Get is DHash's get(key): it fetches the block from successor(key) and
// checks that it hashes to key.
func (n *Node) Get(ctx context.Context, key ID) ([]byte, error) {
	res, err := n.Lookup(ctx, key)
	if err != nil {
		return nil, err
	}
	data, err := n.fetch(ctx, res.Node, key, nil)
	if err != nil {
		return nil, err
	}
	if BlockKey(data) != key {
		return nil, ErrCorrupt
	}
	return data, nil
}

// fetch asks from for the block under key. The block is returned in
// dst's memory when it fits there (and the transport uses it, as the p2p
// transport does), else in memory of its own.
func (n *Node) fetch(ctx context.Context, from NodeInfo, key ID, dst []byte) ([]byte, error) {
	resp := Response{Data: dst[:0]}
	if err := n.call(ctx, from, &Request{Kind: KindFetch, Key: key}, &resp); err != nil {
		return nil, err
	}
	if err := resp.Status.Err(); err != nil {
		return nil, err
	}
	return resp.Data, nil
}

// storeReplica asks issuer for a ticket for data (whose BLAKE3 hash is
// dataHash), looks up key unless owner already names its holder, and sends
// the store request. A known owner that turns out not to be responsible
// any more (the ring changed) is replaced by a lookup. It reports whether
// the block was new at the holder, and the holder.
func (n *Node) storeReplica(ctx context.Context, issuer TicketIssuer, sw *Swarm, chunkHash [32]byte, index uint32, key ID, data []byte, dataHash [32]byte, owner *LookupResult) (bool, LookupResult, error) {
	if len(data) > MaxBlockSize {
		return false, LookupResult{}, ErrTooLarge
	}
	t, err := issuer.IssueTicket(ctx, sw, chunkHash, index, dataHash)
	if err != nil {
		return false, LookupResult{}, fmt.Errorf("chord: ticket: %w", err)
	}
	// mutation: equivalent — the storer would refuse the request
	// (ErrTicketMismatch); this names the issuer as the culprit.
	if t.Key != key {
		return false, LookupResult{}, fmt.Errorf("chord: ticket: %w: issued for key %v, not %v", ErrTicketMismatch, t.Key, key)
	}
	req := Request{Kind: KindStore, Key: key, Ticket: &t, Data: data}
	var resp Response
	if owner != nil && !owner.Node.IsZero() {
		err := n.call(ctx, owner.Node, &req, &resp)
		if err == nil && resp.Status != StatusNotResponsible {
			if err := resp.Status.Err(); err != nil {
				return false, *owner, err
			}
			return resp.Status == StatusOK, *owner, nil
		}
	}
	res, err := n.callOwner(ctx, key, &req, &resp)
	if err != nil {
		return false, res, err
	}
	if err := resp.Status.Err(); err != nil {
		return false, res, err
	}
	return resp.Status == StatusOK, res, nil
}

// callOwner looks key up and sends req to its owner, the first live node
// of the successor list of the key's predecessor. Where [Node.Lookup]
// checks the owner with a ping before returning it, callOwner lets the
// request itself show that the owner is alive, and moves on to the next
// successor when it gets no answer: the same owner, one round trip fewer.
// It counts as a lookup in the node's Stats.
func (n *Node) callOwner(ctx context.Context, key ID, req *Request, resp *Response) (LookupResult, error) {
	n.stats.lookups.Add(1)
	res, err := n.lookup(ctx, key, false, nil, true)
	if err == nil {
		cands := append([]NodeInfo{res.Node}, res.Successors...)
		err = fmt.Errorf("%w: every successor of the key's predecessor is dead", ErrLookupFailed)
		for i, c := range cands {
			cerr := n.call(ctx, c, req, resp)
			if cerr == nil {
				res.Node, res.Successors = c, cands[i+1:]
				return res, nil
			}
			res.Timeouts++
			if ctx.Err() != nil {
				err = cerr
				break
			}
		}
	}
	n.stats.lookupFails.Add(1)
	return res, err
}

// MPutResult reports an [Node.MPut].
type MPutResult struct {
	ChunkHash [32]byte
	Stored    int   // replicas newly stored
	Present   int   // replicas whose holder already had the chunk
	Failed    int   // replicas not stored (see Err)
	Holders   int   // distinct holders among the slots stored or present
	Hops      int   // lookup hops, summed
	Err       error // the first failure, if any
}

// MPut is BitStore's mput (Figure 2, case 1): it encrypts chunk under the
// swarm secret and stores replica i, for every i in [0, q_s), at
// successor(ReplicaKey(chunk_hash, i)), each under its own tracker ticket.
// Holders that already have the chunk ignore the store. Two replica keys may
// fall to one node in a small ring; Holders counts distinct nodes. The
// error is non-nil only when no replica could be placed.
func (n *Node) MPut(ctx context.Context, sw *Swarm, issuer TicketIssuer, chunk []byte) (MPutResult, error) {
	return n.MPutWith(ctx, sw, issuer, chunk, MPutOptions{})
}

// MPutOptions configures [Node.MPutWith].
type MPutOptions struct {
	// Owners, if not nil, is consulted for each replica's holder before a
	// lookup, and taught what the lookups find (see [OwnerCache]).
	Owners *OwnerCache
	// Buffer, if it has room for the sealed chunk (chunk size +
	// Overhead), holds the sealed chunk while it is stored; MPutWith does
	// not keep it after it returns, so a caller storing many chunks can
	// reuse one buffer per chunk in flight.
	Buffer []byte
}

// MPutWith is [Node.MPut] with options.
func (n *Node) MPutWith(ctx context.Context, sw *Swarm, issuer TicketIssuer, chunk []byte, opts MPutOptions) (MPutResult, error) {
	if sw == nil || issuer == nil {
		return MPutResult{}, fmt.Errorf("%w: mput needs a swarm and a ticket issuer", ErrNilArgument)
	}
	ch := ChunkHash(chunk)
	sealed := sw.seal(opts.Buffer[:0], ch, chunk)
	all := make([]int, sw.replicas)
	for i := range all {
		all[i] = i
	}
	var owners []LookupResult
	if opts.Owners != nil {
		owners = make([]LookupResult, len(all))
		for i := range owners {
			owners[i].Node, _ = opts.Owners.Owner(sw.ReplicaKey(ch, i))
		}
	}
	res := n.putSlots(ctx, sw, issuer, ch, sealed, all, owners, opts.Owners)
	if res.Stored+res.Present == 0 {
		return res, fmt.Errorf("chord: mput: %w", res.Err)
	}
	return res, nil
}

// putSlots stores the sealed chunk in the given replica slots, all at
// once: each slot has its own ticket, lookup and store, and they overlap
// on the network. owners, if not nil, holds for each slot the holder an
// earlier lookup found (a zero Node where none was found), used without a
// new lookup. The result does not depend on the order in which the
// stores complete: slots are reported in the order given. A cache, if not
// nil, learns the holders that lookups found, and forgets a given owner
// that was replaced.
func (n *Node) putSlots(ctx context.Context, sw *Swarm, issuer TicketIssuer, ch [32]byte, sealed []byte, slots []int, owners []LookupResult, cache *OwnerCache) MPutResult {
	type outcome struct {
		fresh bool
		lr    LookupResult
		err   error
	}
	dataHash := zblake3.Sum256(sealed)
	out := make([]outcome, len(slots))
	store := func(k int) {
		i := slots[k]
		var owner *LookupResult
		if owners != nil {
			owner = &owners[k]
		}
		o := &out[k]
		key := sw.ReplicaKey(ch, i)
		o.fresh, o.lr, o.err = n.storeReplica(ctx, issuer, sw, ch, uint32(i), key, sealed, dataHash, owner)
		if cache != nil && !o.lr.Node.IsZero() && (owner == nil || o.lr.Node != owner.Node) {
			if owner != nil && !owner.Node.IsZero() {
				cache.Forget(owner.Node)
			}
			cache.Learn(key, o.lr)
		}
	}
	if len(slots) == 1 {
		store(0)
	} else {
		var wg sync.WaitGroup
		for k := range slots {
			wg.Go(func() { store(k) })
		}
		wg.Wait()
	}
	res := MPutResult{ChunkHash: ch}
	holders := map[string]bool{}
	for k, o := range out {
		res.Hops += o.lr.Hops
		switch {
		case o.err != nil:
			res.Failed++
			if res.Err == nil {
				res.Err = fmt.Errorf("replica %d: %w", slots[k], o.err)
			}
			continue
		case o.fresh:
			res.Stored++
		default:
			res.Present++
		}
		holders[o.lr.Node.Addr] = true
	}
	res.Holders = len(holders)
	return res
}

// A SellerPicker chooses which holder of a chunk to buy it from. BitStore
// runs a second-price auction at the chosen holder and pays it in tokens
// (§5, Figure 2 case 2); that logic plugs in here, outside this package.
// PickSeller returns the index of the chosen holder, or an error (for
// example, the auction was lost) that makes [Node.MGet] fail with it, so
// the caller can back off and retry.
type SellerPicker interface {
	PickSeller(ctx context.Context, chunkHash [32]byte, holders []NodeInfo) (int, error)
}

// PickSellerFunc adapts a function to [SellerPicker].
type PickSellerFunc func(ctx context.Context, chunkHash [32]byte, holders []NodeInfo) (int, error)

// PickSeller calls f.
func (f PickSellerFunc) PickSeller(ctx context.Context, chunkHash [32]byte, holders []NodeInfo) (int, error) {
	return f(ctx, chunkHash, holders)
}

// RandomSeller returns a picker that chooses a holder uniformly at random,
// as Figure 2 case 2 does before its auction. With a nil rng the picker
// fails with [ErrNoRand].
func RandomSeller(rng *rand.Rand) SellerPicker {
	return PickSellerFunc(func(_ context.Context, _ [32]byte, holders []NodeInfo) (int, error) {
		if rng == nil {
			return 0, ErrNoRand
		}
		if len(holders) == 0 {
			return 0, ErrNoSeller
		}
		return rng.IntN(len(holders)), nil
	})
}

// MGetOptions configures [Node.MGet].
type MGetOptions struct {
	// Picker chooses the seller among the holders; nil means
	// RandomSeller(Rand).
	Picker SellerPicker
	// Repair is c, the replica slots re-put after a successful get
	// (Claim 4.2), chosen uniformly at random among the q_s. Zero means
	// DefaultRepair (capped at q_s); a negative value disables repair, and
	// q_s or more re-puts every slot (Figure 2's full replenishment).
	Repair int
	// Rand draws the repaired slots and the default picker's choice.
	// Required.
	Rand *rand.Rand
	// Owners, if not nil, is asked for each slot's holder before a lookup
	// and taught what the lookups find (see [OwnerCache]): a slot whose
	// cached holder has the chunk costs one has-check and no lookup.
	Owners *OwnerCache
	// Buffer, if not nil, is memory MGet may use for the fetched block:
	// with repair off (Repair < 0) and room for the sealed chunk
	// (chunk size + Overhead), the chunk MGet returns is decrypted in
	// it, so a caller fetching many chunks can reuse one buffer per
	// chunk in flight. The returned chunk then aliases Buffer.
	Buffer []byte
	// Direct skips the search among holders: MGet asks the holders of
	// the replica slots, in a random order, for the chunk itself until
	// one delivers it, without first asking each whether it has it. It
	// saves q_s has-checks per chunk (and, without a cached holder, a
	// lookup for every slot after the first that delivers), but there is
	// no choice among holders, so it cannot be combined with a Picker,
	// and Holders and Slots report only the holder that delivered. It is
	// for fetching chunks one may have for free (one's own files), not
	// for buying them (§5's auction needs the holders).
	Direct bool
}

// ErrDirectPicker is returned by MGet for options with both Direct and a
// Picker.
var ErrDirectPicker = errors.New("chord: MGetOptions.Direct does not choose a seller: no Picker may be set")

// DefaultRepair is c, the slots an mget re-puts, as in §4.2's example.
const DefaultRepair = 3

// MGetResult reports an [Node.MGet].
type MGetResult struct {
	Chunk    []byte     // the decrypted, verified chunk
	Holders  []NodeInfo // distinct nodes that still held a replica
	Slots    int        // replica slots whose holder still had the chunk
	Seller   NodeInfo   // the holder the chunk was bought from
	Repaired MPutResult // the lazy re-put of c slots
	Hops     int        // lookup hops of the search, summed
}

// ErrNoRand is returned by MGet when opts.Rand is nil, and by the picker
// of RandomSeller(nil).
var ErrNoRand = errors.New("chord: nil *rand.Rand (MGetOptions.Rand or RandomSeller)")

// MGet is BitStore's mget (Figure 2, case 2): it locates the holders of the
// q_s replica slots of the chunk, keeps those that still have it, lets
// opts.Picker choose the seller (where the auction and payment plug in),
// fetches and decrypts the chunk from it, and then lazily re-puts c
// randomly chosen slots (Claim 4.2); holders that have the chunk ignore the
// re-put. A seller that fails to deliver is dropped and the picker asked
// again.
func (n *Node) MGet(ctx context.Context, sw *Swarm, issuer TicketIssuer, chunkHash [32]byte, opts MGetOptions) (MGetResult, error) {
	var res MGetResult
	if opts.Rand == nil {
		return res, ErrNoRand
	}
	if sw == nil || (issuer == nil && opts.Repair >= 0) {
		return res, fmt.Errorf("%w: mget needs a swarm, and a ticket issuer unless repair is off", ErrNilArgument)
	}
	c := opts.Repair
	if c == 0 {
		c = DefaultRepair
	}
	if opts.Direct {
		if opts.Picker != nil {
			return res, ErrDirectPicker
		}
		return n.mgetDirect(ctx, sw, issuer, chunkHash, opts, c)
	}
	picker := opts.Picker
	if picker == nil {
		picker = RandomSeller(opts.Rand)
	}
	// Locate every slot's holder and ask whether it still has the chunk,
	// all slots at once; the results are then read in slot order.
	type slot struct {
		key ID
		lr  LookupResult
		has bool
	}
	slots := make([]slot, sw.replicas)
	locate := func(i int) {
		s := &slots[i]
		s.key = sw.ReplicaKey(chunkHash, i)
		req := Request{Kind: KindHas, Key: s.key}
		var has Response
		cached, ok := opts.Owners.Owner(s.key)
		if ok {
			// A cached holder that has the chunk is a holder, whether or
			// not it is still responsible; one that does not, or does
			// not answer, is looked past.
			err := n.call(ctx, cached, &req, &has)
			if err == nil && has.Status == StatusOK && has.Found {
				s.lr.Node, s.has = cached, true
				return
			}
			if err != nil {
				opts.Owners.Forget(cached)
			}
			has = Response{}
		}
		lr, err := n.callOwner(ctx, s.key, &req, &has)
		s.lr.Hops = lr.Hops
		if err != nil {
			return
		}
		s.lr = lr
		s.has = has.Found
		if ok && lr.Node != cached {
			opts.Owners.Forget(cached)
		}
		opts.Owners.Learn(s.key, lr)
	}
	if len(slots) == 1 {
		locate(0)
	} else {
		var wg sync.WaitGroup
		for i := range slots {
			wg.Go(func() { locate(i) })
		}
		wg.Wait()
	}
	keyOf := map[string]ID{}
	for _, s := range slots {
		res.Hops += s.lr.Hops
		if !s.has {
			continue
		}
		res.Slots++
		if _, ok := keyOf[s.lr.Node.Addr]; !ok {
			keyOf[s.lr.Node.Addr] = s.key
			res.Holders = append(res.Holders, s.lr.Node)
		}
	}
	if len(res.Holders) == 0 {
		return res, ErrChunkLost
	}
	cands := append([]NodeInfo(nil), res.Holders...)
	var sealed []byte
	var lastErr error // why the last seller failed
	for len(cands) > 0 {
		k, err := picker.PickSeller(ctx, chunkHash, cands)
		if err != nil {
			return res, fmt.Errorf("%w: %w", ErrNoSeller, err)
		}
		if k < 0 || k >= len(cands) {
			return res, fmt.Errorf("%w: picker chose %d of %d holders", ErrNoSeller, k, len(cands))
		}
		seller := cands[k]
		var buf []byte
		// mutation: equivalent (c < 0 as c <= 0) — c is never 0 here: MGet
		// turns Repair 0 into DefaultRepair.
		if c < 0 {
			buf = opts.Buffer
		}
		data, err := n.fetch(ctx, seller, keyOf[seller.Addr], buf)
		if err == nil {
			// The fetched block is ours: without a repair, which re-puts
			// the sealed chunk, it is decrypted in place.
			var dst []byte
			// mutation: equivalent (c < 0 as c <= 0) — c is never 0 here: MGet
			// turns Repair 0 into DefaultRepair.
			if c < 0 && len(data) > 0 {
				dst = data[1:1]
			}
			pt, oerr := sw.open(dst, chunkHash, data)
			if oerr == nil {
				res.Chunk, res.Seller, sealed = pt, seller, data
				break
			}
			err = oerr
		}
		lastErr = fmt.Errorf("seller %v: %w", seller, err)
		cands = append(cands[:k], cands[k+1:]...)
	}
	if res.Chunk == nil {
		return res, fmt.Errorf("%w: %w", ErrNoSeller, lastErr)
	}
	// The slots' holders are known from the search: a re-put goes
	// straight to them (a holder that answered the search is still
	// responsible unless the ring changed meanwhile, and then the re-put
	// looks the slot up again).
	res.Repaired = n.repair(ctx, sw, issuer, chunkHash, sealed, opts, c, func(i int) LookupResult { return slots[i].lr })
	return res, nil
}

// repair re-puts the sealed chunk in c randomly chosen slots (none when c
// ≤ 0), sending each to the holder owner names for it, if any.
func (n *Node) repair(ctx context.Context, sw *Swarm, issuer TicketIssuer, chunkHash [32]byte, sealed []byte, opts MGetOptions, c int, owner func(slot int) LookupResult) MPutResult {
	// mutation: equivalent (c <= 0 as c < 0) — callers never pass 0 (MGet
	// turns Repair 0 into DefaultRepair).
	if c <= 0 {
		return MPutResult{}
	}
	c = min(c, sw.replicas)
	repair := opts.Rand.Perm(sw.replicas)[:c]
	owners := make([]LookupResult, c)
	for k, i := range repair {
		owners[k] = owner(i)
	}
	return n.putSlots(ctx, sw, issuer, chunkHash, sealed, repair, owners, opts.Owners)
}

// mgetDirect is MGet with opts.Direct: the slots are tried one at a
// time, in a random order, with a fetch sent to the cached holder or,
// failing that, to the owner a lookup finds.
func (n *Node) mgetDirect(ctx context.Context, sw *Swarm, issuer TicketIssuer, chunkHash [32]byte, opts MGetOptions, c int) (MGetResult, error) {
	var res MGetResult
	var buf []byte
	// mutation: equivalent (c < 0 as c <= 0) — c is never 0 here: MGet
	// turns Repair 0 into DefaultRepair.
	if c < 0 {
		buf = opts.Buffer
	}
	holders := make([]LookupResult, sw.replicas)
	var lastErr error // why the last block delivered did not open
	for _, i := range opts.Rand.Perm(sw.replicas) {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		key := sw.ReplicaKey(chunkHash, i)
		req := Request{Kind: KindFetch, Key: key}
		resp := Response{Data: buf[:0]}
		lr, ok := LookupResult{}, false
		if cached, hit := opts.Owners.Owner(key); hit {
			err := n.call(ctx, cached, &req, &resp)
			switch {
			case err != nil:
				opts.Owners.Forget(cached)
			case resp.Status == StatusOK:
				lr, ok = LookupResult{Node: cached}, true
			}
		}
		if !ok {
			resp = Response{Data: buf[:0]}
			found, err := n.callOwner(ctx, key, &req, &resp)
			res.Hops += found.Hops
			if err != nil {
				continue
			}
			opts.Owners.Learn(key, found)
			if resp.Status != StatusOK {
				continue
			}
			lr = found
		}
		holders[i] = lr
		var dst []byte
		// mutation: equivalent (c < 0 as c <= 0) — c is never 0 here: MGet
		// turns Repair 0 into DefaultRepair.
		if c < 0 && len(resp.Data) > 0 {
			dst = resp.Data[1:1]
		}
		sealed := resp.Data
		pt, err := sw.open(dst, chunkHash, sealed)
		if err != nil {
			lastErr = fmt.Errorf("slot %d at %v: %w", i, lr.Node, err)
			continue
		}
		res.Chunk, res.Seller, res.Holders, res.Slots = pt, lr.Node, []NodeInfo{lr.Node}, 1
		res.Repaired = n.repair(ctx, sw, issuer, chunkHash, sealed, opts, c, func(i int) LookupResult {
			if !holders[i].Node.IsZero() {
				return holders[i]
			}
			o, _ := opts.Owners.Owner(sw.ReplicaKey(chunkHash, i))
			return LookupResult{Node: o}
		})
		return res, nil
	}
	if lastErr != nil {
		// Holders answered, but with blocks that do not open.
		return res, fmt.Errorf("%w: %w", ErrNoSeller, lastErr)
	}
	return res, ErrChunkLost
}
