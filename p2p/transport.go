package p2p

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"sync"
	"sync/atomic"
	"time"

	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/peerstore"
	"github.com/libp2p/go-libp2p/core/protocol"

	"github.com/swarmblocks/swarmblocks/chord"
)

// ProtocolID is the libp2p protocol of Chord and BitStore requests. Its
// version changes with any incompatible change to the framing or to the
// chord message codec.
const ProtocolID protocol.ID = "/swarmblocks/chord/1.0.0"

// Transport defaults.
const (
	// DefaultCallTimeout bounds a call whose context has no deadline.
	DefaultCallTimeout = 5 * time.Second
	// DefaultIdleTimeout is how long a server waits for the next request
	// on an open stream before closing it; clients stop reusing an idle
	// stream after half of it.
	DefaultIdleTimeout = 60 * time.Second
	// DefaultMaxIdleStreams bounds the idle streams kept open to one peer.
	DefaultMaxIdleStreams = 4
)

// ErrClosed is returned by calls on a closed [Transport].
var ErrClosed = errors.New("p2p: transport closed")

// TransportConfig configures a [Transport]. The zero value uses the
// defaults above.
type TransportConfig struct {
	CallTimeout    time.Duration
	IdleTimeout    time.Duration
	MaxIdleStreams int
}

// Transport is a [chord.Transport] over libp2p streams on [ProtocolID].
//
// A call encodes the request with the chord codec, writes it as one
// length-prefixed frame ([AppendFrame]) on a stream to the peer named by
// the address (a multiaddr ending in /p2p/<peer ID>, see [NodeInfo]), and
// reads one framed response under the context's deadline
// (TransportConfig.CallTimeout when it has none); cancelling the context
// resets the stream. Streams are reused: after a clean exchange a stream
// goes back to a small per-peer pool, and libp2p keeps one connection per
// peer under them. A failed exchange resets its stream and returns an
// error wrapping [chord.ErrUnreachable].
//
// The server side reads requests from each incoming stream until the peer
// closes it or stays idle for TransportConfig.IdleTimeout. A length prefix
// above [MaxFrameSize] resets the stream; a frame that does not decode
// gets a [chord.StatusBadRequest] answer; a request whose sender
// ([chord.Request].From) is not the peer that authenticated the
// connection is refused by the node ([chord.Node.HandleFrom] answers
// [chord.StatusForbidden]). Each is counted in [TransportStats].
type Transport struct {
	host host.Host
	cfg  TransportConfig

	ctx    context.Context // cancelled by Close; parent of every handler call
	cancel context.CancelFunc

	mu      sync.Mutex
	closed  bool
	handler Handler
	idle    map[peer.ID][]idleStream
	addrs   map[string]peer.AddrInfo // parsed node addresses
	streams map[network.Stream]struct{}
	wg      sync.WaitGroup // server goroutines

	stats transportCounters

	// observe, when set (by the benchmarks), is told of every answered
	// call: the context, the peer, and the request and response payload
	// sizes.
	observe atomic.Pointer[func(ctx context.Context, p peer.ID, reqSize, respSize int)]
}

type idleStream struct {
	s     network.Stream
	r     *bufio.Reader
	dec   *chord.Decoder // remembers the addresses the peer sends
	timer *time.Timer    // resets s when a call outlives its time limit
	since time.Time
}

type transportCounters struct {
	calls, callErrors, served, opened    atomic.Uint64
	malformed, badLength, spoofed, reset atomic.Uint64
}

// TransportStats counts a transport's traffic and the hostile input it
// refused. All fields are cumulative.
type TransportStats struct {
	Calls      uint64 // outgoing calls
	Opened     uint64 // outgoing streams opened (the others were reused)
	CallErrors uint64 // outgoing calls that failed (unreachable, timeout)
	Served     uint64 // incoming requests passed to the node
	Malformed  uint64 // incoming frames that did not decode as a request
	BadLength  uint64 // incoming length prefixes above MaxFrameSize, or zero
	Spoofed    uint64 // incoming requests naming another sender than the authenticated peer
	Reset      uint64 // incoming streams cut off by a read error mid-frame or a timeout
}

