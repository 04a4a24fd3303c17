package simnet

import "sync"

// lockShards is the number of reader shards of a [shardedLock].
const lockShards = 8

// shardedLock is a reader-writer lock whose readers spread over several
// shards, each on a cache line of its own. A call takes one shard's read
// lock, chosen by the calling port; a plain sync.RWMutex would make every
// call on every core update one shared reader count, and with one lookup
// in flight per core that cache line moves between cores twice a call.
// Writers (registrations, crashes, partitions) take every shard, in order.
type shardedLock struct {
	shards [lockShards]struct {
		sync.RWMutex
		_ [64]byte // keeps neighbouring shards off one cache line
	}
}

// rlock read-locks shard s (taken modulo the shard count) and returns
// that shard's mutex, for the caller to RUnlock.
func (l *shardedLock) rlock(s int) *sync.RWMutex {
	m := &l.shards[s%lockShards].RWMutex
	m.RLock()
	return m
}

func (l *shardedLock) lock() {
	for i := range l.shards {
		l.shards[i].Lock()
	}
}

func (l *shardedLock) unlock() {
	for i := len(l.shards) - 1; i >= 0; i-- {
		l.shards[i].Unlock()
	}
}
