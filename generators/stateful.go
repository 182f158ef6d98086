package generators

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/commands"
	"github.com/leanovate/gopter/gen"

	"github.com/clbcheck/clbcheck/spec"
)

// StepResult is what one step of a lifecycle sequence saw: the decoded status, code and
// fields of the answer, or the error that kept an answer from arriving. (fuzz.Answer, by
// contrast, is a raw HTTP answer.)
type StepResult struct {
	Status int
	Code   string
	Fields map[string]any
	Err    error
	// ReadBack is the answer of the Describe a step sends right after its own call, when it
	// sends one (Start does, once it succeeded).
	ReadBack *StepResult
}

func (a StepResult) ok() bool {
	return a.Err == nil && a.Status >= 200 && a.Status < 300 && a.Code == ""
}

func (a StepResult) String() string {
	if a.Err != nil {
		return "error: " + a.Err.Error()
	}
	if a.ok() {
		return fmt.Sprintf("%d", a.Status)
	}
	return fmt.Sprintf("%d %s", a.Status, a.Code)
}

// Exec sends one operation with parameters (references allowed) and returns the answer.
type Exec func(action string, params []Param) StepResult

// Lifecycle is the system under test of a stateful sequence: an instance of its own.
type Lifecycle struct {
	Exec Exec
	// Present, when set, reads back a listener known to exist (its own call just succeeded),
	// allowing for a service whose reads lag its writes; nil: a Describe through Exec.
	Present Exec
	// OnLive, when set, sends a call on a listener this sequence created and has not deleted,
	// allowing for a service whose other operations, like its reads, see a new listener only
	// after a while; nil: Exec.
	OnLive Exec
	LB     string
	// live holds the ports whose listener this sequence created (a create answered success)
	// and has not deleted since: a Describe of one reads it back through Present.
	live map[string]bool
}

// mark records whether the listener on port exists after a call that succeeded.
func (l *Lifecycle) mark(port string, exists bool) {
	if l.live == nil {
		l.live = map[string]bool{}
	}
	l.live[port] = exists
}

// lifeModel is the expected state: each port's listener, "stopped" or "started".
type lifeModel struct {
	ports map[string]string
	prev  string // the port's state before the last command ("" when absent)
}

func (m lifeModel) with(port, st string) lifeModel {
	n := lifeModel{ports: map[string]string{}, prev: m.ports[port]}
	for k, v := range m.ports {
		n.ports[k] = v
	}
	if st == "" {
		delete(n.ports, port)
	} else {
		n.ports[port] = st
	}
	return n
}

// holding lists the ports, of ports and in their order, whose listener is in state st.
func (m lifeModel) holding(st string, ports []string) []string {
	var out []string
	for _, p := range ports {
		if m.ports[p] == st {
			out = append(out, p)
		}
	}
	return out
}

func (m lifeModel) String() string {
	var keys []string
	for k, v := range m.ports {
		keys = append(keys, k+"="+v)
	}
	sort.Strings(keys)
	return "{" + strings.Join(keys, " ") + "}"
}

// LifecycleCommands returns gopter commands that create, start, delete and describe listeners
// on a few ports of a fresh instance, with a model of what each answer must be: a create on a
// used port is refused with the port-conflict (or pending) code, a new listener reads back
// stopped, a started one starting or running, a deleted one is gone. newSUT provisions the
// instance; destroy removes it.
func LifecycleCommands(s *spec.Spec, ports []string, newSUT func() *Lifecycle, destroy func(*Lifecycle)) *commands.ProtoCommands {
	lc := lifecycleCommands{s: s, base: Base(s), conflict: map[string]bool{}}
	for _, st := range []spec.StateName{spec.StatePortInUse, spec.StateListenerPending} {
		if e, ok := s.StateError(st); ok {
			lc.conflict[e.Code] = true
		}
	}
	portGenOf := func(ports []string, f func(string) commands.Command) gopter.Gen {
		vals := make([]any, len(ports))
		for i, p := range ports {
			vals[i] = p
		}
		return gen.OneConstOf(vals...).Map(func(p string) commands.Command { return f(p) })
	}
	portGen := func(f func(string) commands.Command) gopter.Gen { return portGenOf(ports, f) }
	// A start goes to a stopped listener when there is one, so that sequences start listeners
	// (and read them back) often; with none, to any port (a start that must be refused).
	startGen := func(st commands.State) gopter.Gen {
		if stopped := st.(lifeModel).holding("stopped", ports); len(stopped) > 0 {
			return portGenOf(stopped, lc.start)
		}
		return portGen(lc.start)
	}
	return &commands.ProtoCommands{
		NewSystemUnderTestFunc: func(commands.State) commands.SystemUnderTest { return newSUT() },
		DestroySystemUnderTestFunc: func(sut commands.SystemUnderTest) {
			if l, ok := sut.(*Lifecycle); ok && destroy != nil {
				destroy(l)
			}
		},
		InitialStateGen: gen.Const(lifeModel{ports: map[string]string{}}),
		GenCommandFunc: func(st commands.State) gopter.Gen {
			return gen.Weighted([]gen.WeightedGen{
				{Weight: 4, Gen: portGen(lc.create)}, {Weight: 2, Gen: startGen(st)},
				{Weight: 3, Gen: portGen(lc.del)}, {Weight: 3, Gen: portGen(lc.describe)},
			})
		},
	}
}

