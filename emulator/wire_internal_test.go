package emulator

import (
	"net/http"
	"testing"
)

// write sets headers straight into the map, so its keys must be what Header.Set would use.
func TestHeaderKeysAreCanonical(t *testing.T) {
	for key, sent := range map[string]string{
		headerContentType:   "content-type",
		headerContentLength: "content-length",
		headerRequestIDKey:  headerRequestID,
	} {
		if got := http.CanonicalHeaderKey(sent); got != key {
			t.Errorf("%q is canonically %q, the emulator uses %q", sent, got, key)
		}
	}
}
