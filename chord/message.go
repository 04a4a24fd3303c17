package chord

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
)

// Wire limits. Decoders reject messages beyond them.
const (
	// MaxAddrLen is the longest transport address a message may carry.
	MaxAddrLen = 255
	// MaxNodes is the most node entries one message may carry (a successor
	// list or a finger table).
	MaxNodes = 128
	// MaxBlockSize is the largest block a node stores, after encryption.
	MaxBlockSize = 1 << 20
	// MaxMessageSize is the length of the longest valid encoding of a
	// [Request] or [Response] (a response with a node, two full node
	// lists of the longest addresses and a full block; the longest
	// request is shorter): a network transport refuses longer frames
	// before reading them.
	MaxMessageSize = max(maxRequestSize, maxResponseSize)
	maxNodeSize    = IDSize + 1 + MaxAddrLen
	maxNodesSize   = 2 + MaxNodes*maxNodeSize
	// version kind flags, from, key, hops, node, nodes, ticket, data.
	maxRequestSize = 3 + maxNodeSize + IDSize + 2 + maxNodeSize + maxNodesSize + TicketSize + 4 + MaxBlockSize
	// version status flags, node, hops, nodes, succs, data.
	maxResponseSize = 3 + maxNodeSize + 2 + 2*maxNodesSize + 4 + MaxBlockSize
)

// ErrMalformed is returned (wrapped) by every decoder on bad input.
var ErrMalformed = errors.New("chord: malformed message")

// NodeInfo names a node: its ring identifier and the transport address at
// which it answers. The address is opaque to this package (a simulator
// endpoint name, a libp2p peer ID or multiaddr).
type NodeInfo struct {
	ID   ID
	Addr string
}

// IsZero reports whether n is the zero NodeInfo, meaning "no node".
func (n NodeInfo) IsZero() bool { return n.Addr == "" && n.ID == ID{} }

// String returns the node's short identifier and address.
func (n NodeInfo) String() string { return n.ID.String() + "@" + n.Addr }

// Kind is the type of a [Request].
type Kind uint8

// The request kinds of the protocol.
const (
	KindPing          Kind = iota + 1 // are you alive?
	KindGetState                      // your predecessor and successor list (stabilize)
	KindNotify                        // I think I am your predecessor (rectify)
	KindClosest                       // iterative lookup step for Key
	KindFindSuccessor                 // recursive lookup of Key
	KindGetFingers                    // your fingers (a joining node's hint)
	KindLeave                         // I am leaving: Node is my predecessor, Nodes my successors
	KindStore                         // store Data under Ticket
	KindHandoff                       // take over Data under Ticket (membership change)
	KindFetch                         // return the block under Key
	KindHas                           // do you hold the block under Key?
	kindEnd
)

var kindNames = [...]string{"", "ping", "get-state", "notify", "closest", "find-successor",
	"get-fingers", "leave", "store", "handoff", "fetch", "has"}

func (k Kind) String() string {
	if k == 0 || k >= kindEnd {
		return fmt.Sprintf("kind(%d)", uint8(k))
	}
	return kindNames[k]
}

// Status is a node's answer code. Every refusal a node can give has one, so
// that a network transport carries application errors as data rather than
// as transport failures; [Status.Err] maps it back to this package's
// sentinel errors.
type Status uint8

// Answer codes.
const (
	StatusOK Status = iota
	StatusNotFound
	StatusDuplicate
	StatusNotResponsible
	StatusUntrusted
	StatusBadSignature
	StatusExpired
	StatusMismatch
	StatusQuota
	StatusTooLarge
	StatusBadRequest
	StatusUnavailable
	StatusForbidden // the sender may not make this request (HandleFrom, handoffs)
	StatusConflict  // a different block is held under the key
	statusEnd
)

