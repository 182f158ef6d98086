package selftest

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// WriteTable prints the kill matrix as an aligned table, then the faithful run and the
// summary: how many faults were caught, the median and the worst number of cases until
// detection, and what each miss would need.
func (m *Matrix) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	// A run that went to the end also knows how many cases failed in all.
	failedCol := func(string) string { return "" }
	if !m.StopAtFirst {
		failedCol = func(s string) string { return s + "\t" }
	}
	fmt.Fprintln(tw, "FAULT\tCATEGORY\tDETECTED\tCHECK\tCASES\tTIME\t"+failedCol("FAILED")+"FIRST FAILING CASE")
	for _, r := range m.Rows {
		det, check, cases, after, first := "no", "-", "-", "-", "-"
		if r.Detected {
			det, check, cases, after, first = "yes", r.Check, fmt.Sprint(r.CasesUntil), shortDuration(r.TimeToDetect), r.Case
		}
		if r.Error != "" {
			det = "error"
			first = r.Error
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s%s\n", r.Fault, r.Category, det, check, cases, after, failedCol(fmt.Sprint(r.Failed)), first)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	f := m.Faithful
	verdict := "no false positives"
	if f.Failed > 0 || f.Error != "" {
		verdict = "FALSE POSITIVES"
	}
	fmt.Fprintf(w, "\nfaithful emulator: %d cases, %d failed, %d skipped, %d warnings in %s: %s\n", f.Cases, f.Failed, f.Skipped, f.Warnings, shortDuration(f.Duration), verdict)
	if f.Error != "" {
		fmt.Fprintf(w, "  the faithful run did not complete: %s\n", f.Error)
	}
	if f.Detected {
		fmt.Fprintf(w, "  first failing case: %s (%s)\n", f.Case, strings.Join(f.Checks, ", "))
	}
	fmt.Fprintf(w, "detected %d of %d faults (seed %d, one worker per run", m.Detected, m.Total, m.Seed)
	if m.StopAtFirst {
		fmt.Fprint(w, ", each run stopped at its first failure")
	}
	fmt.Fprintf(w, ") in %s\n", shortDuration(m.Duration))
	if m.Detected > 0 {
		fmt.Fprintf(w, "cases until detection: median %s, worst %d (%s)\n", trimFloat(m.MedianCases), m.WorstCases, m.WorstFault)
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
