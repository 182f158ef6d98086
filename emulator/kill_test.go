package emulator_test

import (
	"bufio"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/spec"
)

// childStateEnv, when set, makes TestKillLosesNoAcknowledgedWrite serve an emulator on that
// state file instead of testing (the test runs its own binary as the emulator to kill).
const childStateEnv = "CLBCHECK_TEST_EMULATOR_STATE"

func serveChild(path string) {
	cfg := emulator.DefaultConfig()
	cfg.StateFile = path
	em, err := emulator.New(cfg)
	if err != nil {
		os.Stdout.WriteString("ERROR " + err.Error() + "\n")
		os.Exit(1)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		os.Exit(1)
	}
	os.Stdout.WriteString("ADDR " + ln.Addr().String() + "\n")
	_ = em.Server().Serve(em.LimitListener(ln))
	os.Exit(1)
}

// startChild starts an emulator process on path and returns it with a client for it.
func startChild(t *testing.T, path string) (*exec.Cmd, *client) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestKillLosesNoAcknowledgedWrite$")
	cmd.Env = append(os.Environ(), childStateEnv+"="+path)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	line, err := bufio.NewReader(out).ReadString('\n')
	require.NoError(t, err)
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "ADDR ")
	require.True(t, ok, "the child says %q", line)
	e := &env{t: t, cfg: emulator.DefaultConfig(), srv: &httptest.Server{URL: "http://" + addr}, clock: &clock{t: time.Now()}}
	return cmd, e.primary()
}

// TestKillLosesNoAcknowledgedWrite kills an emulator with SIGKILL while eight clients create
// instances and listeners, three times over one state file, and checks after each kill that
// every create that was answered with success is in the state the next emulator loads.
func TestKillLosesNoAcknowledgedWrite(t *testing.T) {
	if path := os.Getenv(childStateEnv); path != "" {
		serveChild(path)
		return
	}
	if testing.Short() {
		t.Skip("starts and kills emulator processes")
	}
	path := filepath.Join(t.TempDir(), "state.json")
	acked := map[string][]int{} // instance -> listener ports
	var mu sync.Mutex
	for round := range 3 {
		cmd, c := startChild(t, path)
		cert := c.uploadCert("")
		var done atomic.Int32
		var wg sync.WaitGroup
		client := &http.Client{Timeout: 10 * time.Second}
		for w := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				post := func(action string, params url.Values) (map[string]any, bool) {
					res, err := client.PostForm(c.env.srv.URL+"/", c.signed(action, params))
					if err != nil {
						return nil, false
					}
					defer res.Body.Close()
					var body map[string]any
					_ = json.NewDecoder(res.Body).Decode(&body)
					return body, res.StatusCode == http.StatusOK
				}
				for i := 0; done.Load() == 0; i++ {
					body, ok := post(spec.ActionCreateLoadBalancer, url.Values{spec.ParamRegionID: {emulator.DefaultRegion}, spec.ParamLoadBalancerSpec: {"slb.s2.small"}})
					if !ok {
						return
					}
					lb := body[spec.FieldLoadBalancerID].(string)
					mu.Lock()
					acked[lb] = nil
					mu.Unlock()
					for p := range 5 {
						port := 1000 + round*100 + w*10 + p
						if _, ok := post(spec.ActionCreateHTTPSListener, listenerParams(lb, cert, spec.ParamListenerPort, strconv.Itoa(port))); !ok {
							return
						}
						mu.Lock()
						acked[lb] = append(acked[lb], port)
						mu.Unlock()
					}
				}
			}()
		}
		time.Sleep(time.Duration(300+200*round) * time.Millisecond)
		require.NoError(t, cmd.Process.Kill()) // SIGKILL
		_ = cmd.Wait()
		done.Store(1)
		wg.Wait()

		em, err := openState(t, path)
		require.NoError(t, err, "round %d", round)
		snap, err := em.Snapshot()
		require.NoError(t, err)
		require.NoError(t, em.Close())
		var st struct {
			Accounts map[string]struct {
				Regions map[string]struct {
					LoadBalancers map[string]struct {
						Listeners map[string]json.RawMessage `json:"listeners"`
					} `json:"loadBalancers"`
				} `json:"regions"`
			} `json:"accounts"`
		}
		require.NoError(t, json.Unmarshal(snap, &st))
		lbs := st.Accounts[emulator.DefaultPrimaryAccountID].Regions[emulator.DefaultRegion].LoadBalancers
		listeners := 0
		for lb, ports := range acked {
			got, ok := lbs[lb]
			if !assert.True(t, ok, "round %d: acknowledged instance %s is lost", round, lb) {
				continue
			}
			for _, p := range ports {
				assert.Contains(t, got.Listeners, strconv.Itoa(p), "round %d: acknowledged listener %d of %s is lost", round, p, lb)
			}
			listeners += len(ports)
		}
		t.Logf("round %d: %d instances and %d listeners acknowledged so far, all kept", round, len(acked), listeners)
		require.Greater(t, listeners, round*10, "the clients got work done before the kill")
	}
}
