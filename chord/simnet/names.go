package simnet

import (
	"strconv"
	"strings"
)

// nameBlock is how many addresses are cut from one allocation.
const nameBlock = 1024

// names hands out the cluster's node addresses "n1", "n2", … . They are
// cut from shared blocks rather than allocated one by one: every call
// resolves its destination by reading the number in the address (see
// endpoints), and a large ring's addresses then sit together in a few
// hundred kilobytes that stay in cache, instead of one scattered
// allocation per node.
type names struct {
	next  int      // the number of the next address handed out
	block []string // addresses cut but not yet handed out
}

func (nm *names) take() string {
	if len(nm.block) == 0 {
		var b strings.Builder
		ends := make([]int, nameBlock)
		for i := range nameBlock {
			b.WriteByte('n')
			b.WriteString(strconv.Itoa(nm.next + 1 + i))
			ends[i] = b.Len()
		}
		s := b.String()
		nm.block = make([]string, nameBlock)
		start := 0
		for i, end := range ends {
			nm.block[i] = s[start:end]
			start = end
		}
	}
	a := nm.block[0]
	nm.block = nm.block[1:]
	nm.next++
	return a
}
