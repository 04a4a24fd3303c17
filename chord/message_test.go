package chord

import (
	"bytes"
	"crypto/ed25519"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func sampleTicket(t testing.TB) *Ticket {
	tr, err := NewTracker(rand.NewChaCha8([32]byte{1}))
	require.NoError(t, err)
	tk := tr.sign([32]byte{1, 2}, 3, HashID([]byte("k")), [32]byte{4}, time.Hour)
	return &tk
}

func sampleRequests(t testing.TB) []Request {
	a := NodeInfo{ID: HashID([]byte("a")), Addr: "a"}
	b := NodeInfo{ID: HashID([]byte("b")), Addr: "/ip4/10.0.0.2/tcp/4001/p2p/QmPeer"}
	return []Request{
		{Kind: KindPing, From: a},
		{Kind: KindClosest, From: a, Key: HashID([]byte("key"))},
		{Kind: KindFindSuccessor, From: a, Key: HashID([]byte("key")), Hops: 7},
		{Kind: KindLeave, From: a, Node: b, Nodes: []NodeInfo{a, b}},
		{Kind: KindStore, From: b, Key: HashID([]byte("k")), Ticket: sampleTicket(t), Data: []byte("block")},
	}
}

func sampleResponses() []Response {
	a := NodeInfo{ID: HashID([]byte("a")), Addr: "a"}
	return []Response{
		{},
		{Status: StatusNotFound},
		{Done: true, Nodes: []NodeInfo{a, a}},
		{Nodes: []NodeInfo{a}, Succs: []NodeInfo{a, a}},
		{Found: true, Node: a, Hops: 3},
		{Data: []byte("data")},
	}
}

func TestRequestRoundTrip(t *testing.T) {
	for _, r := range sampleRequests(t) {
		t.Run(r.Kind.String(), func(t *testing.T) {
			b, err := r.MarshalBinary()
			require.NoError(t, err)
			var back Request
			require.NoError(t, back.UnmarshalBinary(b))
			require.Equal(t, r, back)
		})
	}
}

func TestResponseRoundTrip(t *testing.T) {
	for _, r := range sampleResponses() {
		b, err := r.MarshalBinary()
		require.NoError(t, err)
		var back Response
		require.NoError(t, back.UnmarshalBinary(b))
		require.Equal(t, r, back)
	}
}

func TestDecodeRejects(t *testing.T) {
	good, err := sampleRequests(t)[3].MarshalBinary()
	require.NoError(t, err)
	mutate := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(good)) }
	tests := []struct {
		name string
		msg  []byte
	}{
		{"empty", nil},
		{"truncated", good[:len(good)-1]},
		{"trailing byte", append(bytes.Clone(good), 0)},
		{"bad version", mutate(func(b []byte) []byte { b[0] = 2; return b })},
		{"kind zero", mutate(func(b []byte) []byte { b[1] = 0; return b })},
		{"unknown kind", mutate(func(b []byte) []byte { b[1] = byte(kindEnd); return b })},
		{"unknown flag", mutate(func(b []byte) []byte { b[2] |= 0x80; return b })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Request{Kind: KindPing}
			err := r.UnmarshalBinary(tt.msg)
			require.ErrorIs(t, err, ErrMalformed)
			require.Equal(t, Request{Kind: KindPing}, r, "a failed decode leaves the value unchanged")
		})
	}
}

func TestEncodeLimits(t *testing.T) {
	long := NodeInfo{Addr: strings.Repeat("x", MaxAddrLen+1)}
	_, err := (&Request{Kind: KindPing, From: long}).MarshalBinary()
	require.ErrorIs(t, err, ErrMalformed)
	_, err = (&Request{Kind: KindLeave, Nodes: make([]NodeInfo, MaxNodes+1)}).MarshalBinary()
	require.ErrorIs(t, err, ErrMalformed)
	_, err = (&Request{Kind: KindStore, Data: make([]byte, MaxBlockSize+1)}).MarshalBinary()
	require.ErrorIs(t, err, ErrTooLarge)
	_, err = (&Request{}).MarshalBinary()
	require.ErrorIs(t, err, ErrMalformed)
	_, err = (&Response{Status: statusEnd}).MarshalBinary()
	require.ErrorIs(t, err, ErrMalformed)

	// The largest valid messages fit MaxMessageSize.
	big := NodeInfo{ID: HashID([]byte("x")), Addr: strings.Repeat("a", MaxAddrLen)}
	bigs := make([]NodeInfo, MaxNodes)
	for i := range bigs {
		bigs[i] = big
	}
	var tk Ticket
	req, err := (&Request{Kind: KindStore, From: big, Node: big, Nodes: bigs, Ticket: &tk, Data: make([]byte, MaxBlockSize)}).MarshalBinary()
	require.NoError(t, err)
	resp, err := (&Response{Node: big, Nodes: bigs, Succs: bigs, Data: make([]byte, MaxBlockSize)}).MarshalBinary()
	require.NoError(t, err)
	require.LessOrEqual(t, len(req), MaxMessageSize)
	require.LessOrEqual(t, len(resp), MaxMessageSize)
	require.Greater(t, max(len(req), len(resp)), MaxMessageSize-2*maxNodeSize, "MaxMessageSize is not far above the largest message")
}

func TestStatusErrors(t *testing.T) {
	for s := Status(0); s < statusEnd; s++ {
		err := s.Err()
		if s == StatusOK || s == StatusDuplicate {
			require.NoError(t, err)
			continue
		}
		require.Error(t, err)
		require.Equal(t, s, statusOf(err), "status %d round-trips through its error", s)
	}
	require.Equal(t, StatusDuplicate, statusOf(errDuplicate))
	require.ErrorIs(t, Status(200).Err(), ErrBadRequest)
}

