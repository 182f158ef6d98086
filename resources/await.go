package resources

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/clbcheck/clbcheck/spec"
	"github.com/clbcheck/clbcheck/target"
)

// ListenerKey names one listener.
type ListenerKey struct {
	LoadBalancerID string
	Port           string
	Region         string
	Principal      string
}

// ListenerOf names the listener a request's parameters address, as principal.
func ListenerOf(kvs []target.KV, principal string) ListenerKey {
	return ListenerKey{LoadBalancerID: target.Value(kvs, spec.ParamLoadBalancerID), Port: target.Value(kvs, spec.ParamListenerPort),
		Region: target.Value(kvs, spec.ParamRegionID), Principal: principal}
}

// Params are the parameters that name the listener in Describe, Start, Stop and Delete.
func (k ListenerKey) Params() []target.KV {
	return slices.Insert(k.LoadBalancerParams(), 1, target.KV{Name: spec.ParamListenerPort, Value: k.Port})
}

// LoadBalancerParams are the parameters that name the listener's load balancer
// (DescribeLoadBalancerAttribute).
func (k ListenerKey) LoadBalancerParams() []target.KV {
	ps := make([]target.KV, 1, 3)
	ps[0] = target.KV{Name: spec.ParamLoadBalancerID, Value: k.LoadBalancerID}
	if k.Region != "" {
		ps = append(ps, target.KV{Name: spec.ParamRegionID, Value: k.Region})
	}
	return ps
}

// VisibleWithin is how long a created listener may take to show in reads. The page says
// nothing of when a new listener becomes visible, and services whose reads lag their writes
// are common, so a read-back that finds nothing reads again for this long before it fails
// (clbcheck run's read-backs, sdk-check's).
const VisibleWithin = 3 * time.Second

// AwaitListener reads a listener back until done accepts its answer or timeout passes, pausing
// interval between reads (a listener's status changes asynchronously on the real service:
// starting becomes running, a pending configuration settles). It returns the last answer; the
// error says the time ran out or the context ended.
func AwaitListener(ctx context.Context, t target.Target, k ListenerKey, done func(*target.Response) bool, timeout, interval time.Duration) (*target.Response, error) {
	if interval <= 0 {
		interval = 500 * time.Millisecond
	}
	deadline := time.Now().Add(timeout)
	for {
		resp, err := t.Send(ctx, target.Request{Action: spec.ActionDescribeHTTPSListener, Params: k.Params(), Principal: k.Principal})
		if err != nil {
			return nil, err
		}
		if done(resp) {
			return resp, nil
		}
		if time.Now().Add(interval).After(deadline) {
			status, _ := resp.Fields[spec.FieldStatus].(string)
			return resp, fmt.Errorf("listener %s:%s still %q after %s", k.LoadBalancerID, k.Port, status, timeout)
		}
		if err := target.Sleep(ctx, interval); err != nil {
			return resp, err
		}
	}
}

// Settled reports whether a Describe answer shows no change in progress: a listener that is
// not starting, configuring or stopping, an answer without a status, or no listener at all.
func Settled(resp *target.Response) bool {
	if !resp.Success() {
		return true
	}
	switch status, _ := resp.Fields[spec.FieldStatus].(string); status {
	case spec.StatusStarting, spec.StatusConfiguring, spec.StatusStopping:
		return false
	}
	return true
}
