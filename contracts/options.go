package contracts

import (
	"time"

	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/resources"
	"github.com/clbcheck/clbcheck/spec"
)

// Options configure a run. The zero value runs every case with every check under the
// documented profile, four workers, no budget.
type Options struct {
	Profile   string        // ProfileStrict or ProfileDocumented (default)
	Seed      int64         // seed of random cases; 0 picks one (printed in the summary)
	MaxCases  int           // stop after this many cases (0: all)
	Budget    time.Duration // stop starting cases after this long (0: none)
	Workers   int           // cases in flight at once (default 4)
	RateLimit float64       // requests per second across workers (0: unlimited)
	// MaxRequests stops starting cases once this many requests were sent (0: no limit). Cases
	// already running finish, so a run may pass it by a few requests; clean-up is not counted.
	MaxRequests int
	Random      int // random (gopter) cases added to the catalogue (default 64; -1: none)
	Sequences   int // gopter command sequences of the listener lifecycle (default 10; -1: none)
	Checks      map[string]CheckConfig
	Overrides   *Overrides
	Fixtures    *resources.FixtureFile
	Reporter    Reporter
	// Filter keeps only the cases it returns true for.
	Filter func(generators.Case) bool
	// Shard K of N (1-based): run only every case whose index mod N is K-1.
	ShardK, ShardN int
	// Progress, when set, is called after each case from one goroutine.
	Progress func(p Progress)
	// ReportPath is named in reproduction commands (clbcheck replay PATH#CASE).
	ReportPath string
	// ReplayArgs name the run's target on a reproduction's `clbcheck replay` line, e.g.
	// "--target http://127.0.0.1:8080"; empty replays against a fresh embedded emulator.
	ReplayArgs string
	// Rerun is the command line that runs this run's cases again (shown in reports); RerunCases
	// is the one a case's reproduction adds --include and its id to. Empty: no rerun lines.
	Rerun, RerunCases string
	// MaxFailures stops starting cases once this many have failed (0: no limit).
	MaxFailures int
	// RunID tags created resources; default random.
	RunID string
	// RefusalBatch is how many refused cases a worker confirms with one listing of their load
	// balancer's listeners (see DefaultRefusalBatch); 1 reads each refused case's port back
	// right after it. Negative values mean 1.
	RefusalBatch int
	// SoftBudget makes Budget and MaxRequests soft limits: a run they cut short reports how
	// many cases did not run but is not StatusIncomplete.
	SoftBudget bool
	// TransientLimit is the share of exchanges, in percent, that may meet transient target
	// trouble before the run is StatusTransient (0: DefaultTransientLimit; negative: no limit).
	TransientLimit float64
	// KeepResources skips the final cleanup (debugging only).
	KeepResources bool
	// Now is the clock (tests).
	Now func() time.Time
}

// Defaults of Options.Random and Options.Sequences.
const (
	DefaultRandom    = 64 // random (gopter) cases added to the catalogue
	DefaultSequences = 10 // gopter command sequences of the listener lifecycle
)

// Progress is reported after each case.
type Progress struct {
	Done, Total, Failed, Skipped, Warnings int
	// Retries counts the requests repeated so far because of transient target trouble.
	Retries int
	Elapsed time.Duration
	Last    string
}

// Prepare returns the cases a run with these options would execute, in order. A run itself
// draws its random cases as it goes (plan.go); Prepare draws them all at once.
func Prepare(s *spec.Spec, fx *resources.Fixtures, opts Options) []generators.Case {
	return newPlan(s, fx, opts).all()
}

// PlannedSequences is how many lifecycle sequences a run with these options and this many
// prepared cases runs (0: none). They report as one result, which counts against MaxCases:
// they run only when the catalogue left room.
func PlannedSequences(opts Options, cases int) int {
	n := opts.Sequences
	switch {
	case n < 0, opts.ShardK > 1, opts.MaxCases > 0 && cases >= opts.MaxCases:
		return 0
	case opts.Filter != nil && !opts.Filter(generators.Case{ID: SequencesID, Category: generators.Stateful}):
		return 0
	case n == 0:
		return DefaultSequences
	}
	return n
}
