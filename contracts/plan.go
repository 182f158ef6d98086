package contracts

import (
	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/resources"
	"github.com/clbcheck/clbcheck/spec"
)

// plan is the list of cases a run executes, in order: the enumerated cases, held whole (a few
// hundred, drawn once per process), then the random cases, drawn by index as the run takes
// them (generators.RandomCase), so that a run's memory does not grow with Options.Random.
type plan struct {
	s     *spec.Spec
	seed  int64
	fixed []generators.Case
	// random lists, with a filter, the indexes of the random cases it keeps; without one,
	// the random cases are the indexes of the shard from 0 to randomN-1, in order.
	random   []int
	filtered bool
	randomN  int // random cases of the whole catalogue
	shardOff int // catalogue position of random case 0 (the number of enumerated cases)
	shardK   int
	shardN   int
	size     int // cases in the plan
	// firstRound is how many of the plan's cases belong to the catalogue's first round
	// (generators.FirstRound): a one-worker run starts the lifecycle sequences after them.
	firstRound int
}

// newPlan selects the cases of a run: its shard, its filter and at most MaxCases of them. A
// case's position in the catalogue decides its shard: enumerated cases first, then random
// case i at the number of enumerated cases plus i. With a filter, every random case is drawn
// once here to be judged by it, and only the indexes kept are remembered.
func newPlan(s *spec.Spec, fx *resources.Fixtures, opts Options) *plan {
	generators.WarmUp(s)
	all := generators.EnumerateCached(s, fx.Options())
	n := opts.Random
	if n == 0 {
		n = DefaultRandom
	}
	p := &plan{s: s, seed: opts.Seed, randomN: max(n, 0), shardOff: len(all), shardK: opts.ShardK, shardN: max(opts.ShardN, 1)}
	p.fixed = make([]generators.Case, 0, len(all)/p.shardN+1)
	first := generators.FirstRound(all)
	for i, c := range all {
		if p.inShard(i) && (opts.Filter == nil || opts.Filter(c)) {
			p.fixed = append(p.fixed, c)
			if i < first {
				p.firstRound++
			}
		}
	}
	limit := len(p.fixed) + p.shardCount()
	if opts.Filter != nil {
		p.filtered = true
		for i := 0; i < p.randomN && (opts.MaxCases <= 0 || len(p.fixed)+len(p.random) < opts.MaxCases); i++ {
			if !p.inShard(p.shardOff + i) {
				continue
			}
			if c, ok := generators.RandomCase(s, p.seed, i); ok && opts.Filter(c) {
				p.random = append(p.random, i)
			}
		}
		limit = len(p.fixed) + len(p.random)
	}
	if opts.MaxCases > 0 && limit > opts.MaxCases {
		limit = opts.MaxCases
	}
	p.size = limit
	if len(p.fixed) > limit {
		p.fixed = p.fixed[:limit]
	}
	p.firstRound = min(p.firstRound, limit)
	return p
}

func (p *plan) inShard(pos int) bool { return p.shardN <= 1 || pos%p.shardN == p.shardK-1 }

// shardCount is the number of random cases in the shard.
func (p *plan) shardCount() int {
	if p.shardN <= 1 {
		return p.randomN
	}
	n := 0
	for i := 0; i < p.randomN; i++ {
		if p.inShard(p.shardOff + i) {
			n++
		}
	}
	return n
}

// len is the number of cases in the plan.
func (p *plan) len() int { return p.size }

// randomIndex is the index (random/SEED/I) of the plan's k-th random case.
func (p *plan) randomIndex(k int) int {
	switch {
	case p.filtered:
		return p.random[k]
	case p.shardN <= 1:
		return k
	}
	// The positions of a shard are K-1, K-1+N, ...: the k-th one in the shard at or after
	// shardOff.
	first := p.shardOff + ((p.shardK-1-p.shardOff)%p.shardN+p.shardN)%p.shardN
	return first + k*p.shardN - p.shardOff
}

// at returns the plan's case i, drawing it when it is random. ok is false when the generator
// drew nothing for that index; id then names the case it would have been.
func (p *plan) at(i int) (c generators.Case, id string, ok bool) {
	if i < len(p.fixed) {
		return p.fixed[i], p.fixed[i].ID, true
	}
	k := p.randomIndex(i - len(p.fixed))
	c, ok = generators.RandomCase(p.s, p.seed, k)
	return c, generators.RandomCaseID(p.seed, k), ok
}

// all draws every case of the plan (Prepare).
func (p *plan) all() []generators.Case {
	out := make([]generators.Case, 0, p.len())
	for i := 0; i < p.len(); i++ {
		if c, _, ok := p.at(i); ok {
			out = append(out, c)
		}
	}
	return out
}