// lifecycleCommands builds the commands of LifecycleCommands: the base request and the codes
// that mean a port conflict.
type lifecycleCommands struct {
	s        *spec.Spec
	base     []Param
	conflict map[string]bool
}

// onListener runs an operation on the listener of a port of the instance.
func onListener(action, port string) func(commands.SystemUnderTest) commands.Result {
	return func(sut commands.SystemUnderTest) commands.Result {
		l := sut.(*Lifecycle)
		send := l.Exec
		if l.OnLive != nil && l.live[port] {
			send = l.OnLive
		}
		return send(action, []Param{{Name: spec.ParamLoadBalancerID, Value: l.LB}, {Name: spec.ParamListenerPort, Value: port}})
	}
}

// readPresent reads back the listener on port, which a call just succeeded on.
func readPresent(l *Lifecycle, port string) StepResult {
	read := l.Exec
	if l.Present != nil {
		read = l.Present
	}
	return read(spec.ActionDescribeHTTPSListener, []Param{{Name: spec.ParamLoadBalancerID, Value: l.LB}, {Name: spec.ParamListenerPort, Value: port}})
}

// lifecyclePost turns a model check into a postcondition: an error or a 5xx answer always fails, and
// f says what else is wrong ("" for nothing).
func lifecyclePost(f func(m lifeModel, a StepResult) string) func(commands.State, commands.Result) *gopter.PropResult {
	return func(st commands.State, res commands.Result) *gopter.PropResult {
		a := res.(StepResult)
		if a.Err != nil || a.Status >= 500 {
			return lifecycleFalse(fmt.Sprintf("answer %s", a))
		}
		if msg := f(st.(lifeModel), a); msg != "" {
			return lifecycleFalse(fmt.Sprintf("%s (model %s)", msg, st.(lifeModel)))
		}
		return &gopter.PropResult{Status: gopter.PropTrue}
	}
}

// lifecycleFalse is a failed postcondition. gopter reports a false property's labels, not its
// error, so the message travels as a label too: the runner shows it beside the sequence.
func lifecycleFalse(msg string) *gopter.PropResult {
	return &gopter.PropResult{Status: gopter.PropFalse, Error: errors.New(msg), Labels: []string{msg}}
}

// create: a create on a free port succeeds and reads back stopped; one on a used port is
// refused with a port-conflict code.
func (lc lifecycleCommands) create(port string) commands.Command {
	return &commands.ProtoCommand{
		Name: "Create(" + port + ")",
		RunFunc: func(sut commands.SystemUnderTest) commands.Result {
			l := sut.(*Lifecycle)
			ps := with(with(lc.base, spec.ParamLoadBalancerID, l.LB), spec.ParamListenerPort, port)
			a := l.Exec(lc.s.UnderTest.Action, ps)
			if a.ok() {
				l.mark(port, true)
			}
			return a
		},
		NextStateFunc: func(st commands.State) commands.State {
			m := st.(lifeModel)
			if m.ports[port] != "" {
				return m.with(port, m.ports[port])
			}
			return m.with(port, "stopped")
		},
		PostConditionFunc: lifecyclePost(func(m lifeModel, a StepResult) string {
			if m.prev == "" && !a.ok() {
				return "a create on a free port was refused with " + a.String()
			}
			if m.prev != "" && (a.ok() || !lc.conflict[a.Code]) {
				return "a create on a used port answered " + a.String() + ", not a port conflict"
			}
			return ""
		}),
	}
}

