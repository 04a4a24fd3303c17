package p2p

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/swarmblocks/swarmblocks/chord"
)

// BoltStore is a durable [chord.BlockStore] in a single bbolt database
// file, so that a node restarted on its data directory serves the blocks
// it held.
//
// Why bbolt: it is pure Go (no cgo), keeps everything in one file, gives
// ACID transactions with a single writer (a node already serialises its
// store calls), and iterates keys in byte order, which is what both
// indexes need. A node's store is small (a quota of a few hundred MB,
// Appendix A) and read far more than written; bbolt's B+tree with
// memory-mapped reads suits that, whereas an LSM tree such as Pebble is
// built for write-heavy loads far larger than this and brings compaction
// tuning and a directory of files.
//
// Layout: bucket "blocks" maps the 32-byte ring key to expires(8) ‖
// ticket([chord.TicketSize]) ‖ data; bucket "expiry" holds one empty
// entry per block under expires(8, big-endian, sign bit flipped so that
// byte order is time order) ‖ key(32), so [BoltStore.Expire] walks the
// expired prefix of the index and stops at the first live entry, never
// scanning the store; bucket "meta" keeps the block count and byte total,
// also cached in memory so that Usage costs nothing. Ring intervals
// ([BoltStore.Keys]) are ranges of the ordered "blocks" bucket.
//
// Every write is one transaction, synced to disk before it returns
// (unless BoltOptions.NoSync). BoltStore is safe for concurrent use.
type BoltStore struct {
	db *bolt.DB

	mu     sync.Mutex
	blocks int
	bytes  int64
}

var _ chord.BlockStore = (*BoltStore)(nil)

var (
	bucketBlocks = []byte("blocks")
	bucketExpiry = []byte("expiry")
	bucketMeta   = []byte("meta")
	metaUsage    = []byte("usage")
)

// ErrCorruptStore is returned (wrapped) when a stored record does not
// decode: the database file was damaged or written by something else.
var ErrCorruptStore = errors.New("p2p: corrupt block store record")

// BoltOptions configures [OpenBoltStore].
type BoltOptions struct {
	// NoSync skips the fsync of every transaction: faster, but a machine
	// crash may lose the latest writes (a process crash does not).
	NoSync bool
	// Timeout bounds the wait for the file lock held by another process
	// (default 1 s).
	Timeout time.Duration
}

// OpenBoltStore opens (creating if needed) the store in the file at path.
func OpenBoltStore(path string, opts BoltOptions) (*BoltStore, error) {
	if opts.Timeout == 0 {
		opts.Timeout = time.Second
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: opts.Timeout, NoSync: opts.NoSync})
	if err != nil {
		return nil, fmt.Errorf("p2p: open block store %s: %w", path, err)
	}
	s := &BoltStore{db: db}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketBlocks, bucketExpiry, bucketMeta} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		if u := tx.Bucket(bucketMeta).Get(metaUsage); u != nil {
			if len(u) != 16 {
				return fmt.Errorf("%w: usage record of %d bytes", ErrCorruptStore, len(u))
			}
			s.blocks = int(binary.BigEndian.Uint64(u))
			s.bytes = int64(binary.BigEndian.Uint64(u[8:]))
		}
		return nil
	})
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("p2p: open block store %s: %w", path, err)
	}
	return s, nil
}

// Close closes the database file.
func (s *BoltStore) Close() error { return s.db.Close() }

// Path returns the database file's path.
func (s *BoltStore) Path() string { return s.db.Path() }

const recordHeader = 8 + chord.TicketSize

func expiryKey(expires int64, key chord.ID) []byte {
	var k [8 + chord.IDSize]byte
	binary.BigEndian.PutUint64(k[:], uint64(expires)^1<<63)
	copy(k[8:], key[:])
	return k[:]
}