// NewTransport returns a transport whose calls leave from h. It does not
// answer requests until [Transport.Serve] is called.
func NewTransport(h host.Host, cfg TransportConfig) (*Transport, error) {
	if h == nil {
		return nil, errors.New("p2p: nil host")
	}
	if cfg.CallTimeout < 0 || cfg.IdleTimeout < 0 || cfg.MaxIdleStreams < 0 {
		return nil, fmt.Errorf("%w: negative transport setting", chord.ErrConfig)
	}
	if cfg.CallTimeout == 0 {
		cfg.CallTimeout = DefaultCallTimeout
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.MaxIdleStreams == 0 {
		cfg.MaxIdleStreams = DefaultMaxIdleStreams
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Transport{
		host: h, cfg: cfg, ctx: ctx, cancel: cancel,
		idle: map[peer.ID][]idleStream{}, addrs: map[string]peer.AddrInfo{},
		streams: map[network.Stream]struct{}{},
	}, nil
}

var _ chord.Transport = (*Transport)(nil)

// Host returns the transport's libp2p host.
func (t *Transport) Host() host.Host { return t.host }

// Handler answers requests whose sender the transport authenticated.
// [chord.Node] implements it: [chord.Node.HandleFrom] refuses (with
// [chord.StatusForbidden], counted in its Stats) a request whose claimed
// sender is not from.
type Handler interface {
	HandleFrom(ctx context.Context, from chord.NodeInfo, req *chord.Request, resp *chord.Response)
}

var _ Handler = (*chord.Node)(nil)

// Serve starts answering requests on [ProtocolID] with h (normally the
// local [chord.Node]). Each request goes to h.HandleFrom with the node
// the secure channel authenticated: when the request's From names the
// remote peer (its ring ID is [RingID] of the peer and its address ends in
// /p2p/<peer>), from is that NodeInfo; otherwise from is the remote peer's
// own NodeInfo at the address it connected from, which cannot match, and
// the node refuses the request.
func (t *Transport) Serve(h Handler) {
	t.mu.Lock()
	t.handler = h
	t.mu.Unlock()
	t.host.SetStreamHandler(ProtocolID, t.serve)
}

// Stats returns a snapshot of the transport's counters.
func (t *Transport) Stats() TransportStats {
	c := &t.stats
	return TransportStats{
		Calls: c.calls.Load(), Opened: c.opened.Load(), CallErrors: c.callErrors.Load(), Served: c.served.Load(),
		Malformed: c.malformed.Load(), BadLength: c.badLength.Load(), Spoofed: c.spoofed.Load(),
		Reset: c.reset.Load(),
	}
}

// Close stops serving, closes every stream the transport holds and waits
// for its server goroutines to end. It does not close the host.
func (t *Transport) Close() error {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return nil
	}
	t.closed = true
	t.cancel()
	for _, list := range t.idle {
		for _, is := range list {
			_ = is.s.Reset()
		}
	}
	t.idle = nil
	for s := range t.streams {
		_ = s.Reset()
	}
	t.mu.Unlock()
	t.host.RemoveStreamHandler(ProtocolID)
	t.wg.Wait()
	return nil
}

// resolve parses a node address, remembering the result and teaching the
// peerstore where the peer listens.
func (t *Transport) resolve(addr string) (peer.AddrInfo, error) {
	t.mu.Lock()
	ai, ok := t.addrs[addr]
	t.mu.Unlock()
	if ok {
		return ai, nil
	}
	ai, err := ParseAddr(addr)
	if err != nil {
		return ai, err
	}
	t.host.Peerstore().AddAddrs(ai.ID, ai.Addrs, peerstore.AddressTTL)
	t.mu.Lock()
	if len(t.addrs) >= 4096 { // a bounded cache: forget everything
		clear(t.addrs)
	}
	t.addrs[addr] = ai
	t.mu.Unlock()
	return ai, nil
}

// getStream returns a pooled stream to p, or opens one. With fresh, it
// closes the streams pooled for p (a pooled stream just failed: the
// others share its connection) and opens one.
func (t *Transport) getStream(ctx context.Context, p peer.ID, fresh bool) (idleStream, bool, error) {
	maxIdle := t.cfg.IdleTimeout / 2
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return idleStream{}, false, ErrClosed
	}
	for list := t.idle[p]; len(list) > 0; list = t.idle[p] {
		is := list[len(list)-1]
		t.idle[p] = list[:len(list)-1]
		if !fresh && time.Since(is.since) < maxIdle && !is.s.Conn().IsClosed() {
			t.mu.Unlock()
			return is, true, nil
		}
		_ = is.s.Close()
	}
	t.mu.Unlock()
	s, err := t.host.NewStream(network.WithAllowLimitedConn(ctx, "chord"), p, ProtocolID)
	if err != nil {
		return idleStream{}, false, err
	}
	t.stats.opened.Add(1)
	tm := time.AfterFunc(time.Hour, func() { _ = s.Reset() })
	tm.Stop()
	return idleStream{s: s, r: bufio.NewReaderSize(s, 4096), dec: new(chord.Decoder), timer: tm}, false, nil
}

