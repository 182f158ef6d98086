package reports_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/reports"
)

// A describer gives each check's rule its own short description; a check it does not know
// keeps the generic one.
func TestSARIFDescribedRules(t *testing.T) {
	describe := func(check string) string {
		if check == "error_code" {
			return "The error code must be one the page documents."
		}
		return ""
	}
	out := render(t, func(w *bytes.Buffer) contracts.Reporter { return reports.NewSARIFDescribed(w, describe) }, fixtureCases())
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID               string `json:"id"`
						ShortDescription struct {
							Text string `json:"text"`
						} `json:"shortDescription"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
		} `json:"runs"`
	}
	require.NoError(t, json.Unmarshal(out, &log))
	require.Len(t, log.Runs, 1)
	texts := map[string]string{}
	for _, r := range log.Runs[0].Tool.Driver.Rules {
		texts[r.ID] = r.ShortDescription.Text
	}
	require.Contains(t, texts, "error_code")
	assert.Equal(t, "The error code must be one the page documents.", texts["error_code"])
	for id, text := range texts {
		if id != "error_code" {
			assert.NotEqual(t, "The error code must be one the page documents.", text, id)
		}
	}
}