func decodeRecord(key chord.ID, v []byte, withData bool) (chord.Block, error) {
	if len(v) < recordHeader {
		return chord.Block{}, fmt.Errorf("%w: record of %d bytes", ErrCorruptStore, len(v))
	}
	b := chord.Block{Key: key, Expires: int64(binary.BigEndian.Uint64(v))}
	if err := b.Ticket.UnmarshalBinary(v[8:recordHeader]); err != nil {
		return chord.Block{}, fmt.Errorf("%w: %w", ErrCorruptStore, err)
	}
	if withData {
		b.Data = append([]byte(nil), v[recordHeader:]...)
	}
	return b, nil
}

// Get implements [chord.BlockStore]; the data is a copy.
func (s *BoltStore) Get(key chord.ID) (chord.Block, bool, error) {
	var b chord.Block
	var ok bool
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketBlocks).Get(key[:])
		if v == nil {
			return nil
		}
		var err error
		b, err = decodeRecord(key, v, true)
		ok = err == nil
		return err
	})
	return b, ok, err
}

// Has implements [chord.BlockStore].
func (s *BoltStore) Has(key chord.ID) (bool, error) {
	var ok bool
	err := s.db.View(func(tx *bolt.Tx) error {
		ok = tx.Bucket(bucketBlocks).Get(key[:]) != nil
		return nil
	})
	return ok, err
}

// update runs fn in a write transaction that also records the usage
// change fn reports, and applies it to the cached figures on commit.
func (s *BoltStore) update(fn func(tx *bolt.Tx) (dBlocks int, dBytes int64, err error)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var db int
	var dn int64
	err := s.db.Update(func(tx *bolt.Tx) error {
		var err error
		db, dn, err = fn(tx)
		if err != nil || (db == 0 && dn == 0) {
			return err
		}
		var u [16]byte
		binary.BigEndian.PutUint64(u[:], uint64(s.blocks+db))
		binary.BigEndian.PutUint64(u[8:], uint64(s.bytes+dn))
		return tx.Bucket(bucketMeta).Put(metaUsage, u[:])
	})
	if err == nil {
		s.blocks += db
		s.bytes += dn
	}
	return err
}

// remove deletes the block under key and its expiry entry, returning the
// usage change.
func remove(tx *bolt.Tx, key []byte) (int, int64, error) {
	blocks := tx.Bucket(bucketBlocks)
	v := blocks.Get(key)
	if v == nil {
		return 0, 0, nil
	}
	if len(v) < recordHeader {
		return 0, 0, fmt.Errorf("%w: record of %d bytes", ErrCorruptStore, len(v))
	}
	exp := int64(binary.BigEndian.Uint64(v))
	size := int64(len(v) - recordHeader)
	if err := tx.Bucket(bucketExpiry).Delete(expiryKey(exp, chord.ID(key))); err != nil {
		return 0, 0, err
	}
	if err := blocks.Delete(key); err != nil {
		return 0, 0, err
	}
	return -1, -size, nil
}

// Put implements [chord.BlockStore].
func (s *BoltStore) Put(b chord.Block) error {
	return s.update(func(tx *bolt.Tx) (int, int64, error) {
		db, dn, err := remove(tx, b.Key[:])
		if err != nil {
			return 0, 0, err
		}
		v := make([]byte, 8, recordHeader+len(b.Data))
		binary.BigEndian.PutUint64(v, uint64(b.Expires))
		v, _ = b.Ticket.AppendBinary(v)
		v = append(v, b.Data...)
		if err := tx.Bucket(bucketBlocks).Put(b.Key[:], v); err != nil {
			return 0, 0, err
		}
		if err := tx.Bucket(bucketExpiry).Put(expiryKey(b.Expires, b.Key), nil); err != nil {
			return 0, 0, err
		}
		return db + 1, dn + int64(len(b.Data)), nil
	})
}

// Delete implements [chord.BlockStore].
func (s *BoltStore) Delete(key chord.ID) error {
	return s.update(func(tx *bolt.Tx) (int, int64, error) { return remove(tx, key[:]) })
}