func (t *Transport) putStream(p peer.ID, is idleStream) {
	is.since = time.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed || len(t.idle[p]) >= t.cfg.MaxIdleStreams {
		_ = is.s.Close()
		return
	}
	t.idle[p] = append(t.idle[p], is)
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// Call implements [chord.Transport]. A block in the answer is returned in
// resp.Data's memory when the caller lent some there (capacity for it),
// read through a pooled buffer; otherwise resp.Data refers to memory of
// its own.
func (t *Transport) Call(ctx context.Context, to string, req *chord.Request, resp *chord.Response) error {
	t.stats.calls.Add(1)
	err := t.call(ctx, to, req, resp)
	if err != nil {
		t.stats.callErrors.Add(1)
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		if errors.Is(err, chord.ErrMalformed) && !errors.Is(err, chord.ErrUnreachable) {
			return err // our own request exceeds the wire limits
		}
		return fmt.Errorf("%w: %s: %w", chord.ErrUnreachable, to, err)
	}
	return nil
}

func (t *Transport) call(ctx context.Context, to string, req *chord.Request, resp *chord.Response) error {
	ai, err := t.resolve(to)
	if err != nil {
		return err
	}
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	body, data, err := appendRequestFrame(header(*bp), req)
	if err != nil {
		return err
	}
	*bp = body
	if n := len(body) - FrameHeaderSize + len(data); n > MaxFrameSize {
		return fmt.Errorf("%w: request of %d bytes", ErrFrameTooLarge, n)
	}
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(t.cfg.CallTimeout)
	}
	// A pooled stream may have been closed by the server meanwhile, or its
	// connection lost (the peer restarted); it fails before any answer
	// byte, and the call is retried once on a newly opened stream. Every
	// chord request is safe to repeat.
	for attempt := 0; ; attempt++ {
		is, reused, err := t.getStream(ctx, ai.ID, attempt > 0)
		if err != nil {
			return err
		}
		got, timedOut, n, err := t.exchange(ctx, is, !ok, deadline, body, data, bp, resp)
		if err == nil {
			if f := t.observe.Load(); f != nil {
				(*f)(ctx, ai.ID, len(body)-FrameHeaderSize+len(data), n)
			}
			if !timedOut { // else the answer arrived as the time limit reset the stream
				t.putStream(ai.ID, is)
			}
			return nil
		}
		_ = is.s.Reset()
		if timedOut {
			return fmt.Errorf("%w after %v", errCallTimeout, t.cfg.CallTimeout)
		}
		if !reused || got || attempt > 0 || ctx.Err() != nil {
			return err
		}
	}
}

// errCallTimeout reports a call that outlived TransportConfig.CallTimeout.
var errCallTimeout = errors.New("p2p: call timed out")

