package fuzz

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/clbcheck/clbcheck/spec"
)

// authStates are the gateway states that mean "your signature or its companions are wrong".
// A request FuzzWire signed after decoding must never meet one of them.
var authStates = []spec.GatewayState{spec.GatewayBadSignature, spec.GatewayMissingSignature, spec.GatewayStaleTimestamp, spec.GatewayNonceReplayed, spec.GatewayUnknownAccessKey}

func authCodes(s *spec.Spec) map[string]bool {
	out := map[string]bool{}
	for _, st := range authStates {
		if ec, ok := s.GatewayError(st); ok {
			out[ec.Code] = true
		}
	}
	return out
}

var (
	externalOnce  sync.Once
	externalWorld *World
	externalErr   error
)

// FuzzWire sends raw requests (method, query, body, content type) to the emulator. With
// signed false the emulator runs without signature checks (the business-logic variant); with
// signed true the input is decoded, signed with V1 and re-encoded, so that it passes
// authentication and reaches validation and the state. Either way: no panic, no 5xx, a
// documented code with its status, a RequestId and string error fields; a refused request
// leaves the state as it was, and after a success the read operations still render the
// account's resources as proper JSON and XML. With CLBCHECK_FUZZ_TARGET set, the same inputs go to
// that server instead (see doc.go).
func FuzzWire(f *testing.F) {
	s := spec.MustDefault()
	ext, err := ExternalFromEnv()
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range wireSeeds() {
		f.Add(seed.Method, seed.Query, seed.Body, seed.ContentType, false)
		f.Add(seed.Method, seed.Query, seed.Body, seed.ContentType, true)
	}
	auth := authCodes(s)
	f.Fuzz(func(t *testing.T, method, query, body, contentType string, signed bool) {
		profileWorker()
		x := Wire{Method: method, Query: query, Body: body, ContentType: contentType}
		var w *World
		if ext != nil {
			externalOnce.Do(func() { externalWorld, externalErr = NewExternalWorld(ext.URL, ext.Credentials, nil) })
			if externalErr != nil {
				t.Fatalf("cannot provision the fixtures on %s: %v", ext.URL, externalErr)
			}
			w = externalWorld
			if !validMethod(method) {
				return // net/http refuses to send it; nothing reaches the server
			}
			if x.Method == "" {
				x.Method = http.MethodGet // what net/http sends, so what must be signed
			}
		} else {
			var err error
			if w, err = cachedWorld(signed); err != nil {
				t.Fatal(err)
			}
		}
		var msg string
		var after []byte
		if w.Emu != nil {
			msg, after = checkWireFrom(s, w, x, signed, auth, worlds[boolIndex(signed)].pristine)
		} else {
			msg, after = checkWire(s, w, x, signed, auth)
		}
		if w.Emu != nil {
			releaseWorld(signed, after)
		}
		if msg != "" {
			t.Fatal(msg)
		}
	})
}

// An in-process world is reused by the next input as long as its state is exactly the one it
// was provisioned with (most inputs are refused and change nothing); otherwise it is dropped
// and the next input gets a fresh one. Either way an input meets the same state, which keeps
// the fuzzer's findings reproducible. Fuzz functions run one at a time in a process.
var worlds [2]struct {
	w        *World
	pristine []byte
	// listeners are those of pristine (listenersOf), read once per world, not per undo.
	listeners map[string]bool
}

func cachedWorld(signed bool) (*World, error) {
	c := &worlds[boolIndex(signed)]
	if c.w == nil {
		rebuilds++
		w, err := NewInProcessWorld(!signed)
		if err != nil {
			return nil, err
		}
		c.w, c.pristine = w, w.Snapshot()
		c.listeners = listenersOf(c.pristine)
	}
	return c.w, nil
}

func releaseWorld(signed bool, after []byte) {
	c := &worlds[boolIndex(signed)]
	if undoListenersOn && after != nil && !bytes.Equal(after, c.pristine) && undoListeners(c.w, c.listeners, after) {
		after = c.w.Snapshot()
	}
	if after == nil || !bytes.Equal(after, c.pristine) {
		c.w, c.pristine, c.listeners = nil, nil, nil
	}
}

