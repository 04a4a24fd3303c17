package marketsim

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/swarmblocks/swarmblocks/valuation"
)

// TestDeferredDeliveryIsExact checks that queueing HAVEs and REQUESTs until
// a client next reads its Market changes nothing: every measurement of a
// run equals that of the same run with immediate delivery, over seeds and
// configurations whose markets trade.
func TestDeferredDeliveryIsExact(t *testing.T) {
	churn := SmallConfig(0)
	churn.Valuation.Weights = valuation.Weights{Completeness: 0.25, DemandSupply: 1, Have: 1, Request: 4}
	configs := []struct {
		name string
		cfg  Config
	}{
		{"small", SmallConfig(0)},
		{"churning", churn},
	}
	for _, c := range configs {
		for _, seed := range []uint64{1, 2, 3} {
			t.Run(fmt.Sprintf("%s/seed=%d", c.name, seed), func(t *testing.T) {
				cfg := c.cfg
				cfg.Seed = seed
				lazy, err := run(cfg, false)
				require.NoError(t, err)
				eager, err := run(cfg, true)
				require.NoError(t, err)
				lazy.Wall, eager.Wall = 0, 0
				require.Positive(t, lazy.Partial, "the market trades")
				for _, f := range differingFields(eager, lazy) {
					t.Errorf("%s differs", f)
				}
			})
		}
	}
}

// differingFields names the fields of two Results that differ.
func differingFields(a, b *Result) []string {
	va, vb := reflect.ValueOf(a).Elem(), reflect.ValueOf(b).Elem()
	var out []string
	for i := range va.NumField() {
		if !reflect.DeepEqual(va.Field(i).Interface(), vb.Field(i).Interface()) {
			out = append(out, va.Type().Field(i).Name)
		}
	}
	return out
}
