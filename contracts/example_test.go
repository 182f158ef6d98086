package contracts_test

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"

	"github.com/clbcheck/clbcheck/contracts"
	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/emulator/embedded"
	"github.com/clbcheck/clbcheck/target"
)

// Example runs the contract suite against an implementation served over HTTP. Here that
// implementation is the emulator on a loopback port; for your own, give its URL, and read the
// credentials with target.CredentialsFromEnv(os.Getenv). The README shows this function as it
// is written here (TestREADMEShowsTheExample keeps the two equal).
func Example() {
	cfg := emulator.DefaultConfig()
	emu, err := emulator.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	defer srv.Close()
	creds := embedded.PrincipalCredentials(cfg)

	tg, err := target.NewHTTP(target.HTTPConfig{BaseURL: srv.URL, Credentials: creds})
	if err != nil {
		log.Fatal(err)
	}
	sum, _, err := contracts.Execute(context.Background(), tg, contracts.Options{
		Profile:  contracts.ProfileDocumented,
		MaxCases: 20, Random: -1, Sequences: -1, // a quick look; leave these out for the whole suite
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d cases, %d failed\n", sum.Cases, sum.Failed)
	// Output: 20 cases, 0 failed
}
