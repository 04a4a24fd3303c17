package steg

// schedule drives a Picker through a sequence of phases, each hiding one
// symbol or none, for [Sender] and [Beacon]. A client keeps several
// requests in flight and they complete in any order, so pieces requested
// in one phase may complete among those of the next, and a class may run
// dry (Algorithm 2 then moves to the other class). schedule therefore
// counts the progress of a hiding phase as the length of the current run
// of completions of pieces requested in this phase in one class: a phase
// of length L ends after L such HAVEs in a row, whatever came between.
// A plain phase counts completions of pieces requested in it.
type schedule struct {
	p      *Picker
	f      *Family
	x      int      // symbol of the current phase; 0: plain
	gen    uint32   // current phase, from 1
	req    []uint32 // phase under which each reserved piece was requested
	cls    []uint8  // its class (1 or 2) under that phase's symbol
	run    int      // progress of the current phase
	runCls uint8
}

func newSchedule(p *Picker, f *Family) *schedule {
	return &schedule{p: p, f: f, gen: 1, req: make([]uint32, p.m), cls: make([]uint8, p.m)}
}

// enter starts a new phase hiding x (0: none).
func (s *schedule) enter(x int) error {
	s.gen++
	s.run = 0
	s.x = x
	if x == 0 {
		s.p.Reveal()
		return nil
	}
	return s.p.Hide(s.f, x)
}

func (s *schedule) next() (int, error) {
	b, err := s.p.Next()
	if err != nil {
		return b, err
	}
	s.req[b] = s.gen
	if s.x != 0 {
		s.cls[b] = 2 - uint8(s.p.cache.get(b).bit(s.x))
	}
	return b, nil
}

func (s *schedule) abandon(b int) error {
	if err := s.p.Abandon(b); err != nil {
		return err
	}
	s.req[b] = 0
	return nil
}

// downloaded records piece b and returns the progress of the phase.
func (s *schedule) downloaded(b int) (int, error) {
	if err := s.p.Downloaded(b); err != nil {
		return 0, err
	}
	g, c := s.req[b], s.cls[b]
	s.req[b] = 0
	switch {
	case s.x == 0:
		if g == s.gen {
			s.run++
		}
	case g != s.gen:
		s.run = 0 // a straggler of an earlier phase, or a piece not asked for
	case s.run > 0 && c != s.runCls:
		s.run = 1
	default:
		s.run++
	}
	s.runCls = c
	return s.run, nil
}