// exchange writes one framed request (frame, then the block data unless
// it is nil) on is and reads the framed answer into resp. got reports
// whether any answer byte arrived, timedOut whether the time limit reset
// the stream, n the size of the answer's payload.
//
// The time limit is enforced by resetting the stream (context.AfterFunc
// on ctx, and a timer until deadline when ownDeadline is set because ctx
// has none) rather than by stream deadlines: a yamux stream deadline is a
// timer per direction, set and cleared on every call, and on a server
// with many streams that churn costs more than the one timer here.
func (t *Transport) exchange(ctx context.Context, is idleStream, ownDeadline bool, deadline time.Time, frame, data []byte, bp *[]byte, resp *chord.Response) (got, timedOut bool, n int, err error) {
	if ctx.Done() != nil {
		stop := context.AfterFunc(ctx, func() { _ = is.s.Reset() })
		defer func() {
			if !stop() {
				timedOut = true
			}
		}()
	}
	if ownDeadline {
		is.timer.Reset(time.Until(deadline))
		defer func() {
			if !is.timer.Stop() {
				timedOut = true
			}
		}()
	}
	if _, err := is.s.Write(frame); err != nil {
		return false, false, 0, err
	}
	if data != nil {
		if _, err := is.s.Write(data); err != nil {
			return false, false, 0, err
		}
	}
	if _, err := is.r.Peek(1); err != nil {
		return false, false, 0, err
	}
	// A large frame (a block) for a caller that lent memory for it in
	// resp.Data is read into a pooled buffer and its block copied into
	// that memory: the call then allocates nothing block-sized.
	buf := (*bp)[:0]
	var large *[]byte
	if cap(resp.Data) > 0 {
		if hdr, err := is.r.Peek(FrameHeaderSize); err == nil {
			if n := int(binary.BigEndian.Uint32(hdr)); n > largeFrame && n <= MaxFrameSize {
				large = getFrameBuf(n)
				buf = (*large)[:0]
			}
		}
	}
	payload, err := ReadFrame(is.r, buf, MaxFrameSize)
	if err != nil {
		if large != nil {
			putFrameBuf(large)
		}
		return true, false, 0, err
	}
	switch {
	case large != nil:
		is.dec.AliasData = false
		err = is.dec.Response(payload, resp)
		putFrameBuf(large)
		return true, false, len(payload), err
	case cap(*bp) < len(payload):
		// A frame too large for the pooled buffer was read into memory
		// of its own: resp.Data (a block) then refers to it instead of a
		// copy.
		is.dec.AliasData = true
	default:
		is.dec.AliasData = false
		*bp = payload[:0]
	}
	return true, false, len(payload), is.dec.Response(payload, resp)
}

// header returns b emptied to a zeroed frame header, ready for the payload
// to be appended.
func header(b []byte) []byte {
	if cap(b) < FrameHeaderSize {
		b = make([]byte, 0, 4096)
	}
	b = b[:FrameHeaderSize]
	clear(b)
	return b
}

func putLen(b []byte, n int) {
	b[0], b[1], b[2], b[3] = byte(n>>24), byte(n>>16), byte(n>>8), byte(n)
}