// Errors a node answers with, carried on the wire as a [Status].
var (
	ErrNotFound       = errors.New("chord: block not found")
	ErrNotResponsible = errors.New("chord: node is not responsible for the key")
	ErrQuota          = errors.New("chord: storage quota exceeded")
	ErrTooLarge       = errors.New("chord: block too large")
	ErrBadRequest     = errors.New("chord: bad request")
	ErrUnavailable    = errors.New("chord: node cannot answer yet")
	ErrForbidden      = errors.New("chord: sender not allowed to make the request")
	ErrConflict       = errors.New("chord: a different block is held under the key")
)

var statusErrs = [...]error{nil, ErrNotFound, nil, ErrNotResponsible, ErrTicketUntrusted,
	ErrTicketSignature, ErrTicketExpired, ErrTicketMismatch, ErrQuota, ErrTooLarge, ErrBadRequest, ErrUnavailable, ErrForbidden, ErrConflict}

// Err returns the sentinel error of s, or nil for StatusOK and
// StatusDuplicate (a holder that already has a block accepted the store).
func (s Status) Err() error {
	if s >= statusEnd {
		return ErrBadRequest
	}
	return statusErrs[s]
}

// errDuplicate reports a store of a block the node already holds; it
// travels as StatusDuplicate, which callers treat as success.
var errDuplicate = errors.New("chord: duplicate block ignored")

func statusOf(err error) Status {
	if errors.Is(err, errDuplicate) {
		return StatusDuplicate
	}
	for s, e := range statusErrs {
		if e != nil && errors.Is(err, e) {
			return Status(s)
		}
	}
	if err == nil {
		return StatusOK
	}
	return StatusBadRequest
}

// Request is one call from node From. Only the fields its Kind uses are
// meaningful; the others are zero.
type Request struct {
	Kind   Kind
	From   NodeInfo
	Key    ID         // lookup target or block key
	Hops   uint16     // recursive lookups: hops so far
	Node   NodeInfo   // KindLeave: the leaving node's predecessor (zero if none)
	Nodes  []NodeInfo // KindLeave: the leaving node's successor list
	Ticket *Ticket    // KindStore, KindHandoff
	Data   []byte     // KindStore, KindHandoff
}

// Response is a node's answer to a Request.
type Response struct {
	Status Status
	Done   bool       // KindClosest: Nodes is the successor list of the key's predecessor
	Found  bool       // KindHas
	Node   NodeInfo   // predecessor (KindGetState), result (KindFindSuccessor)
	Hops   uint16     // KindFindSuccessor
	Nodes  []NodeInfo // successor list, candidates or fingers
	Succs  []NodeInfo // KindClosest when not Done: the answering node's successor list
	Data   []byte     // KindFetch
}

// Reset clears r, keeping the capacity of its slices for reuse.
func (r *Response) Reset() {
	*r = Response{Nodes: r.Nodes[:0], Succs: r.Succs[:0], Data: r.Data[:0]}
}

const (
	msgVersion   = 1
	flagNode     = 1 << 0
	flagTicket   = 1 << 1
	flagDone     = 1 << 2
	flagFound    = 1 << 3
	requestFlags = flagNode | flagTicket
	respFlags    = flagNode | flagDone | flagFound
)

func appendNode(b []byte, n NodeInfo) []byte {
	b = append(b, n.ID[:]...)
	b = append(b, byte(len(n.Addr)))
	return append(b, n.Addr...)
}

func appendNodes(b []byte, ns []NodeInfo) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(len(ns)))
	for _, n := range ns {
		b = appendNode(b, n)
	}
	return b
}

func checkNode(n NodeInfo) error {
	if len(n.Addr) > MaxAddrLen {
		return fmt.Errorf("%w: address of %d bytes", ErrMalformed, len(n.Addr))
	}
	return nil
}

func checkNodes(ns []NodeInfo) error {
	if len(ns) > MaxNodes {
		return fmt.Errorf("%w: %d nodes", ErrMalformed, len(ns))
	}
	for _, n := range ns {
		if err := checkNode(n); err != nil {
			return err
		}
	}
	return nil
}

