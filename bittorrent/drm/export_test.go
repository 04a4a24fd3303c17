package drm

import "fmt"

// DebugString describes the missing capsules, for test failure messages.
func (d *Torrent) DebugString() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := fmt.Sprintf("pending %v;", d.pending)
	for i, c := range d.capsules {
		if c == nil {
			p := d.pieces[i]
			s += fmt.Sprintf(" piece %d body %v asked %v tried %d contrib %d retry %v;", i, p.body, p.asked != nil, len(p.tried), len(p.contrib), p.retryAt)
		}
	}
	return s
}