// serve answers the requests arriving on one stream.
func (t *Transport) serve(s network.Stream) {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		_ = s.Reset()
		return
	}
	h := t.handler
	t.streams[s] = struct{}{}
	t.wg.Add(1)
	t.mu.Unlock()
	defer func() {
		t.mu.Lock()
		delete(t.streams, s)
		t.mu.Unlock()
		t.wg.Done()
	}()

	remote := s.Conn().RemotePeer()
	r := bufio.NewReaderSize(s, 4096)
	var in, out []byte
	var req chord.Request
	var resp chord.Response
	// The request lives only while the handler runs (which neither keeps
	// nor modifies it), so its Data may refer to the frame's memory.
	dec := chord.Decoder{AliasData: true}
	var lastFrom chord.NodeInfo // the last sender found to match remote
	matched := false
	// Stream deadlines are timers in yamux: they are moved only when they
	// must be. The read deadline is pushed to IdleTimeout when less than
	// half of it is left (so the server waits at least IdleTimeout/2 after
	// a request, the longest a client keeps a stream idle), and to
	// CallTimeout while the rest of a frame is awaited; the write deadline
	// is pushed to CallTimeout when less than half of that is left.
	var readBy, writeBy time.Time
	setRead := func(d time.Time) bool {
		readBy = d
		return s.SetReadDeadline(d) == nil
	}
	for {
		now := time.Now()
		if readBy.Before(now.Add(t.cfg.IdleTimeout/2)) && !setRead(now.Add(t.cfg.IdleTimeout)) {
			_ = s.Reset()
			return
		}
		if _, err := r.Peek(1); err != nil { // idle end or peer closed
			if errors.Is(err, io.EOF) {
				_ = s.Close()
			} else {
				_ = s.Reset()
			}
			return
		}
		if !frameBuffered(r) {
			if !setRead(time.Now().Add(t.cfg.CallTimeout)) {
				_ = s.Reset()
				return
			}
		}
		// A large frame (a block) is read into a pooled buffer, given
		// back once the request is answered: the handler copies what it
		// keeps.
		buf := in[:0]
		var large, fetchBuf *[]byte
		if hdr, err := r.Peek(FrameHeaderSize); err == nil {
			if n := int(binary.BigEndian.Uint32(hdr)); n > largeFrame && n <= MaxFrameSize {
				large = getFrameBuf(n)
				buf = (*large)[:0]
			}
		}
		payload, err := ReadFrame(r, buf, MaxFrameSize)
		if err != nil {
			if errors.Is(err, ErrFrameTooLarge) || errors.Is(err, ErrFrameEmpty) {
				t.stats.badLength.Add(1)
			} else {
				t.stats.reset.Add(1)
			}
			_ = s.Reset()
			return
		}
		if large == nil {
			in = payload
		}
		resp.Reset()
		switch err := dec.Request(payload, &req); {
		case err != nil:
			t.stats.malformed.Add(1)
			resp.Status = chord.StatusBadRequest
		default:
			from := req.From
			if !(matched && req.From == lastFrom) {
				if claimMatches(req.From, remote) {
					lastFrom, matched = req.From, true
				} else {
					t.stats.spoofed.Add(1)
					from, _ = NodeInfo(remote, s.Conn().RemoteMultiaddr())
				}
			}
			t.stats.served.Add(1)
			if req.Kind == chord.KindFetch {
				// The answer's block is copied into a pooled buffer,
				// given back once it is written: a fetch costs no
				// block-sized allocation on the server.
				fetchBuf = getFrameBuf(chord.MaxBlockSize)
				resp.Data = (*fetchBuf)[:0]
			}
			ctx, cancel := context.WithTimeout(t.ctx, t.cfg.CallTimeout)
			h.HandleFrom(ctx, from, &req, &resp)
			cancel()
		}
		var data []byte
		out, data, err = appendResponseFrame(header(out), &resp)
		if err != nil {
			out, data, _ = appendResponseFrame(header(out), &chord.Response{Status: chord.StatusBadRequest})
		}
		if now := time.Now(); writeBy.Before(now.Add(t.cfg.CallTimeout / 2)) {
			writeBy = now.Add(t.cfg.CallTimeout)
			_ = s.SetWriteDeadline(writeBy)
		}
		_, err = s.Write(out)
		if err == nil && data != nil {
			_, err = s.Write(data)
		}
		if err != nil {
			t.stats.reset.Add(1)
			_ = s.Reset()
			return
		}
		req = chord.Request{Nodes: req.Nodes[:0]}
		if large != nil {
			putFrameBuf(large)
		}
		if fetchBuf != nil {
			// Only the buffer lent above goes back to the pool, not
			// memory a handler put in its place (which it may keep).
			if cap(resp.Data) > 0 && &resp.Data[:1][0] == &(*fetchBuf)[:1][0] {
				putFrameBuf(fetchBuf)
				resp.Data = nil
			}
			fetchBuf = nil
		}
		if cap(out) > largeFrame { // do not pin a large buffer per idle stream
			out = nil
		}
		if cap(resp.Data) > largeFrame {
			resp.Data = nil
		}
	}
}