// AppendBinary appends the encoding of r to b. It fails if a field exceeds
// the wire limits.
//
// Layout: version(1) kind(1) flags(1) from key(32) hops(2) [node] nodes
// [ticket(TicketSize)] dataLen(4) data, where a node is id(32) addrLen(1)
// addr and nodes is count(2) followed by that many nodes.
func (r *Request) AppendBinary(b []byte) ([]byte, error) {
	if r.Kind == 0 || r.Kind >= kindEnd {
		return nil, fmt.Errorf("%w: kind %d", ErrMalformed, r.Kind)
	}
	if err := checkNode(r.From); err != nil {
		return nil, err
	}
	if err := checkNode(r.Node); err != nil {
		return nil, err
	}
	if err := checkNodes(r.Nodes); err != nil {
		return nil, err
	}
	if len(r.Data) > MaxBlockSize {
		return nil, fmt.Errorf("%w: %d bytes", ErrTooLarge, len(r.Data))
	}
	var flags byte
	if !r.Node.IsZero() {
		flags |= flagNode
	}
	if r.Ticket != nil {
		flags |= flagTicket
	}
	b = append(b, msgVersion, byte(r.Kind), flags)
	b = appendNode(b, r.From)
	b = append(b, r.Key[:]...)
	b = binary.BigEndian.AppendUint16(b, r.Hops)
	if flags&flagNode != 0 {
		b = appendNode(b, r.Node)
	}
	b = appendNodes(b, r.Nodes)
	if r.Ticket != nil {
		b, _ = r.Ticket.AppendBinary(b)
	}
	b = binary.BigEndian.AppendUint32(b, uint32(len(r.Data)))
	return append(b, r.Data...), nil
}

// MarshalBinary encodes r.
func (r *Request) MarshalBinary() ([]byte, error) { return r.AppendBinary(nil) }

// UnmarshalBinary decodes a request. It rejects unknown versions, kinds and
// flags, oversize fields, and trailing bytes; on error r is unchanged. The
// decoded value reuses the memory of r's slices (Nodes, Data) and shares
// none with b.
func (r *Request) UnmarshalBinary(b []byte) error {
	return (*Decoder)(nil).Request(b, r)
}

// request checks a request (dry) or decodes it into r, reusing r's
// slices.
func (d *decoder) request(r *Request) error {
	var q Request
	if v := d.byte(); v != msgVersion && d.err == nil {
		return fmt.Errorf("%w: version %d", ErrMalformed, v)
	}
	q.Kind = Kind(d.byte())
	flags := d.byte()
	if d.err == nil && (q.Kind == 0 || q.Kind >= kindEnd) {
		return fmt.Errorf("%w: kind %d", ErrMalformed, q.Kind)
	}
	if d.err == nil && flags&^requestFlags != 0 {
		return fmt.Errorf("%w: flags %#x", ErrMalformed, flags)
	}
	q.From = d.node()
	q.Key = d.id()
	q.Hops = d.u16()
	if flags&flagNode != 0 {
		q.Node = d.node()
		if d.err == nil && q.Node.IsZero() {
			return fmt.Errorf("%w: flagged node is zero", ErrMalformed)
		}
	}
	q.Nodes = d.nodes(r.Nodes)
	if flags&flagTicket != 0 {
		if tb := d.take(TicketSize); d.err == nil && !d.dry {
			var t Ticket
			_ = t.UnmarshalBinary(tb)
			q.Ticket = &t
		}
	}
	q.Data = d.data(r.Data)
	if err := d.finish(); err != nil {
		return err
	}
	if !d.dry {
		*r = q
	}
	return nil
}

