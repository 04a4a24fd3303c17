package scaling

// All returns the subsystems of the suite, in the order the figure and
// the README list them.
func All() []Subsystem {
	return []Subsystem{ChordBuild, ChordLookup, PacomGrowth, Workload, Marketplace}
}
