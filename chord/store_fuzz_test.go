package chord_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/binary"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swarmblocks/swarmblocks/chord"
)

// FuzzMemStore runs a fuzzer-chosen sequence of operations on a MemStore
// and on a plain map that expires blocks by scanning, and checks that the
// two agree after every operation: the expiry index never loses or keeps
// a block the scan would not.
func FuzzMemStore(f *testing.F) {
	f.Add([]byte{0, 1, 5, 0, 2, 9, 3, 1, 7, 4, 8, 2, 1, 0, 3, 6})
	f.Add([]byte{0, 1, 1, 0, 1, 200, 1, 1, 0, 3, 50, 4, 100})
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 3000 {
			ops = ops[:3000]
		}
		s := chord.NewMemStore()
		model := map[chord.ID]chord.Block{}
		var modelBytes int64
		for i := 0; i+2 < len(ops); i += 3 {
			key := chord.IDFromUint64(uint64(ops[i+1] % 16))
			arg := int64(ops[i+2])
			switch ops[i] % 5 {
			case 0: // put
				b := chord.Block{Key: key, Data: bytes.Repeat([]byte{ops[i+2]}, int(arg%7)+1), Expires: arg}
				require.NoError(t, s.Put(b))
				modelBytes -= int64(len(model[key].Data))
				model[key] = b
				modelBytes += int64(len(b.Data))
			case 1: // delete
				require.NoError(t, s.Delete(key))
				modelBytes -= int64(len(model[key].Data))
				delete(model, key)
			case 2: // set expiry
				require.NoError(t, s.SetExpires(key, arg))
				if b, ok := model[key]; ok {
					b.Expires = arg
					model[key] = b
				}
			case 3: // expire
				n, err := s.Expire(arg)
				require.NoError(t, err)
				want := 0
				for k, b := range model {
					if b.Expires < arg {
						modelBytes -= int64(len(b.Data))
						delete(model, k)
						want++
					}
				}
				require.Equal(t, want, n, "op %d: Expire(%d)", i/3, arg)
			case 4: // keys of a range
				from, to := chord.IDFromUint64(uint64(ops[i+1]%16)), chord.IDFromUint64(uint64(ops[i+2]%16))
				got := map[chord.ID]bool{}
				require.NoError(t, s.Keys(from, to, func(k chord.ID) bool { got[k] = true; return true }))
				for k := range model {
					require.Equal(t, chord.BetweenRightIncl(k, from, to), got[k], "op %d: key %v", i/3, k)
					delete(got, k)
				}
				require.Empty(t, got, "keys of absent blocks")
			}
			n, used := s.Usage()
			require.Equal(t, len(model), n, "op %d", i/3)
			require.Equal(t, modelBytes, used, "op %d", i/3)
			for k, want := range model {
				got, ok, err := s.Get(k)
				require.NoError(t, err)
				require.True(t, ok)
				require.Equal(t, want.Expires, got.Expires)
				require.Equal(t, want.Data, got.Data)
			}
		}
	})
}

