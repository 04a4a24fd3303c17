package chord_test

import (
	"testing"

	"github.com/swarmblocks/swarmblocks/chord"
	"github.com/swarmblocks/swarmblocks/chord/storetest"
)

func TestMemStore(t *testing.T) {
	storetest.Run(t, func(*testing.T) chord.BlockStore { return chord.NewMemStore() })
}