// start: starting a stopped listener succeeds, and the listener then reads back starting or
// running at once (read right after the start, so that no sequence can start a listener without
// its status being looked at); starting a missing one does not succeed.
func (lc lifecycleCommands) start(port string) commands.Command {
	return &commands.ProtoCommand{
		Name: "Start(" + port + ")",
		RunFunc: func(sut commands.SystemUnderTest) commands.Result {
			a := onListener(spec.ActionStartListener, port)(sut).(StepResult)
			if a.ok() {
				rb := readPresent(sut.(*Lifecycle), port)
				a.ReadBack = &rb
			}
			return a
		},
		NextStateFunc: func(st commands.State) commands.State {
			m := st.(lifeModel)
			if m.ports[port] == "" {
				return m.with(port, "")
			}
			return m.with(port, "started")
		},
		PostConditionFunc: lifecyclePost(func(m lifeModel, a StepResult) string {
			if m.prev == "stopped" && !a.ok() {
				return "starting a stopped listener was refused with " + a.String()
			}
			if m.prev == "" && a.ok() {
				return "starting a listener that does not exist succeeded"
			}
			if m.prev != "" && a.ReadBack != nil {
				if msg := startedReadBack(*a.ReadBack); msg != "" {
					return "right after a start, " + msg
				}
			}
			return ""
		}),
	}
}

// startedReadBack says what is wrong with the Describe answer of a started listener ("" for
// nothing): it must exist and be starting or running.
func startedReadBack(a StepResult) string {
	status, _ := a.Fields[spec.FieldStatus].(string)
	if !a.ok() || (status != spec.StatusStarting && status != spec.StatusRunning) {
		return fmt.Sprintf("a started listener reads back %s %q", a, status)
	}
	return ""
}

// del: deleting an existing listener succeeds; deleting a missing one does not. A started
// listener is not deleted (the service may refuse while it starts).
func (lc lifecycleCommands) del(port string) commands.Command {
	return &commands.ProtoCommand{
		Name: "Delete(" + port + ")",
		RunFunc: func(sut commands.SystemUnderTest) commands.Result {
			a := onListener(spec.ActionDeleteListener, port)(sut).(StepResult)
			if a.ok() {
				sut.(*Lifecycle).mark(port, false)
			}
			return a
		},
		PreConditionFunc: func(st commands.State) bool { return st.(lifeModel).ports[port] != "started" },
		NextStateFunc:    func(st commands.State) commands.State { return st.(lifeModel).with(port, "") },
		PostConditionFunc: lifecyclePost(func(m lifeModel, a StepResult) string {
			if m.prev != "" && !a.ok() {
				return "deleting an existing listener was refused with " + a.String()
			}
			if m.prev == "" && a.ok() {
				return "deleting a listener that does not exist succeeded"
			}
			return ""
		}),
	}
}

// describe: a listener reads back as the model says (stopped, starting or running, or gone).
func (lc lifecycleCommands) describe(port string) commands.Command {
	return &commands.ProtoCommand{
		Name: "Describe(" + port + ")",
		RunFunc: func(sut commands.SystemUnderTest) commands.Result {
			if l := sut.(*Lifecycle); l.live[port] {
				return readPresent(l, port)
			}
			return onListener(spec.ActionDescribeHTTPSListener, port)(sut)
		},
		NextStateFunc: func(st commands.State) commands.State { m := st.(lifeModel); return m.with(port, m.ports[port]) },
		PostConditionFunc: lifecyclePost(func(m lifeModel, a StepResult) string {
			status, _ := a.Fields[spec.FieldStatus].(string)
			switch m.prev {
			case "":
				if a.ok() {
					return "a listener that should not exist reads back " + status
				}
			case "stopped":
				if !a.ok() || status != spec.StatusStopped {
					return fmt.Sprintf("a stopped listener reads back %s %q", a, status)
				}
			case "started":
				return startedReadBack(a)
			}
			return ""
		}),
	}
}