// frameBuffered reports whether r holds a whole frame (header and
// payload), so that reading it cannot block.
func frameBuffered(r *bufio.Reader) bool {
	if r.Buffered() < FrameHeaderSize {
		return false
	}
	hdr, _ := r.Peek(FrameHeaderSize)
	return r.Buffered()-FrameHeaderSize >= int(binary.BigEndian.Uint32(hdr))
}

// splitData is the block size from which a message's block is written to
// the stream on its own rather than copied into the frame first.
const splitData = 16 << 10

// appendRequestFrame appends to hdr (a zeroed frame header) the frame of
// req. A block of splitData bytes or more is not copied: the frame is
// then frame followed by data, the block itself; otherwise data is nil.
// The block is the last field of the encoding (its length, then its
// bytes), so the encoding without the block, with the length patched
// in, is the frame's beginning.
func appendRequestFrame(hdr []byte, req *chord.Request) (frame, data []byte, err error) {
	if len(req.Data) < splitData {
		frame, err = req.AppendBinary(hdr)
		if err == nil {
			putLen(frame, len(frame)-FrameHeaderSize)
		}
		return frame, nil, err
	}
	if len(req.Data) > chord.MaxBlockSize {
		return nil, nil, fmt.Errorf("%w: %d bytes", chord.ErrTooLarge, len(req.Data))
	}
	q := *req
	q.Data = nil
	if frame, err = q.AppendBinary(hdr); err != nil {
		return nil, nil, err
	}
	return splitFrame(frame, req.Data), req.Data, nil
}

// appendResponseFrame is appendRequestFrame for responses.
func appendResponseFrame(hdr []byte, resp *chord.Response) (frame, data []byte, err error) {
	if len(resp.Data) < splitData {
		frame, err = resp.AppendBinary(hdr)
		if err == nil {
			putLen(frame, len(frame)-FrameHeaderSize)
		}
		return frame, nil, err
	}
	if len(resp.Data) > chord.MaxBlockSize {
		return nil, nil, fmt.Errorf("%w: %d bytes", chord.ErrTooLarge, len(resp.Data))
	}
	q := *resp
	q.Data = nil
	if frame, err = q.AppendBinary(hdr); err != nil {
		return nil, nil, err
	}
	return splitFrame(frame, resp.Data), resp.Data, nil
}

// splitFrame patches the frame of a message encoded without its block
// (so ending in a zero block length) for data to follow it.
func splitFrame(frame, data []byte) []byte {
	binary.BigEndian.PutUint32(frame[len(frame)-4:], uint32(len(data)))
	putLen(frame, len(frame)-FrameHeaderSize+len(data))
	return frame
}

// largeFrame is the frame size above which a server reads a frame into a
// pooled buffer rather than into its stream's own.
const largeFrame = 64 << 10

// frameBufs pools the buffers of large incoming frames by size class:
// class k holds buffers of largeFrame<<k bytes, k from 1 to 5 (2 MiB,
// more than MaxFrameSize).
var frameBufs [6]sync.Pool

func frameClass(n int) int { return bits.Len(uint((n - 1) / largeFrame)) }

// getFrameBuf returns a buffer with room for n bytes, largeFrame < n ≤
// MaxFrameSize.
func getFrameBuf(n int) *[]byte {
	k := frameClass(n)
	if p, ok := frameBufs[k].Get().(*[]byte); ok {
		return p
	}
	b := make([]byte, 0, largeFrame<<k)
	return &b
}

func putFrameBuf(p *[]byte) {
	*p = (*p)[:0]
	frameBufs[frameClass(cap(*p))].Put(p)
}