// AppendBinary appends the encoding of r to b.
//
// Layout: version(1) status(1) flags(1) [node] hops(2) nodes succs
// dataLen(4) data.
func (r *Response) AppendBinary(b []byte) ([]byte, error) {
	if r.Status >= statusEnd {
		return nil, fmt.Errorf("%w: status %d", ErrMalformed, r.Status)
	}
	if err := checkNode(r.Node); err != nil {
		return nil, err
	}
	if err := checkNodes(r.Nodes); err != nil {
		return nil, err
	}
	if err := checkNodes(r.Succs); err != nil {
		return nil, err
	}
	if len(r.Data) > MaxBlockSize {
		return nil, fmt.Errorf("%w: %d bytes", ErrTooLarge, len(r.Data))
	}
	var flags byte
	if !r.Node.IsZero() {
		flags |= flagNode
	}
	if r.Done {
		flags |= flagDone
	}
	if r.Found {
		flags |= flagFound
	}
	b = append(b, msgVersion, byte(r.Status), flags)
	if flags&flagNode != 0 {
		b = appendNode(b, r.Node)
	}
	b = binary.BigEndian.AppendUint16(b, r.Hops)
	b = appendNodes(b, r.Nodes)
	b = appendNodes(b, r.Succs)
	b = binary.BigEndian.AppendUint32(b, uint32(len(r.Data)))
	return append(b, r.Data...), nil
}

// MarshalBinary encodes r.
func (r *Response) MarshalBinary() ([]byte, error) { return r.AppendBinary(nil) }

// UnmarshalBinary decodes a response with the same strictness as
// [Request.UnmarshalBinary], reusing the memory of r's slices (Nodes,
// Succs, Data).
func (r *Response) UnmarshalBinary(b []byte) error {
	return (*Decoder)(nil).Response(b, r)
}

func (d *decoder) response(r *Response) error {
	var q Response
	if v := d.byte(); v != msgVersion && d.err == nil {
		return fmt.Errorf("%w: version %d", ErrMalformed, v)
	}
	q.Status = Status(d.byte())
	flags := d.byte()
	if d.err == nil && q.Status >= statusEnd {
		return fmt.Errorf("%w: status %d", ErrMalformed, q.Status)
	}
	if d.err == nil && flags&^respFlags != 0 {
		return fmt.Errorf("%w: flags %#x", ErrMalformed, flags)
	}
	q.Done = flags&flagDone != 0
	q.Found = flags&flagFound != 0
	if flags&flagNode != 0 {
		q.Node = d.node()
		if d.err == nil && q.Node.IsZero() {
			return fmt.Errorf("%w: flagged node is zero", ErrMalformed)
		}
	}
	q.Hops = d.u16()
	q.Nodes = d.nodes(r.Nodes)
	q.Succs = d.nodes(r.Succs)
	q.Data = d.data(r.Data)
	if err := d.finish(); err != nil {
		return err
	}
	if !d.dry {
		*r = q
	}
	return nil
}

// MaxCachedAddrs bounds the addresses a [Decoder] remembers; when full,
// it forgets them all.
const MaxCachedAddrs = 256

// A Decoder decodes requests and responses as their UnmarshalBinary
// methods do (same checks, same errors, the target unchanged on error,
// its slices' memory reused) and in addition remembers the node addresses
// it has decoded, up to [MaxCachedAddrs], so that a message naming known
// nodes decodes without allocating. A network transport keeps one per
// connection or stream. The zero value is ready for use; a Decoder must
// not be used by two goroutines at once.
type Decoder struct {
	// AliasData makes a decoded Data field a sub-slice of the input
	// instead of a copy: the caller must then leave the input unchanged
	// for as long as the message is in use.
	AliasData bool
	addrs     map[string]string
}

// Request decodes b into r. A nil Decoder decodes as
// [Request.UnmarshalBinary] does.
func (c *Decoder) Request(b []byte, r *Request) error {
	// A dry pass checks everything first, so that the decoding pass,
	// which writes into r's memory, cannot fail half-way.
	if err := (&decoder{b: b, dry: true}).request(r); err != nil {
		return err
	}
	return (&decoder{b: b, c: c}).request(r)
}

