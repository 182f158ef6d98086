package spec_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/clbcheck/clbcheck/spec"
)

// The stable load error codes are part of the package's contract: callers match on them.
func TestLoadErrorCodesAreStable(t *testing.T) {
	assert.Equal(t, spec.LoadErrorCode("spec.parse"), spec.ErrCodeParse)
	assert.Equal(t, spec.LoadErrorCode("spec.invalid-document"), spec.ErrCodeInvalidDocument)
	assert.Equal(t, spec.LoadErrorCode("spec.bad-extension"), spec.ErrCodeBadExtension)
	assert.Equal(t, spec.LoadErrorCode("spec.unknown-reference"), spec.ErrCodeUnknownName)
	assert.Equal(t, spec.LoadErrorCode("spec.missing-name"), spec.ErrCodeMissingName)
	assert.Equal(t, spec.LoadErrorCode("spec.no-operation"), spec.ErrCodeNoOperation)
}

func TestDefaultLoadsAndIsCached(t *testing.T) {
	a, err := spec.Default()
	require.NoError(t, err)
	b, err := spec.Default()
	require.NoError(t, err)
	assert.Same(t, a, b, "Default caches the model")
	assert.Same(t, a, spec.MustDefault())
	assert.NotNil(t, a.Doc())
	assert.Equal(t, "2014-05-15", a.APIVersion)

	doc := spec.Document()
	require.NotEmpty(t, doc)
	doc[0] = '#'
	assert.NotEqual(t, byte('#'), spec.Document()[0], "Document returns a copy")

	onDisk, err := os.ReadFile("openapi.yaml")
	require.NoError(t, err)
	assert.Equal(t, onDisk, spec.Document(), "the embedded document is openapi.yaml")
}

// mutated returns the embedded description after edit has changed its decoded form.
func mutated(t *testing.T, edit func(doc map[string]any)) []byte {
	t.Helper()
	var doc map[string]any
	require.NoError(t, yaml.Unmarshal(spec.Document(), &doc))
	edit(doc)
	out, err := yaml.Marshal(doc)
	require.NoError(t, err)
	return out
}

// at walks a decoded document by map keys.
func at(t *testing.T, doc map[string]any, keys ...string) map[string]any {
	t.Helper()
	cur := doc
	for _, k := range keys {
		next, ok := cur[k].(map[string]any)
		require.True(t, ok, "no map at %s", strings.Join(keys, "."))
		cur = next
	}
	return cur
}

// findEntry returns the element of a list extension whose key field has the given value.
func findEntry(t *testing.T, doc map[string]any, ext, key, value string) map[string]any {
	t.Helper()
	list, ok := doc[ext].([]any)
	require.True(t, ok, "%s is a list", ext)
	for _, e := range list {
		if m, ok := e.(map[string]any); ok && m[key] == value {
			return m
		}
	}
	require.Failf(t, "entry not found", "%s has no entry with %s=%s", ext, key, value)
	return nil
}

func TestParseRoundTripControl(t *testing.T) {
	// The mutation helper re-encodes the document; unchanged, the result must still load, so
	// each failure below is caused by its edit alone.
	s, err := spec.Parse(mutated(t, func(map[string]any) {}))
	require.NoError(t, err)
	assert.Equal(t, spec.ActionCreateHTTPSListener, s.UnderTest.Action)
	def := spec.MustDefault()
	assert.Equal(t, len(def.Errors), len(s.Errors))
	assert.Equal(t, len(def.Rules), len(s.Rules))
	assert.Equal(t, len(def.UnderTest.Parameters), len(s.UnderTest.Parameters))
}

