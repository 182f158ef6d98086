package signature

import (
	"errors"
	"math/rand/v2"
	"sync"
	"testing"
	"time"
)

// TestTimestampCachesMatchThePlainVersions formats and parses timestamps the way a run meets
// them (the same second many times, then the next; the clock of other zones; far past and far
// future; malformed texts between good ones) with the remembering forms and the plain ones.
func TestTimestampCachesMatchThePlainVersions(t *testing.T) {
	rng := rand.New(rand.NewPCG(20, 3))
	base := time.Date(2026, 12, 3, 11, 59, 58, 0, time.UTC)
	zones := []*time.Location{time.UTC, time.FixedZone("east", 8*3600), time.FixedZone("west", -5*3600-1800)}
	var times []time.Time
	for i := 0; i < 4000; i++ {
		// Mostly the same second with other fractions, sometimes a step forward or back.
		step := time.Duration(rng.IntN(3)-1) * time.Second
		if rng.IntN(4) != 0 {
			step = 0
		}
		base = base.Add(step)
		at := base.Add(time.Duration(rng.Int64N(int64(time.Second)))).In(zones[rng.IntN(len(zones))])
		times = append(times, at)
	}
	times = append(times,
		time.Date(2326, 1, 1, 0, 0, 0, 0, time.UTC), // a far-future request
		time.Date(1969, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Unix(0, 0),
	)
	malformed := []string{"", "2026-12-03T11:59:58", "2026-12-03T11:59:58.5Z", "2026-12-03T11:59:58+08:00",
		"2026-12-03 11:59:58Z", "2026-13-03T11:59:58Z", "clbcheck", "2026-12-03T11:59:60Z"}
	for i, at := range times {
		text := formatTimestamp(at)
		if want := formatTimestampPlain(at); text != want {
			t.Fatalf("formatTimestamp(%v) = %q, the plain form %q", at, text, want)
		}
		inputs := []string{text, text}
		if i%7 == 0 {
			inputs = append(inputs, malformed[i%len(malformed)], text)
		}
		for _, in := range inputs {
			got, err := ParseTimestamp(in)
			want, wantErr := parseTimestampPlain(in)
			if !got.Equal(want) || got != want || (err == nil) != (wantErr == nil) {
				t.Fatalf("ParseTimestamp(%q) = %v, %v; the plain form %v, %v", in, got, err, want, wantErr)
			}
			if err != nil && (!errors.Is(err, ErrMalformedTimestamp) || err.Error() != wantErr.Error()) {
				t.Fatalf("ParseTimestamp(%q) error %v, the plain form %v", in, err, wantErr)
			}
		}
	}
}

// TestTimestampCachesUnderConcurrentUse formats and parses from several goroutines at once
// (for the race detector) and checks every answer against the plain forms.
func TestTimestampCachesUnderConcurrentUse(t *testing.T) {
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 2000; i++ {
				at := time.Unix(int64(1_780_000_000+(i+g)%5), int64(i))
				text := formatTimestamp(at)
				if text != formatTimestampPlain(at) {
					t.Errorf("formatTimestamp(%v) = %q", at, text)
					return
				}
				if got, err := ParseTimestamp(text); err != nil || !got.Equal(at.Truncate(time.Second)) {
					t.Errorf("ParseTimestamp(%q) = %v, %v", text, got, err)
					return
				}
			}
		}(g)
	}
	wg.Wait()
}
