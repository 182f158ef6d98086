package sdkcheck

import (
	"net/http/httptest"
	"os"
	"testing"

	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/spec"
)

func TestEveryServedOperationHasAModel(t *testing.T) {
	for _, op := range spec.MustDefault().Operations {
		if _, ok := sdkModels[op.Action]; !ok {
			t.Errorf("%s: the emulator serves it, the shape check has no SDK model for it", op.Action)
		}
	}
}

// TestShapes compares every answer of every served operation, JSON and XML, success and error,
// with the classic SDK's typed response.
func TestShapes(t *testing.T) {
	cfg := emulator.DefaultConfig()
	srv := httptest.NewServer(emulator.MustNew(cfg))
	defer srv.Close()
	shapes, err := RunShapes(EmulatorConfig(srv.URL, cfg))
	if err != nil {
		t.Fatal(err)
	}
	if len(shapes) != len(spec.MustDefault().Operations) {
		t.Fatalf("%d operations compared, the description lists %d", len(shapes), len(spec.MustDefault().Operations))
	}
	if testing.Verbose() {
		_ = WriteShapeTable(os.Stdout, shapes)
	}
	for _, s := range shapes {
		for _, f := range s.failures() {
			t.Errorf("%s: %s", s.Action, f)
		}
	}
}
