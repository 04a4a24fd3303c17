package chord

// EventKind is the type of an [Event].
type EventKind uint8

// The ring events a node reports through [Config.Events].
const (
	// EventPredecessor: the node's predecessor changed; Node is the new
	// one (zero when the node forgot a failed predecessor). The node's
	// range of keys is now (Node, self].
	EventPredecessor EventKind = iota + 1
	// EventSuccessor: the node's first successor changed; Node is the
	// new one.
	EventSuccessor
	// EventKeysIn: the node accepted blocks handed over by Node (a
	// leaving predecessor, or a successor handing back keys that precede
	// the node).
	EventKeysIn
	// EventKeysOut: the node handed blocks to Node (its new predecessor,
	// or its successor when the node leaves) and deleted them.
	EventKeysOut
	eventEnd
)

var eventNames = [...]string{"", "predecessor", "successor", "keys-in", "keys-out"}

func (k EventKind) String() string {
	if k == 0 || k >= eventEnd {
		return "event(?)"
	}
	return eventNames[k]
}

// Event is a change of a node's place in the ring, reported to the
// application through [Config.Events].
type Event struct {
	Kind EventKind
	Node NodeInfo // the new neighbour, or the node blocks moved from or to
	Keys []ID     // EventKeysIn, EventKeysOut: the blocks moved
}

// emit sends ev without blocking: a full channel drops it and counts the
// drop in [Stats].EventsDropped. It may be called with n.mu held.
func (n *Node) emit(ev Event) {
	if n.events == nil {
		return
	}
	select {
	case n.events <- ev:
	default:
		n.stats.eventsDropped.Add(1)
	}
}