// undoListeners deletes, with the primary key, the listeners that after holds and old (the
// listeners of the pristine state) does not (what most successful inputs create), so that a
// world can be kept instead of built again, which costs a millisecond. It reports whether it deleted any; the caller keeps the
// world only if its state is then byte for byte the pristine one, so an undo that leaves any
// trace (another account's listener, a changed counter) just means a fresh world.
func undoListeners(w *World, old map[string]bool, after []byte) bool {
	now := listenersOf(after)
	if old == nil || now == nil {
		return false
	}
	undone := false
	for key := range now {
		if old[key] {
			continue
		}
		lb, port, _ := strings.Cut(key, " ")
		r, err := w.Call(w.primary, spec.ActionDeleteListener, url.Values{spec.ParamLoadBalancerID: {lb}, spec.ParamListenerPort: {port}})
		if err != nil || !r.Success() {
			return false
		}
		undone = true
	}
	return undone
}

// listenersOf lists the listeners of a snapshot as "instance-id port" (nil when it does not
// decode).
func listenersOf(snapshot []byte) map[string]bool {
	var st struct {
		Accounts map[string]struct {
			Regions map[string]struct {
				LoadBalancers map[string]struct {
					Listeners map[string]json.RawMessage `json:"listeners"`
				} `json:"loadBalancers"`
			} `json:"regions"`
		} `json:"accounts"`
	}
	if json.Unmarshal(snapshot, &st) != nil {
		return nil
	}
	out := map[string]bool{}
	for _, a := range st.Accounts {
		for _, r := range a.Regions {
			for id, lb := range r.LoadBalancers {
				for port := range lb.Listeners {
					out[id+" "+port] = true
				}
			}
		}
	}
	return out
}

func boolIndex(b bool) int {
	if b {
		return 1
	}
	return 0
}

// checkWire sends one request and returns what went wrong ("" when nothing did), with the
// state after the request (in-process worlds only).
func checkWire(s *spec.Spec, w *World, x Wire, signed bool, auth map[string]bool) (string, []byte) {
	return checkWireFrom(s, w, x, signed, auth, nil)
}

// checkWireFrom is checkWire given the state of an in-process world before the request when
// the caller knows it (a cached world is kept only while its state is the pristine one), which
// saves a snapshot per input; nil takes one.
func checkWireFrom(s *spec.Spec, w *World, x Wire, signed bool, auth map[string]bool, before []byte) (string, []byte) {
	x = x.Expand(w.Replacer)
	signedOK := false
	if signed {
		x, signedOK = w.Sign(x)
	}
	countBefore := -1
	if w.Emu != nil {
		if before == nil {
			before = w.Snapshot()
		}
	} else if n, err := w.ListenerCount(); err == nil {
		countBefore = n
	}
	a, err := w.Send(x)
	if errors.Is(err, errUnsendable) {
		return "", nil
	}
	if err != nil {
		return "no answer: " + err.Error() + "\n" + describeWire(x), nil
	}
	r := decodeAnswer(a)
	problems := responseProblems(s, RequestAction(s, x), r)
	status, code := responseCode(r)
	if signedOK && auth[code] {
		problems = append(problems, "a request signed correctly after decoding was refused with "+code)
	}
	var after []byte
	if w.Emu != nil {
		after = w.Snapshot()
	}
	if status >= 200 && status < 300 {
		problems = append(problems, w.ReadBack()...)
	} else {
		if w.Emu != nil {
			if !bytes.Equal(before, after) {
				problems = append(problems, "a refused request ("+code+") changed the state:\n"+diffAt(before, after))
			}
		} else if countBefore >= 0 {
			if n, err := w.ListenerCount(); err == nil && n != countBefore {
				problems = append(problems, "a refused request ("+code+") changed the number of listeners of the fixture instance")
			}
		}
	}
	if len(problems) == 0 {
		return "", after
	}
	return strings.Join(problems, "\n") + "\n" + describeWire(x) + "\nanswer: " + clip(a.Body, 600), after
}

func describeWire(x Wire) string {
	return "request: " + x.Method + " /?" + x.Query + "\nbody (" + x.ContentType + "): " + x.Body
}

// validMethod is net/http's rule for a method it will send: a non-empty token.
func validMethod(m string) bool {
	if m == "" {
		return true // the client sends GET
	}
	_, err := http.NewRequest(m, "http://127.0.0.1/", nil)
	return err == nil
}