func TestTicket(t *testing.T) {
	tr, err := NewTracker(rand.NewChaCha8([32]byte{2}))
	require.NoError(t, err)
	other, err := NewTracker(rand.NewChaCha8([32]byte{3}))
	require.NoError(t, err)
	trusted := []ed25519.PublicKey{other.PublicKey(), tr.PublicKey()}
	tk := tr.sign([32]byte{9}, 1, HashID([]byte("k")), [32]byte{8}, 100)
	require.NoError(t, tk.Verify(trusted, 100))
	require.ErrorIs(t, tk.Verify(trusted, 101), ErrTicketExpired)
	require.ErrorIs(t, tk.Verify(trusted[:1], 0), ErrTicketUntrusted)
	require.ErrorIs(t, tk.Verify(nil, 0), ErrTicketUntrusted)
	for _, field := range []func(*Ticket){
		func(t *Ticket) { t.ChunkHash[0] ^= 1 },
		func(t *Ticket) { t.Index++ },
		func(t *Ticket) { t.Key[31] ^= 1 },
		func(t *Ticket) { t.DataHash[5] ^= 1 },
		func(t *Ticket) { t.Expires++ },
		func(t *Ticket) { t.Sig[63] ^= 1 },
	} {
		bad := tk
		field(&bad)
		require.ErrorIs(t, bad.Verify(trusted, 0), ErrTicketSignature)
	}
	b, err := tk.MarshalBinary()
	require.NoError(t, err)
	require.Len(t, b, TicketSize)
	var back Ticket
	require.NoError(t, back.UnmarshalBinary(b))
	require.Equal(t, tk, back)
	require.ErrorIs(t, back.UnmarshalBinary(b[1:]), ErrTicketLength)
}

// FuzzRequest decodes arbitrary bytes: a decode either fails, or re-encodes
// to exactly the same bytes (the encoding is canonical). Decoding the same
// bytes into a value in use, through a [Decoder] that has cached other
// messages' addresses, gives the same message, and on error leaves the
// value as it was; without AliasData the result shares no memory with
// the input.
func FuzzRequest(f *testing.F) {
	samples := sampleRequests(f)
	var encoded [][]byte
	for _, r := range samples {
		b, err := r.MarshalBinary()
		require.NoError(f, err)
		f.Add(b)
		encoded = append(encoded, b)
	}
	f.Add([]byte{1, 1, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		var r Request
		err := r.UnmarshalBinary(b)
		if err != nil {
			require.ErrorIs(t, err, ErrMalformed)
		} else {
			out, err := r.MarshalBinary()
			require.NoError(t, err)
			require.Equal(t, b, out)
		}

		k := len(b) % len(samples)
		dec := &Decoder{AliasData: len(b)%2 == 0}
		var used Request
		require.NoError(t, dec.Request(encoded[k], &used))
		in := append([]byte(nil), b...)
		err2 := dec.Request(in, &used)
		require.Equal(t, err == nil, err2 == nil)
		got, encErr := used.MarshalBinary()
		require.NoError(t, encErr)
		if err2 != nil {
			require.ErrorIs(t, err2, ErrMalformed)
			require.Equal(t, encoded[k], got, "a failed decode leaves the value unchanged")
			return
		}
		require.Equal(t, b, got)
		if !dec.AliasData {
			clear(in)
			again, err := used.MarshalBinary()
			require.NoError(t, err)
			require.Equal(t, got, again, "the decoded value shares no memory with the input")
		}
	})
}

// FuzzResponse is FuzzRequest for responses.
func FuzzResponse(f *testing.F) {
	samples := sampleResponses()
	var encoded [][]byte
	for _, r := range samples {
		b, err := r.MarshalBinary()
		require.NoError(f, err)
		f.Add(b)
		encoded = append(encoded, b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var r Response
		err := r.UnmarshalBinary(b)
		if err != nil {
			require.ErrorIs(t, err, ErrMalformed)
		} else {
			out, err := r.MarshalBinary()
			require.NoError(t, err)
			require.Equal(t, b, out)
		}

		k := len(b) % len(samples)
		dec := &Decoder{AliasData: len(b)%2 == 0}
		var used Response
		require.NoError(t, dec.Response(encoded[k], &used))
		in := append([]byte(nil), b...)
		err2 := dec.Response(in, &used)
		require.Equal(t, err == nil, err2 == nil)
		got, encErr := used.MarshalBinary()
		require.NoError(t, encErr)
		if err2 != nil {
			require.ErrorIs(t, err2, ErrMalformed)
			require.Equal(t, encoded[k], got, "a failed decode leaves the value unchanged")
			return
		}
		require.Equal(t, b, got)
		if !dec.AliasData {
			clear(in)
			again, err := used.MarshalBinary()
			require.NoError(t, err)
			require.Equal(t, got, again, "the decoded value shares no memory with the input")
		}
	})
}

// FuzzTicket decodes arbitrary ticket bytes: decoding is total on
// TicketSize-byte inputs, round-trips, and a ticket whose bytes were not
// signed by the tracker never verifies.
func FuzzTicket(f *testing.F) {
	tk := sampleTicket(f)
	b, err := tk.MarshalBinary()
	require.NoError(f, err)
	f.Add(b)
	f.Add(make([]byte, TicketSize))
	tracker := ed25519.PublicKey(tk.Tracker[:])
	f.Fuzz(func(t *testing.T, in []byte) {
		var got Ticket
		if err := got.UnmarshalBinary(in); err != nil {
			require.ErrorIs(t, err, ErrTicketLength)
			return
		}
		out, err := got.MarshalBinary()
		require.NoError(t, err)
		require.Equal(t, in, out)
		if got != *tk {
			require.Error(t, got.Verify([]ed25519.PublicKey{tracker}, 0))
		}
	})
}
