package emulator

import (
	"bytes"
	"strconv"
	"testing"

	"github.com/clbcheck/clbcheck/spec"
)

// listenerViewByMap is listenerView as first written: a map of every field, sorted at the end.
func (e *Emulator) listenerViewByMap(l *listener) orderedMap {
	op := e.spec.UnderTest
	out := map[string]any{}
	for name, v := range l.Attributes {
		if p := op.Param(name); p != nil && p.IsInteger() {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				out[name] = n
				continue
			}
		}
		out[name] = v
	}
	out[spec.ParamListenerPort] = l.Port
	out["AclIds"] = map[string]any{spec.ParamACLID: append([]string{}, l.ACLIDs...)}
	certs := []any{}
	for _, c := range l.Certificates {
		certs = append(certs, map[string]any{spec.FieldCertificateID: c.CertificateID, spec.FieldBindingType: c.BindingType, spec.FieldStandardType: c.StandardType})
	}
	out["ServerCertificates"] = map[string]any{spec.ParamServerCertificate: certs}
	tags := []any{}
	for _, t := range l.Tags {
		tags = append(tags, map[string]any{"TagKey": t.Key, "TagValue": t.Value})
	}
	out["Tags"] = map[string]any{spec.ParamTag: tags}
	out["Rules"] = map[string]any{"Rule": []any{}}
	out["DomainExtensions"] = map[string]any{"DomainExtension": []any{}}
	out[spec.FieldServiceManagedMode] = unmanaged
	if _, ok := out[spec.ParamBackendProtocol]; !ok {
		out[spec.ParamBackendProtocol] = defaultBackendProtocol
	}
	return sortedFields(out)
}

// rendered is an answer's fields as JSON and as XML.
func rendered(t *testing.T, m orderedMap) string {
	var b bytes.Buffer
	if err := m.appendJSON(&b); err != nil {
		t.Fatal(err)
	}
	writeXML(&b, "View", m)
	return b.String()
}

func TestListenerViewMatchesMap(t *testing.T) {
	e := MustNew(DefaultConfig())
	for _, attrs := range []map[string]string{
		{},
		{spec.ParamListenerPort: "443", spec.ParamBandwidth: "-1", spec.ParamScheduler: "wrr"},
		{spec.ParamBandwidth: "not a number", spec.ParamDescription: "d"},
		// Names the description does not have, as a state file of another version may hold.
		{"Tags": "stored", "Aaa": "1", "Zzz": "2", spec.ParamBandwidth: "5", spec.ParamTag: "x"},
	} {
		l := &listener{Port: 443, Attributes: attrs, ACLIDs: []string{"acl-1"},
			Certificates: []certRef{{CertificateID: "c", BindingType: "Server"}}, Tags: []tag{{Key: "k", Value: "v"}}}
		if got, want := rendered(t, e.listenerView(l)), rendered(t, e.listenerViewByMap(l)); got != want {
			t.Errorf("%v:\ngot  %s\nwant %s", attrs, got, want)
		}
	}
}