func TestParseRefusesBrokenDocuments(t *testing.T) {
	cases := []struct {
		name  string
		raw   []byte                               // the document as given, unless edit is set
		edit  func(t *testing.T, d map[string]any) // spoils a copy of the default description
		code  spec.LoadErrorCode
		where string // a substring of LoadError.Where, when the loader names a place
	}{
		{
			name: "not YAML",
			raw:  []byte("openapi: [3.0.3\n  info: {{{\n\t- :"),
			code: spec.ErrCodeParse,
		},
		{
			name: "empty input",
			raw:  nil,
			code: spec.ErrCodeInvalidDocument,
		},
		{
			name: "a YAML list, not an OpenAPI object",
			raw:  []byte("- a\n- b\n"),
			code: spec.ErrCodeParse,
		},
		{
			name: "invalid OpenAPI: parameter in an unknown place",
			edit: func(t *testing.T, d map[string]any) {
				at(t, d, "components", "parameters", "ListenerPort")["in"] = "nowhere"
			},
			code: spec.ErrCodeInvalidDocument,
		},
		{
			name: "invalid OpenAPI: no info",
			edit: func(t *testing.T, d map[string]any) { delete(d, "info") },
			code: spec.ErrCodeInvalidDocument,
		},
		{
			name: "x-rules names an unknown parameter",
			edit: func(t *testing.T, d map[string]any) {
				d["x-rules"] = append(d["x-rules"].([]any), map[string]any{
					"id": "ghost-rule", "kind": "requires", "description": "names a parameter that does not exist",
					"basis": "inferred", "when": []any{map[string]any{"param": "NoSuchParameter", "equals": "on"}},
					"require": []any{"HealthCheck"},
				})
			},
			code:  spec.ErrCodeUnknownName,
			where: "x-rules.ghost-rule",
		},
		{
			name: "x-rules requires an unknown parameter",
			edit: func(t *testing.T, d map[string]any) {
				findEntry(t, d, "x-rules", "id", "acl-type-required")["require"] = []any{"AclKind"}
			},
			code:  spec.ErrCodeUnknownName,
			where: "x-rules.acl-type-required",
		},
		{
			name: "x-rules unique-value names an unknown list field",
			edit: func(t *testing.T, d map[string]any) {
				findEntry(t, d, "x-rules", "id", "one-server-binding")["field"] = "Binding"
			},
			code:  spec.ErrCodeUnknownName,
			where: "x-rules.one-server-binding",
		},
		{
			name: "x-rules unique-value without a list",
			edit: func(t *testing.T, d map[string]any) {
				delete(findEntry(t, d, "x-rules", "id", "one-server-binding"), "list")
			},
			code:  spec.ErrCodeUnknownName,
			where: "x-rules.one-server-binding",
		},
		{
			name: "x-rules unique-value on a scalar parameter",
			edit: func(t *testing.T, d map[string]any) {
				findEntry(t, d, "x-rules", "id", "one-server-binding")["list"] = "ServerCertificateId"
			},
			code:  spec.ErrCodeUnknownName,
			where: "x-rules.one-server-binding",
		},
		{
			name: "x-rules requires rule that requires nothing",
			edit: func(t *testing.T, d map[string]any) {
				delete(findEntry(t, d, "x-rules", "id", "acl-id-required"), "require")
			},
			code:  spec.ErrCodeBadExtension,
			where: "x-rules.acl-id-required",
		},
		{
			name: "x-rules one-of rule with a single parameter",
			edit: func(t *testing.T, d map[string]any) {
				findEntry(t, d, "x-rules", "id", "server-certificate-required")["params"] = []any{"ServerCertificateId"}
			},
			code:  spec.ErrCodeBadExtension,
			where: "x-rules.server-certificate-required",
		},
		{
			name: "x-rules entry of an unknown kind",
			edit: func(t *testing.T, d map[string]any) {
				findEntry(t, d, "x-rules", "id", "acl-type-required")["kind"] = "sometimes"
			},
			code:  spec.ErrCodeBadExtension,
			where: "x-rules.acl-type-required",
		},
		{
			name: "x-rules id repeated",
			edit: func(t *testing.T, d map[string]any) {
				findEntry(t, d, "x-rules", "id", "acl-type-required")["id"] = "acl-id-required"
			},
			code:  spec.ErrCodeBadExtension,
			where: "x-rules",
		},
		{
			name: "x-errors trigger names an unknown state",
			edit: func(t *testing.T, d map[string]any) {
				e := findEntry(t, d, "x-errors", "code", "IpVersionConflict")
				e["trigger"].(map[string]any)["state"] = "no-such-state"
			},
			code:  spec.ErrCodeUnknownName,
			where: "x-errors.IpVersionConflict",
		},
		{
			name: "x-errors trigger names an unknown rule",
			edit: func(t *testing.T, d map[string]any) {
				e := findEntry(t, d, "x-errors", "code", "TooManyCertificates")
				e["trigger"].(map[string]any)["rule"] = "no-such-rule"
			},
			code:  spec.ErrCodeUnknownName,
			where: "x-errors.TooManyCertificates",
		},
		{
			name: "x-errors trigger names an unknown parameter",
			edit: func(t *testing.T, d map[string]any) {
				e := findEntry(t, d, "x-errors", "code", "InvalidParam.TagKey")
				e["trigger"].(map[string]any)["parameter"] = "Tag.Name"
			},
			code:  spec.ErrCodeUnknownName,
			where: "x-errors.InvalidParam.TagKey",
		},
		{
			name: "x-errors trigger names a constraint the parameter lacks",
			edit: func(t *testing.T, d map[string]any) {
				e := findEntry(t, d, "x-errors", "code", "InvalidParameter.IdleTimeout")
				e["trigger"].(map[string]any)["violations"] = []any{"pattern"}
			},
			code:  spec.ErrCodeUnknownName,
			where: "x-errors.InvalidParameter.IdleTimeout",
		},
		{
			name: "x-errors unreachable code without a reason",
			edit: func(t *testing.T, d map[string]any) {
				e := findEntry(t, d, "x-errors", "code", "LbNotSupportTcpssl")
				e["trigger"].(map[string]any)["reason"] = "  "
			},
			code:  spec.ErrCodeBadExtension,
			where: "x-errors.LbNotSupportTcpssl",
		},
		{
			name: "x-errors code listed twice",
			edit: func(t *testing.T, d map[string]any) {
				findEntry(t, d, "x-errors", "code", "AclNotExist")["code"] = "IpVersionConflict"
			},
			code:  spec.ErrCodeBadExtension,
			where: "x-errors",
		},
		{
			name: "x-errors entry with a 2xx status",
			edit: func(t *testing.T, d map[string]any) {
				findEntry(t, d, "x-errors", "code", "AclNotExist")["status"] = 200
			},
			code:  spec.ErrCodeBadExtension,
			where: "x-errors",
		},
		{
			name: "x-violation-codes names a code absent from x-errors",
			edit: func(t *testing.T, d map[string]any) {
				p := at(t, d, "components", "parameters", "IdleTimeout")
				p["x-violation-codes"].(map[string]any)["maximum"] = "InvalidParameter.NoSuchCode"
			},
			code:  spec.ErrCodeUnknownName,
			where: "IdleTimeout.maximum",
		},
		{
			name: "x-violation-codes for a constraint the parameter lacks",
			edit: func(t *testing.T, d map[string]any) {
				p := at(t, d, "components", "parameters", "IdleTimeout")
				p["x-violation-codes"].(map[string]any)["pattern"] = "InvalidParameter.IdleTimeout"
			},
			code:  spec.ErrCodeUnknownName,
			where: "IdleTimeout.x-violation-codes",
		},
		{
			name: "x-near-misses holds a value of the enum",
			edit: func(t *testing.T, d map[string]any) {
				at(t, d, "components", "parameters", "Scheduler")["x-near-misses"] = []any{"wlc", "rr"}
			},
			code:  spec.ErrCodeBadExtension,
			where: "Scheduler.x-near-misses",
		},
		{
			name: "x-missing-state names no state",
			edit: func(t *testing.T, d map[string]any) {
				at(t, d, "components", "parameters", "AclId")["x-missing-state"] = "no-such-state"
			},
			code:  spec.ErrCodeUnknownName,
			where: "AclId.x-missing-state",
		},
		{
			name: "x-near-misses on a parameter without an enum",
			edit: func(t *testing.T, d map[string]any) {
				at(t, d, "components", "parameters", "IdleTimeout")["x-near-misses"] = []any{"16"}
			},
			code:  spec.ErrCodeBadExtension,
			where: "IdleTimeout.x-near-misses",
		},
		{
			name:  "missing x-wire",
			edit:  func(t *testing.T, d map[string]any) { delete(d, "x-wire") },
			code:  spec.ErrCodeBadExtension,
			where: "x-wire",
		},
		{
			name:  "x-wire window that is not a duration",
			edit:  func(t *testing.T, d map[string]any) { at(t, d, "x-wire")["timestampWindow"] = "a quarter hour" },
			code:  spec.ErrCodeBadExtension,
			where: "x-wire.timestampWindow",
		},
		{
			name:  "x-wire integer pattern that Go cannot compile",
			edit:  func(t *testing.T, d map[string]any) { at(t, d, "x-wire")["integerPattern"] = "^([0-9]$" },
			code:  spec.ErrCodeBadExtension,
			where: "x-wire.integerPattern",
		},
		{
			name:  "missing x-violation-outcomes",
			edit:  func(t *testing.T, d map[string]any) { delete(d, "x-violation-outcomes") },
			code:  spec.ErrCodeBadExtension,
			where: "x-violation-outcomes",
		},
		{
			name:  "no operation under test",
			edit:  func(t *testing.T, d map[string]any) { d["x-operation-under-test"] = "CreateLoadBalancerHTTPListener" },
			code:  spec.ErrCodeNoOperation,
			where: "x-operation-under-test",
		},
		{
			name:  "an operation Go code relies on is absent",
			edit:  func(t *testing.T, d map[string]any) { delete(at(t, d, "paths"), "/?Action=CreateTLSCipherPolicy") },
			code:  spec.ErrCodeMissingName,
			where: "paths",
		},
		{
			name: "a list field Go code relies on is absent",
			edit: func(t *testing.T, d map[string]any) {
				delete(at(t, d, "components", "schemas", "ServerCertificateEntry", "properties"), "StandardType")
				props := at(t, d, "components", "parameters", "ServerCertificate", "schema", "properties")
				delete(props, "ServerCertificate.1.StandardType")
				delete(props, "ServerCertificate.2.StandardType")
				e := findEntry(t, d, "x-errors", "code", "CnCertificateNotSupport")
				e["trigger"] = map[string]any{"kind": "state", "state": "cn-certificate"}
			},
			code:  spec.ErrCodeMissingName,
			where: "parameters.ServerCertificate",
		},
		{
			name: "x-states names an unknown parameter",
			edit: func(t *testing.T, d map[string]any) {
				at(t, d, "x-states", "port-in-use")["params"] = []any{"ListenPort"}
			},
			code:  spec.ErrCodeUnknownName,
			where: "x-states.port-in-use",
		},
		{
			name: "x-scenarios names an unknown state",
			edit: func(t *testing.T, d map[string]any) {
				at(t, d, "x-scenarios", "zone-out-of-resources")["state"] = "zone-on-fire"
			},
			code:  spec.ErrCodeUnknownName,
			where: "x-scenarios.zone-out-of-resources",
		},
		{
			name: "x-quotas names a code absent from x-errors",
			edit: func(t *testing.T, d map[string]any) {
				at(t, d, "x-quotas", "acls-per-listener")["code"] = "QuotaLimitExceeds.Nothing"
			},
			code:  spec.ErrCodeUnknownName,
			where: "x-quotas.acls-per-listener",
		},
		{
			name: "a list parameter without x-rpc-list",
			edit: func(t *testing.T, d map[string]any) {
				delete(at(t, d, "components", "parameters", "Tag"), "x-rpc-list")
			},
			code:  spec.ErrCodeBadExtension,
			where: "Tag.x-rpc-list",
		},
		{
			name: "a flattened list lacks the name of one entry field",
			edit: func(t *testing.T, d map[string]any) {
				delete(at(t, d, "components", "parameters", "Tag", "schema", "properties"), "Tag.20.Value")
			},
			code:  spec.ErrCodeBadExtension,
			where: "Tag.schema.properties",
		},
		{
			name: "a flattened name refers to another schema than the entry field's",
			edit: func(t *testing.T, d map[string]any) {
				props := at(t, d, "components", "parameters", "Tag", "schema", "properties")
				props["Tag.3.Value"] = map[string]any{"$ref": "#/components/schemas/TagEntryKey"}
			},
			code:  spec.ErrCodeBadExtension,
			where: "Tag.schema.properties.Tag.3.Value",
		},
		{
			name: "a flattened name no entry has",
			edit: func(t *testing.T, d map[string]any) {
				props := at(t, d, "components", "parameters", "Tag", "schema", "properties")
				props["Tag.21.Key"] = map[string]any{"$ref": "#/components/schemas/TagEntryKey"}
			},
			code:  spec.ErrCodeBadExtension,
			where: "Tag.schema.properties",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc := tc.raw
			if tc.edit != nil {
				doc = mutated(t, func(d map[string]any) { tc.edit(t, d) })
			}
			s, err := spec.Parse(doc)
			require.Error(t, err)
			assert.Nil(t, s)
			var le *spec.LoadError
			require.True(t, errors.As(err, &le), "a *spec.LoadError, got %T: %v", err, err)
			assert.Equal(t, tc.code, le.Code, "%v", err)
			if tc.where != "" {
				assert.Contains(t, le.Where, tc.where, "%v", err)
			}
			assert.True(t, strings.HasPrefix(err.Error(), string(tc.code)+": "), "the message starts with the code: %v", err)
			assert.NotEmpty(t, le.Msg)
		})
	}
}