// SetExpires implements [chord.BlockStore].
func (s *BoltStore) SetExpires(key chord.ID, expires int64) error {
	return s.update(func(tx *bolt.Tx) (int, int64, error) {
		blocks := tx.Bucket(bucketBlocks)
		v := blocks.Get(key[:])
		if v == nil {
			return 0, 0, nil
		}
		if len(v) < recordHeader {
			return 0, 0, fmt.Errorf("%w: record of %d bytes", ErrCorruptStore, len(v))
		}
		old := int64(binary.BigEndian.Uint64(v))
		if old == expires {
			return 0, 0, nil
		}
		idx := tx.Bucket(bucketExpiry)
		if err := idx.Delete(expiryKey(old, key)); err != nil {
			return 0, 0, err
		}
		nv := append([]byte(nil), v...)
		binary.BigEndian.PutUint64(nv, uint64(expires))
		if err := blocks.Put(key[:], nv); err != nil {
			return 0, 0, err
		}
		return 0, 0, idx.Put(expiryKey(expires, key), nil)
	})
}

// Expire implements [chord.BlockStore]: it walks the expiry index from its
// start and stops at the first block still alive, so it reads nothing
// when no block has expired.
func (s *BoltStore) Expire(now int64) (int, error) {
	// A read transaction first: the common case, nothing expired, takes
	// no write lock and syncs nothing.
	due := false
	if err := s.db.View(func(tx *bolt.Tx) error {
		k, _ := tx.Bucket(bucketExpiry).Cursor().First()
		due = k != nil && int64(binary.BigEndian.Uint64(k)^1<<63) < now
		return nil
	}); err != nil || !due {
		return 0, err
	}
	n := 0
	err := s.update(func(tx *bolt.Tx) (int, int64, error) {
		var keys [][]byte
		c := tx.Bucket(bucketExpiry).Cursor()
		for k, _ := c.First(); k != nil && int64(binary.BigEndian.Uint64(k)^1<<63) < now; k, _ = c.Next() {
			if len(k) != 8+chord.IDSize {
				return 0, 0, fmt.Errorf("%w: expiry entry of %d bytes", ErrCorruptStore, len(k))
			}
			keys = append(keys, append([]byte(nil), k[8:]...))
		}
		var db int
		var dn int64
		for _, k := range keys {
			b, n, err := remove(tx, k)
			if err != nil {
				return 0, 0, err
			}
			db, dn = db+b, dn+n
		}
		n = len(keys)
		return db, dn, nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// Keys implements [chord.BlockStore]: the interval (from, to] is one range
// of the ordered key space, or two when it wraps past zero.
func (s *BoltStore) Keys(from, to chord.ID, fn func(chord.ID) bool) error {
	var keys []chord.ID
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketBlocks).Cursor()
		// scan collects the keys in (lo, hi] (hi nil: to the end).
		scan := func(lo []byte, hi *chord.ID) {
			k, _ := c.First()
			if lo != nil {
				k, _ = c.Seek(lo)
				if k != nil && string(k) == string(lo) {
					k, _ = c.Next()
				}
			}
			for ; k != nil; k, _ = c.Next() {
				id, err := chord.IDFromBytes(k)
				if err != nil {
					continue
				}
				if hi != nil && id.Cmp(*hi) > 0 {
					return
				}
				keys = append(keys, id)
			}
		}
		switch {
		case from.Cmp(to) < 0:
			scan(from[:], &to)
		default: // wraps (or the whole ring when from == to)
			scan(from[:], nil)
			if from != to {
				scan(nil, &to)
			} else {
				scan(nil, &from)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range keys {
		if !fn(k) {
			break
		}
	}
	return nil
}

// Usage implements [chord.BlockStore].
func (s *BoltStore) Usage() (int, int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.blocks, s.bytes
}
