package pacomchan

// ReplayWindow is the number of sequence numbers behind the highest one
// seen that a [Link] (block sequence numbers) and a circuit end (d_ids)
// still accept, each at most once: reordering by up to ReplayWindow − 1
// positions is tolerated; anything older is refused as a replay.
const ReplayWindow = 1024

// seqWindow is a sliding anti-replay window over 64-bit sequence numbers in
// the manner of RFC 6479: a ring of ReplayWindow bits indexed by the
// sequence number, one spare word so that the word of the newest number
// never aliases the word of the oldest, and the highest number seen.
// Checking and marking are separate so that a caller marks a number only
// after the message carrying it authenticated.
type seqWindow struct {
	top  uint64 // highest sequence number accepted + 1; 0 when none yet
	ring [ReplayWindow/64 + 1]uint64
}

// windowVerdict classifies a sequence number against a window.
type windowVerdict uint8

const (
	windowNew       windowVerdict = iota // not seen and within or ahead of the window
	windowDuplicate                      // inside the window and already marked
	windowTooOld                         // behind the window
)

// check reports what seq is, without changing the window.
func (w *seqWindow) check(seq uint64) windowVerdict {
	if seq == ^uint64(0) {
		return windowTooOld // never used: top would overflow
	}
	if seq >= w.top {
		return windowNew
	}
	if w.top-seq > ReplayWindow {
		return windowTooOld
	}
	if w.ring[(seq/64)%uint64(len(w.ring))]&(1<<(seq%64)) != 0 {
		return windowDuplicate
	}
	return windowNew
}

// mark records seq, which check reported new, sliding the window forward
// if seq is beyond its top.
func (w *seqWindow) mark(seq uint64) {
	if seq >= w.top {
		// Clear the words between the old top and seq: their numbers are
		// unseen.
		// Bits above top−1 in top−1's word are unseen already (they were
		// cleared when that word was entered), so clearing whole words from
		// the next one on is enough.
		first, last := w.top/64, seq/64
		if w.top%64 != 0 {
			first++
		}
		if last >= first {
			// mutation: equivalent — at last−first = len(ring) the loop clears every word too.
			if last-first >= uint64(len(w.ring)) {
				clear(w.ring[:])
			} else {
				for i := first; i <= last; i++ {
					w.ring[i%uint64(len(w.ring))] = 0
				}
			}
		}
		w.top = seq + 1
	}
	w.ring[(seq/64)%uint64(len(w.ring))] |= 1 << (seq % 64)
}

// accept marks seq if it is new and reports whether it was.
func (w *seqWindow) accept(seq uint64) bool {
	if w.check(seq) != windowNew {
		return false
	}
	w.mark(seq)
	return true
}
