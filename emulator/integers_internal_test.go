package emulator

import (
	"math"
	"math/rand"
	"strconv"
	"testing"
)

func TestLenientInteger(t *testing.T) {
	ok := map[string]int64{
		"1": 1, "+1": 1, "01": 1, "007": 7, "-0": 0, "+0": 0, "1e3": 1000, "1E3": 1000, "2.5e1": 25, "1.0": 1,
		"0x1F": 31, "0X1f": 31, "-0x10": -16, " 5 ": 5, "\t-3\n": -3, "١": 1, "١٢": 12, "１０": 10, "-١": -1,
		"9223372036854775807": math.MaxInt64, "-9223372036854775808": math.MinInt64, "1e18": 1e18,
	}
	for in, want := range ok {
		got, good := lenientInteger(in)
		if !good || got != want {
			t.Errorf("lenientInteger(%q) = %d, %v; want %d", in, got, good, want)
		}
	}
	for _, in := range []string{"", " ", "+", "-", "abc", "1.5", "1e-3", "1e400", "1e19", "9223372036854775808", "1_000", "1,000",
		"0x", "0x-1", "+-1", "--1", "1-2", "١a", "a١", "NaN", "Inf", "-Infinity", "0b101", "0o17", "1p3", "0x1p3", "½"} {
		if got, good := lenientInteger(in); good {
			t.Errorf("lenientInteger(%q) = %d, want a refusal", in, got)
		}
	}
}

// Every canonical spelling reads as itself, and the lenient spellings of a number read as it.
func TestLenientIntegerReadsCanonicalSpellings(t *testing.T) {
	rng := rand.New(rand.NewSource(9))
	for i := 0; i < 20000; i++ {
		n := rng.Int63n(1<<40) - 1<<39
		if i%7 == 0 {
			n = rng.Int63() - rng.Int63()
		}
		spellings := []string{strconv.FormatInt(n, 10), " " + strconv.FormatInt(n, 10) + " "}
		if n >= 0 {
			spellings = append(spellings, "+"+strconv.FormatInt(n, 10), "0"+strconv.FormatInt(n, 10), "0x"+strconv.FormatInt(n, 16))
		}
		for _, s := range spellings {
			if got, ok := lenientInteger(s); !ok || got != n {
				t.Fatalf("lenientInteger(%q) = %d, %v; want %d", s, got, ok, n)
			}
		}
	}
}