// FuzzStoreRequests sends a node fuzzer-chosen store and handoff requests
// from fuzzer-chosen senders (a non-member, its successor, its
// predecessor, another member), with fresh, stale, expired, forged or
// mismatched tickets, and checks after each that a block was accepted only
// as the rules allow: a store from anyone for a key the node owns under a
// valid ticket, a handoff only from the successor for a key preceding the
// node; that no block was replaced by other bytes without a newer ticket;
// and that the quota holds.
func FuzzStoreRequests(f *testing.F) {
	f.Add([]byte{0, 0, 0, 1, 1, 0, 2, 1, 1, 3, 2, 2, 4, 3, 3})
	f.Add([]byte{1, 1, 2, 1, 1, 3, 0, 0, 4, 1, 1, 5, 5, 2, 8, 5, 2, 12})
	// Every (chunk, replica) pair as a handoff from a client, the
	// predecessor and the successor, with expired tickets, then as stores
	// from a client, then stores of other bytes under newer tickets and
	// under tickets of the same age.
	var all []byte
	for _, op := range [][2]byte{{4, 0x00}, {6, 0x00}, {5, 0x00}, {0, 0x05}, {0, 0x0d}, {0, 0x0e}} {
		for b := range byte(48) {
			all = append(all, op[0], b, op[1])
		}
	}
	f.Add(all)
	// Large handoffs from the successor until the quota refuses them.
	all = nil
	for b := range byte(48) {
		all = append(all, 5, b, 0x02)
	}
	f.Add(all)
	sw := testSwarm(f, 8)
	const quota = 20000
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 900 {
			ops = ops[:900]
		}
		c, tr := storageRing(t, 12, 4, quota, 21)
		trusted := []ed25519.PublicKey{tr.PublicKey()}
		// The target is the node owning most of the 48 replica keys.
		owned := map[string]int{}
		for b := range 48 {
			owned[c.Owner(sw.ReplicaKey([32]byte{byte(b % 6)}, b/6)).Addr]++
		}
		target := c.Nodes()[0]
		for _, n := range c.Nodes() {
			if owned[n.Info().Addr] > owned[target.Info().Addr] {
				target = n
			}
		}
		st := target.State()
		pred, succ := st.Pred, st.Successors[0]
		var other chord.NodeInfo
		for _, n := range c.Nodes() {
			if x := n.Info(); x != pred && x != succ && x != target.Info() {
				other = x
				break
			}
		}
		senders := []chord.NodeInfo{{Addr: "client"}, succ, pred, other}
		held := map[chord.ID]chord.Ticket{} // what the target holds, as far as this input knows
		for i := 0; i+2 < len(ops); i += 3 {
			sender := senders[int(ops[i])%len(senders)]
			handoff := ops[i]&4 != 0
			chunkHash := [32]byte{ops[i+1] % 6}
			index := uint32(ops[i+1]/6) % 8
			data := make([]byte, 100+700*int(ops[i+2]%4))
			binary.BigEndian.PutUint32(data, uint32(ops[i+2]))
			data[4] = chunkHash[0]
			age := time.Duration(ops[i+2]>>2%4) * time.Minute
			tk, err := tr.SignReplica(sw, chunkHash, index, chord.BlockKey(data), c.Sim.Now()+age-time.Minute)
			require.NoError(t, err)
			switch ops[i+2] >> 4 % 4 {
			case 1:
				tk.Sig[3] ^= 1 // forged
			case 2:
				data = append(data, 0) // other bytes than the ticket's
			}
			req := chord.Request{Kind: chord.KindStore, From: sender, Key: tk.Key, Ticket: &tk, Data: data}
			if handoff {
				req.Kind = chord.KindHandoff
			}
			var resp chord.Response
			require.NoError(t, c.Net.Endpoint(sender.Addr).Call(ctx, target.Info().Addr, &req, &resp))
			if resp.Status == chord.StatusOK {
				key := tk.Key
				if handoff {
					require.Equal(t, succ, sender, "op %d: handoff accepted from %v", i/3, sender)
					require.False(t, chord.BetweenRightIncl(key, target.ID(), succ.ID), "op %d: handoff of the successor's own key", i/3)
					require.NoError(t, tk.Verify(trusted, time.Duration(min(int64(c.Sim.Now()), tk.Expires))), "op %d", i/3)
				} else {
					require.NoError(t, tk.Verify(trusted, c.Sim.Now()), "op %d: store under a bad ticket", i/3)
					require.True(t, chord.BetweenRightIncl(key, pred.ID, target.ID()), "op %d: store of a key the node does not own", i/3)
				}
				require.Equal(t, chord.BlockKey(data), chord.ID(tk.DataHash), "op %d", i/3)
				if old, ok := held[key]; ok {
					require.Greater(t, tk.Expires, old.Expires, "op %d: a block was replaced without a newer ticket", i/3)
				}
				held[key] = tk
			}
			require.LessOrEqual(t, target.State().BlockBytes, int64(quota), "op %d: over quota", i/3)
		}
		// Nothing accepted was lost or changed behind the node's back.
		for k, tk := range held {
			var resp chord.Response
			require.NoError(t, c.Net.Endpoint("observer").Call(ctx, target.Info().Addr, &chord.Request{Kind: chord.KindFetch, Key: k}, &resp))
			require.NoError(t, resp.Status.Err())
			require.Equal(t, chord.ID(tk.DataHash), chord.BlockKey(resp.Data))
		}
	})
}