func TestLoadErrorWrapsItsCause(t *testing.T) {
	_, err := spec.Parse([]byte("openapi: [3.0.3\n  info: {{{\n\t- :"))
	var le *spec.LoadError
	require.True(t, errors.As(err, &le))
	require.NotNil(t, le.Err, "a parse error keeps the parser's error")
	assert.Same(t, le.Err, errors.Unwrap(err))
	assert.Contains(t, err.Error(), le.Err.Error())

	e := &spec.LoadError{Code: spec.ErrCodeUnknownName, Where: "x-rules.r", Msg: "names parameter \"X\""}
	assert.Equal(t, `spec.unknown-reference: at x-rules.r: names parameter "X"`, e.Error())
	e = &spec.LoadError{Code: spec.ErrCodeParse, Msg: "unreadable"}
	assert.Equal(t, "spec.parse: unreadable", e.Error())
}

// The committed test documents in testdata load or fail as their names say.
func TestParseTestdata(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			_, err = spec.Parse(data)
			base := filepath.Base(f)
			code, broken := strings.CutPrefix(strings.TrimSuffix(base, ".yaml"), "broken-")
			if !broken {
				require.NoError(t, err)
				return
			}
			var le *spec.LoadError
			require.True(t, errors.As(err, &le), "%v", err)
			assert.Equal(t, spec.LoadErrorCode("spec."+strings.SplitN(code, "_", 2)[0]), le.Code, "%v", err)
		})
	}
}
