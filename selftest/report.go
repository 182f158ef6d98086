package selftest

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// WriteTable prints the precision matrix (the conforming variants with their false
// positives, each failing case with its checks), then the kill matrix as an aligned table, then
// the summary: false positives, how many faults were caught, the median and the worst number of
// cases and of requests until detection, and what each miss would need.
func (m *Matrix) WriteTable(w io.Writer) error {
	if err := m.writePrecision(w); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	// A run that went to the end also knows how many cases failed in all.
	failedCol := func(string) string { return "" }
	if !m.StopAtFirst {
		failedCol = func(s string) string { return s + "\t" }
	}
	fmt.Fprintln(tw, "FAULT\tCATEGORY\tBASIS\tPROFILE\tDETECTED\tCHECK\tCASES\tREQUESTS\tTIME\t"+failedCol("FAILED")+"FIRST FAILING CASE")
	for _, r := range m.Rows {
		det, check, cases, requests, after, first := "no", "-", "-", "-", "-", "-"
		if r.Detected {
			det, check, cases, requests, after, first = "yes", r.Check, fmt.Sprint(r.CasesUntil), fmt.Sprint(r.RequestsUntil), shortDuration(r.TimeToDetect), r.Case
		}
		if r.Error != "" {
			det = "error"
			first = r.Error
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s%s\n", r.Fault, r.Category, orDash(r.Basis), orDash(r.Profile), det, check, cases, requests, after, failedCol(fmt.Sprint(r.Failed)), first)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	f := m.Faithful
	verdict := "no false positives"
	if f.Failed > 0 || f.Error != "" {
		verdict = "FALSE POSITIVES"
	}
	fmt.Fprintf(w, "\nfaithful emulator (%s): %d cases, %d failed, %d skipped, %d warnings in %s: %s\n", orDash(f.Profile), f.Cases, f.Failed, f.Skipped, f.Warnings, shortDuration(f.Duration), verdict)
	if f.Error != "" {
		fmt.Fprintf(w, "  the faithful run did not complete: %s\n", f.Error)
	}
	if f.Detected {
		fmt.Fprintf(w, "  first failing case: %s (%s)\n", f.Case, strings.Join(f.Checks, ", "))
	}
	fmt.Fprintf(w, "false positives: %d over the faithful emulator and %d conforming variants\n", m.FalsePositives, len(m.Precision))
	fmt.Fprintf(w, "detected %d of %d faults (profile %s, seed %d, one worker per fault's run", m.Detected, m.Total, orDash(m.Profile), m.Seed)
	if m.StopAtFirst {
		fmt.Fprint(w, ", each run stopped at its first failure")
	}
	fmt.Fprintf(w, ") in %s\n", shortDuration(m.Duration))
	if m.Detected > 0 {
		fmt.Fprintf(w, "cases until detection: median %s, worst %d (%s)\n", trimFloat(m.MedianCases), m.WorstCases, m.WorstFault)
		fmt.Fprintf(w, "requests until detection: median %s, worst %d (%s)\n", trimFloat(m.MedianRequests), m.WorstRequests, m.WorstRequestsFault)
	}
	for _, r := range m.Rows {
		if r.Detected {
			continue
		}
		fmt.Fprintf(w, "not detected: %s: %s\n", r.Fault, r.Description)
		if r.Note != "" {
			fmt.Fprintf(w, "  would be detected by: %s\n", r.Note)
		}
	}
	return nil
}

// writePrecision prints the conforming variants, their false positives and, for each failing
// case, the checks that failed.
func (m *Matrix) writePrecision(w io.Writer) error {
	if len(m.Precision) == 0 {
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "VARIANT\tCASES\tFALSE POSITIVES\tWARNINGS\tSKIPPED\tTIME")
	for _, p := range m.Precision {
		fp := fmt.Sprint(p.Failed)
		if p.Error != "" {
			fp = "error: " + p.Error
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%d\t%d\t%s\n", p.Name, p.Cases, fp, p.Warnings, p.Skipped, shortDuration(p.Duration))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, p := range append([]PrecisionRow{{Variant: Variant{Name: Faithful}, Row: m.Faithful}}, m.Precision...) {
		for _, f := range p.Failures {
			fmt.Fprintf(w, "false positive: %s: %s (expected %s, got %s)\n", p.Name, f.Case, f.Expected, f.Actual)
			for _, c := range f.Checks {
				fmt.Fprintf(w, "  %s: %s (expected %s, actual %s)\n", c.Check, c.Message, orDash(c.Expected), orDash(c.Actual))
			}
		}
		if p.Failed > len(p.Failures) {
			fmt.Fprintf(w, "  ... and %d more failing cases of %s\n", p.Failed-len(p.Failures), p.Name)
		}
	}
	fmt.Fprintln(w)
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// WriteJSON writes the matrix as indented JSON.
func (m *Matrix) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(m)
}

func shortDuration(d time.Duration) string {
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(100 * time.Microsecond).String()
	default:
		return d.Round(time.Microsecond).String()
	}
}

func trimFloat(f float64) string {
	if f == float64(int64(f)) {
		return fmt.Sprint(int64(f))
	}
	return fmt.Sprintf("%.1f", f)
}
