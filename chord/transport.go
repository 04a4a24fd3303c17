package chord

import (
	"context"
	"errors"
)

// ErrUnreachable is returned (wrapped) by a [Transport] when the remote node
// did not answer: it has crashed or left, the network dropped the message,
// a partition separates the two nodes, or the call timed out. Chord treats
// all of these alike: the node is presumed dead for this call.
var ErrUnreachable = errors.New("chord: node unreachable")

// Transport carries one node's calls to other nodes. It is the only way a
// node learns anything about another node: nodes share no memory, and every
// call can fail.
//
// Call sends req to the node at address to and waits for its answer, which
// it writes into resp (after resp.Reset). It returns an error wrapping
// [ErrUnreachable] when no answer arrives, or ctx.Err() when ctx ends first.
// A node's refusal is not an error of Call: it arrives as resp.Status.
// Call must not retain req or resp after it returns, and the answering node
// must not see the caller's memory: a transport that passes values in
// memory copies them (as [chord/simnet] does), a network transport encodes
// them with [Request.MarshalBinary] and [Response.MarshalBinary].
//
// A network engine (the p2p module, over libp2p) implements Call by
// opening a stream to the peer, writing the encoded request, and reading
// the encoded response under ctx's deadline, bounding its size; on the
// receiving side it decodes the request and passes it to the local node's
// [Node.HandleFrom] together with the sender its secure channel
// authenticated, or hands the raw bytes to [Node.HandleWireFrom].
type Transport interface {
	Call(ctx context.Context, to string, req *Request, resp *Response) error
}

// Handler answers requests whose sender the transport guarantees (see
// [Node.Handle]). [Node] implements it; an in-process transport delivers
// each incoming request to the handler registered at the address it was
// sent to.
// Handle must be safe for concurrent use, must neither modify nor retain
// req, and must copy into resp anything it returns, never sharing its own
// memory.
type Handler interface {
	Handle(ctx context.Context, req *Request, resp *Response)
}

var _ Handler = (*Node)(nil)
