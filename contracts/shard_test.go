package contracts_test

import (
	"testing"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/emulator/embedded"
	"github.com/clbcheck/clbcheck/resources"
	"github.com/clbcheck/clbcheck/spec"
)

// The shards of a run are disjoint and together hold every case, in the same order.
func TestShardsPartitionTheCatalogue(t *testing.T) {
	tg, err := embedded.New(emulator.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	s := spec.MustDefault()
	fx := resources.NewFixtures(tg, s, nil, "shards")
	all := contracts.Prepare(s, fx, contracts.Options{Seed: 9, Random: 16})
	for _, n := range []int{2, 3, 4, 7} {
		seen := map[string]int{}
		for k := 1; k <= n; k++ {
			prev := -1
			for _, c := range contracts.Prepare(s, fx, contracts.Options{Seed: 9, Random: 16, ShardK: k, ShardN: n}) {
				if _, dup := seen[c.ID]; dup {
					t.Fatalf("shard %d/%d repeats %s", k, n, c.ID)
				}
				idx := -1
				for i := range all {
					if all[i].ID == c.ID {
						idx = i
						break
					}
				}
				if idx < 0 || idx%n != k-1 || idx <= prev {
					t.Fatalf("shard %d/%d holds %s at catalogue index %d", k, n, c.ID, idx)
				}
				prev = idx
				seen[c.ID] = k
			}
		}
		if len(seen) != len(all) {
			t.Fatalf("%d shards hold %d cases, the whole run %d", n, len(seen), len(all))
		}
	}
}
