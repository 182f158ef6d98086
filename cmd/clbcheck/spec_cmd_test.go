package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/spec"
)

func TestSpecCommandIsRegistered(t *testing.T) {
	c, ok := commands["spec"]
	require.True(t, ok)
	assert.NotEmpty(t, c.summary)
	code, out, _ := cli(t, "help")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, "spec ")
}

func TestSpecCommandSummary(t *testing.T) {
	s := spec.MustDefault()
	code, out, errOut := cli(t, "spec")
	require.Equal(t, exitOK, code, errOut)
	assert.Empty(t, errOut)

	assert.Contains(t, out, "Operation under test: CreateLoadBalancerHTTPSListener (API version 2014-05-15)")

	seed, beyond := 0, 0
	for _, p := range s.UnderTest.Parameters {
		if p.Common {
			continue
		}
		if p.Source == spec.SourceBeyond {
			beyond++
		} else {
			seed++
		}
	}
	assert.Contains(t, out, fmt.Sprintf("Parameters: %d (%d from the seed page, %d beyond it)", seed+beyond, seed, beyond))
	for _, p := range s.UnderTest.Parameters {
		if !p.Common {
			assert.Contains(t, out, "    "+p.Name+" ", "parameter %s is listed", p.Name)
		}
	}
	assert.Contains(t, out, "ListenerPort")
	assert.Regexp(t, `ListenerPort\s+integer required >=1 <=65535`, out)

	assert.Contains(t, out, fmt.Sprintf("Rules: %d", len(s.Rules)))
	for _, r := range s.Rules {
		assert.Contains(t, out, r.ID, "rule %s is listed", r.ID)
		assert.Contains(t, out, r.Description)
	}
	assert.Contains(t, out, "when StickySession=on: require StickySessionType")

	documented := len(s.DocumentedCodes())
	assert.Contains(t, out, fmt.Sprintf("Error codes of the operation: %d (%d documented by the seed page, %d inferred); gateway codes: %d",
		len(s.Errors), documented, len(s.Errors)-documented, len(s.GatewayErrors)))
	for _, e := range append(append([]spec.ErrorCode{}, s.Errors...), s.GatewayErrors...) {
		assert.Regexp(t, fmt.Sprintf(`(?m)^  %d %s\s`, e.Status, regexp.QuoteMeta(e.Code)), out, "code %s with its status", e.Code)
	}

	counts := map[string]int{}
	for _, e := range s.Errors {
		counts[e.Trigger.Kind]++
	}
	counts[spec.TriggerGateway] += len(s.GatewayErrors)
	section := out[strings.Index(out, "Codes reached by each kind of trigger:"):]
	for kind, n := range counts {
		assert.Regexp(t, fmt.Sprintf(`(?m)^  %s\s+%d$`, kind, n), section, "trigger kind %s", kind)
	}

	var unreachable []spec.ErrorCode
	for _, e := range s.Errors {
		if e.Trigger.Kind == spec.TriggerUnreachable {
			unreachable = append(unreachable, e)
		}
	}
	assert.Contains(t, out, fmt.Sprintf("Unreachable codes: %d", len(unreachable)))
	for _, e := range unreachable {
		assert.Contains(t, out, e.Code+": "+e.Trigger.Reason)
	}

	// The output is stable from run to run.
	_, again, _ := cli(t, "spec", "--format", "text")
	assert.Equal(t, out, again)
}

func TestSpecCommandJSON(t *testing.T) {
	code, out, errOut := cli(t, "spec", "--format", "json")
	require.Equal(t, exitOK, code, errOut)

	var generic map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &generic), "the output is JSON")
	for _, key := range []string{"title", "apiVersion", "underTest", "operations", "rules", "errors", "gatewayErrors", "wire"} {
		assert.Contains(t, generic, key)
	}

	var model struct {
		UnderTest struct {
			Action     string `json:"action"`
			Parameters []struct {
				Name   string `json:"name"`
				Source string `json:"source"`
			} `json:"parameters"`
		} `json:"underTest"`
		Errors []struct {
			Code       string `json:"code"`
			Status     int    `json:"status"`
			Documented bool   `json:"documented"`
		} `json:"errors"`
		Rules []struct {
			ID string `json:"id"`
		} `json:"rules"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &model))
	s := spec.MustDefault()
	assert.Equal(t, spec.ActionCreateHTTPSListener, model.UnderTest.Action)
	assert.Len(t, model.UnderTest.Parameters, len(s.UnderTest.Parameters))
	assert.Len(t, model.Errors, len(s.Errors))
	assert.Len(t, model.Rules, len(s.Rules))
	found := false
	for _, e := range model.Errors {
		if e.Code == "ResourceNotFound.Certificate" {
			found = true
			assert.Equal(t, 404, e.Status)
			assert.True(t, e.Documented)
		}
	}
	assert.True(t, found)
}

func TestSpecCommandYAML(t *testing.T) {
	code, out, errOut := cli(t, "spec", "--format=yaml")
	require.Equal(t, exitOK, code, errOut)
	assert.Equal(t, string(spec.Document()), out, "the embedded description, byte for byte")
	_, err := spec.Parse([]byte(out))
	assert.NoError(t, err, "and it loads")
}

func TestSpecCommandUsage(t *testing.T) {
	code, out, errOut := cli(t, "spec", "--format", "xml")
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, out)
	assert.Contains(t, errOut, `unknown format "xml"`)

	code, out, errOut = cli(t, "spec", "extra")
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, out)
	assert.Contains(t, errOut, `unexpected argument "extra"`)

	code, _, errOut = cli(t, "spec", "--no-such-flag")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "no-such-flag")

	code, out, errOut = cli(t, "spec", "-h")
	assert.Equal(t, exitOK, code)
	assert.Empty(t, out)
	assert.Contains(t, errOut, "Usage: clbcheck spec")
	assert.Contains(t, errOut, "-format")
}
