package fuzz

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestClusterFuzzLiteBuildLocally runs .clusterfuzzlite/local.sh, which builds every target with
// the real .clusterfuzzlite/build.sh, go-118-fuzz-build and clang's libFuzzer, and runs each binary
// for a few seconds. It needs clang and a minute or more, so it runs only with CLBCHECK_OSSFUZZ=1
// (`make fuzz-oss` runs the same script directly).
func TestClusterFuzzLiteBuildLocally(t *testing.T) {
	if os.Getenv("CLBCHECK_OSSFUZZ") != "1" {
		t.Skip("set CLBCHECK_OSSFUZZ=1 to build and run the libFuzzer binaries (needs clang)")
	}
	script, err := filepath.Abs(filepath.Join("..", ".clusterfuzzlite", "local.sh"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("bash", script, "3").CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("local.sh: %v", err)
	}
}
