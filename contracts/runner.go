package contracts

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/resources"
	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// Version of the tool, shown in reports.
var Version = "0.1.0"

type discard struct{}

func (discard) Begin(Meta) error { return nil }

func (discard) Case(CaseResult) error { return nil }

func (discard) End(Summary, Coverage) error { return nil }

type runner struct {
	s    *spec.Spec
	t    target.Target
	fx   *resources.Fixtures
	opts Options
	sent *target.Counted // every request of the run, for the request budget
	// judges are the enabled checks judged from the answer, in registry order, looked up once
	// per run.
	judges []judge
	port   atomic.Int64
	// leftBehind holds the ports whose listener a case could not delete (nextPort).
	leftBehind sync.Map
	// early holds the first uses of the late replays' nonces (early.go).
	early earlyCopies
	// ids remembers the RequestIds of the answers judged last (requestids.go).
	ids  recentIDs
	uniq atomic.Int64
	// listing says whether listings of listener ports can confirm refusals (refusals.go).
	listing atomic.Int32
	// inProcess is set when the target has no network address a curl line could reach.
	inProcess bool
	// visible bounds the wait for a created listener to show in Describe (visibility.go).
	visible visibility
}

// judge is an enabled answer check and its configuration.
type judge struct {
	f   checkFunc
	cfg CheckConfig
}

type caseOutcome struct {
	CaseResult
	unreachable bool
	err         error
	// refused is set when the case still waits for its no-state-change check, on this
	// listener; resp is the judged answer, for the reproduction lines.
	refused *resources.ListenerKey
	resp    *target.Response
}

// nextPort hands out listener ports for cases, cycling through a high range. A long run
// comes round to ports it used before: a port whose listener could not be removed (left to
// the final cleanup) is not handed out again, else the next case on it finds a listener there.
func (r *runner) nextPort() string {
	for {
		p := r.port.Add(1)
		if p > 65000 {
			r.port.CompareAndSwap(p, 20000)
			continue
		}
		port := strconv.FormatInt(p, 10)
		if _, taken := r.leftBehind.Load(port); !taken {
			return port
		}
	}
}

type caseEnv struct {
	binds map[string]string
	port  string
}

func (r *runner) resolve(ctx context.Context, env *caseEnv, ref string) (string, error) {
	var parts []string
	for _, one := range generators.SplitRef(ref) {
		switch {
		case one == spec.SlotPort:
			parts = append(parts, env.port)
		case strings.HasPrefix(one, spec.SlotLocalPrefix):
			v, ok := env.binds[one]
			if !ok {
				return "", fmt.Errorf("setup did not produce %s", one)
			}
			parts = append(parts, v)
		default:
			v, err := r.fx.Resolve(ctx, one)
			if err != nil {
				return "", err
			}
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, ","), nil
}

func (r *runner) kvs(ctx context.Context, env *caseEnv, ps []generators.Param) ([]target.KV, error) {
	out := make([]target.KV, 0, len(ps))
	for _, p := range ps {
		v := p.Value
		if p.Ref != "" {
			var err error
			if v, err = r.resolve(ctx, env, p.Ref); err != nil {
				return nil, err
			}
		}
		if strings.Contains(v, generators.Unique) {
			v = strings.ReplaceAll(v, generators.Unique, fmt.Sprintf("%s%d", r.opts.RunID, r.uniq.Add(1)))
		}
		out = append(out, target.KV{Name: p.Name, Value: v, Raw: p.Raw})
	}
	return out, nil
}

func (r *runner) send(ctx context.Context, req target.Request) (*target.Response, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	countRequest(ctx)
	return r.t.Send(ctx, req)
}

// overBudget reports whether the request budget (Options.MaxRequests) is used up.
func (r *runner) overBudget() bool {
	return r.opts.MaxRequests > 0 && r.sent.Count() >= int64(r.opts.MaxRequests)
}

func (r *runner) describe(ctx context.Context, l resources.ListenerKey) (*target.Response, error) {
	return r.send(ctx, target.Request{Action: spec.ActionDescribeHTTPSListener, Params: l.Params(), Principal: l.Principal})
}

func (r *runner) deleteListener(ctx context.Context, l resources.ListenerKey) {
	resp, err := r.send(ctx, target.Request{Action: spec.ActionDeleteListener, Params: l.Params(), Principal: l.Principal})
	if err != nil || !resp.Success() {
		// Leave it to the final cleanup, which deletes the instances.
		r.fx.Remember(spec.ActionDeleteListener, l.Params())
		r.leftBehind.Store(l.Port, true)
	}
}

func (r *runner) enabled(name string) bool { return r.opts.Checks[name].Enabled }

func (r *runner) severity(cr CheckResult, cfg CheckConfig) CheckResult {
	cr.Severity = cfg.Severity
	if cr.Verdict == Fail && cfg.Severity == SeverityWarning {
		cr.Verdict = Warn
	}
	return cr
}

// requestCountKey carries, in a context, a counter of the requests sent on its behalf.
type requestCountKey struct{}

func withRequestCount(ctx context.Context, n *atomic.Int64) context.Context {
	return context.WithValue(ctx, requestCountKey{}, n)
}

func countRequest(ctx context.Context) {
	if n, ok := ctx.Value(requestCountKey{}).(*atomic.Int64); ok {
		n.Add(1)
	}
}