// Response decodes b into r. A nil Decoder decodes as
// [Response.UnmarshalBinary] does.
func (c *Decoder) Response(b []byte, r *Response) error {
	if err := (&decoder{b: b, dry: true}).response(r); err != nil {
		return err
	}
	return (&decoder{b: b, c: c}).response(r)
}

func (c *Decoder) addr(b []byte) string {
	if c == nil || len(b) == 0 {
		return string(b)
	}
	if a, ok := c.addrs[string(b)]; ok {
		return a
	}
	if c.addrs == nil || len(c.addrs) >= MaxCachedAddrs {
		c.addrs = make(map[string]string)
	}
	a := string(b)
	c.addrs[a] = a
	return a
}

// decoder reads fields, remembering the first error; reads after an error
// return zero values.
type decoder struct {
	b   []byte
	err error
	dry bool     // check only: build no addresses, lists or data
	c   *Decoder // address cache and options, when not dry
}

// dryAddr stands in for addresses in a dry pass: a substring of the
// right length keeps NodeInfo.IsZero exact without allocating.
var dryAddr = strings.Repeat("a", MaxAddrLen)

func (d *decoder) take(n int) []byte {
	// mutation: equivalent — a decode that reads on after an error still
	// fails in finish (d.err is never cleared), and the value is unchanged.
	if d.err != nil {
		return nil
	}
	if n < 0 || len(d.b) < n {
		d.err = fmt.Errorf("%w: truncated", ErrMalformed)
		return nil
	}
	s := d.b[:n:n]
	d.b = d.b[n:]
	return s
}

func (d *decoder) byte() byte {
	if s := d.take(1); s != nil {
		return s[0]
	}
	return 0
}

func (d *decoder) u16() uint16 {
	if s := d.take(2); s != nil {
		return binary.BigEndian.Uint16(s)
	}
	return 0
}

func (d *decoder) id() ID {
	var id ID
	copy(id[:], d.take(IDSize))
	return id
}

func (d *decoder) node() NodeInfo {
	id := d.id()
	n := int(d.byte())
	a := d.take(n)
	if d.dry || a == nil {
		return NodeInfo{ID: id, Addr: dryAddr[:len(a)]}
	}
	return NodeInfo{ID: id, Addr: d.c.addr(a)}
}

// nodes decodes a node list into buf's memory.
func (d *decoder) nodes(buf []NodeInfo) []NodeInfo {
	n := int(d.u16())
	// mutation: equivalent — after an error u16 returns 0, which returns nil
	// below.
	if d.err != nil {
		return nil
	}
	if n > MaxNodes {
		d.err = fmt.Errorf("%w: %d nodes", ErrMalformed, n)
		return nil
	}
	if n == 0 {
		return buf[:0]
	}
	if d.dry {
		for range n {
			d.node()
		}
		return nil
	}
	ns := buf[:0]
	if cap(ns) < n {
		ns = make([]NodeInfo, 0, n) // n is within the checked input
	}
	for range n {
		ns = append(ns, d.node())
	}
	return ns
}

// data decodes a block into buf's memory.
func (d *decoder) data(buf []byte) []byte {
	s := d.take(4)
	if s == nil {
		return nil
	}
	n := binary.BigEndian.Uint32(s)
	if n > MaxBlockSize {
		d.err = fmt.Errorf("%w: block of %d bytes", ErrMalformed, n)
		return nil
	}
	b := d.take(int(n))
	switch {
	case d.dry || len(b) == 0:
		return buf[:0]
	case d.c != nil && d.c.AliasData:
		return b
	}
	return append(buf[:0], b...)
}

func (d *decoder) finish() error {
	if d.err != nil {
		return d.err
	}
	if len(d.b) != 0 {
		return fmt.Errorf("%w: %d trailing bytes", ErrMalformed, len(d.b))
	}
	return nil
}
