package spec_test

import (
	"net/url"
	"testing"

	"github.com/clbcheck/clbcheck/referee"
	"github.com/clbcheck/clbcheck/spec"
)

// minimal is a request that breaks nothing.
func minimal() url.Values {
	return url.Values{
		spec.ParamLoadBalancerID:      {"lb-bp1o94dp5i6earr0000"},
		spec.ParamBandwidth:           {"-1"},
		spec.ParamListenerPort:        {"443"},
		spec.ParamBackendServerPort:   {"80"},
		spec.ParamHealthCheck:         {"off"},
		spec.ParamServerCertificateID: {"idkp-123-cn-test-0000"},
	}
}

// with returns the minimal request changed by pairs of name, value; a value of del deletes.
func with(kv ...string) url.Values {
	v := minimal()
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == del {
			v.Del(kv[i])
			continue
		}
		v.Set(kv[i], kv[i+1])
	}
	return v
}

const del = "\x00"

// breaks tells which constraint of p a value breaks, as the harness's referee (package
// referee, which judges with kin-openapi and reads the model only for data) sees it in the
// minimal request: "" for none. A list field is sent in the list's first entry.
func breaks(t *testing.T, p *spec.Parameter, value string) spec.Kind {
	t.Helper()
	s := spec.MustDefault()
	wire := p.Name
	v := minimal()
	if base, field, ok := cut(p.Path); ok {
		l := s.UnderTest.Param(base).List
		wire = l.WireName(l.FirstIndex, field)
		for _, f := range l.Fields {
			if f.Required && f.Name != field {
				v.Set(l.WireName(l.FirstIndex, f.Name), "x1")
			}
		}
	}
	v.Set(wire, value)
	for _, f := range referee.MustNew(s).Findings(v) {
		if f.Param == p.Path && !f.Open() {
			return f.Kind
		}
	}
	return ""
}

func cut(path string) (string, string, bool) {
	for i := range path {
		if path[i] == '.' {
			return path[:i], path[i+1:], true
		}
	}
	return "", "", false
}
