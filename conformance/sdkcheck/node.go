package sdkcheck

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// ClientNode names the Node client @alicloud/pop-core in step results.
const ClientNode = "node"

// NodeScript is the file RunNode runs, inside Config.NodeDir.
const NodeScript = "check.js"

// ErrNodeMissing says that node, check.js or the npm packages are not installed; its message
// says how to install them.
var ErrNodeMissing = errors.New("the Node client cannot run here")

// NodeReady reports whether RunNode can run with dir as Config.NodeDir, and if not, why.
func NodeReady(dir string) (node string, err error) {
	node, lerr := exec.LookPath("node")
	if lerr != nil {
		return "", fmt.Errorf("%w: node is not on PATH (install Node.js 18 or later)", ErrNodeMissing)
	}
	if dir == "" {
		return "", fmt.Errorf("%w: no folder with %s was given", ErrNodeMissing, NodeScript)
	}
	if _, err := os.Stat(filepath.Join(dir, NodeScript)); err != nil {
		return "", fmt.Errorf("%w: %s is not in %s", ErrNodeMissing, NodeScript, dir)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@alicloud", "pop-core")); err != nil {
		return "", fmt.Errorf("%w: @alicloud/pop-core is not installed; run: npm ci --prefix %s", ErrNodeMissing, dir)
	}
	return node, nil
}

// RunNode runs `node check.js ENDPOINT` in cfg.NodeDir with the credentials and certificates
// in its environment, and reads the steps it prints. It returns an error wrapping
// ErrNodeMissing when node or the packages are not installed.
func RunNode(ctx context.Context, cfg Config) ([]Step, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	node, err := NodeReady(cfg.NodeDir)
	if err != nil {
		return nil, err
	}
	certs, ca, err := certificates("sdk-node.example.test")
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, NodeScript, strings.TrimRight(cfg.Endpoint, "/"))
	cmd.Dir = cfg.NodeDir
	env := []string{
		"ALIBABA_CLOUD_ACCESS_KEY_ID=" + cfg.Primary.AccessKeyID,
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET=" + cfg.Primary.AccessKeySecret,
		"ALIBABA_CLOUD_SECURITY_TOKEN=" + cfg.Primary.SecurityToken,
		"CLBCHECK_STS_ACCESS_KEY_ID=" + cfg.STS.AccessKeyID,
		"CLBCHECK_STS_ACCESS_KEY_SECRET=" + cfg.STS.AccessKeySecret,
		"CLBCHECK_STS_SECURITY_TOKEN=" + cfg.STS.SecurityToken,
		"CLBCHECK_SECOND_ACCESS_KEY_ID=" + cfg.Second.AccessKeyID,
		"CLBCHECK_SECOND_ACCESS_KEY_SECRET=" + cfg.Second.AccessKeySecret,
		"CLBCHECK_RESTRICTED_ACCESS_KEY_ID=" + cfg.Restricted.AccessKeyID,
		"CLBCHECK_RESTRICTED_ACCESS_KEY_SECRET=" + cfg.Restricted.AccessKeySecret,
		"CLBCHECK_REGION=" + cfg.Region,
		"CLBCHECK_CERT_PEM=" + certs.CertPEM,
		"CLBCHECK_KEY_PEM=" + certs.KeyPEM,
		"CLBCHECK_CA_PEM=" + ca.CertPEM,
	}
	// Only what node needs from the caller's environment: no other credentials leak in.
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); k == "PATH" || k == "HOME" || strings.HasPrefix(k, "NODE_") || k == "NO_PROXY" {
			env = append(env, kv)
		}
	}
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("node %s failed: %v: %s", NodeScript, err, oneLine(stderr.String()))
	}
	return parseNode(stdout.Bytes())
}

// parseNode reads check.js's JSON document into steps, checking each reported HTTP status
// against the description.
func parseNode(out []byte) ([]Step, error) {
	var doc struct {
		Steps []struct {
			Name      string `json:"name"`
			Outcome   string `json:"outcome"`
			Want      string `json:"want"`
			Code      string `json:"code"`
			Status    int    `json:"status"`
			RequestID string `json:"requestId"`
			Detail    string `json:"detail"`
			Transport bool   `json:"transport"`
		} `json:"steps"`
	}
	if err := json.Unmarshal(bytes.TrimSpace(out), &doc); err != nil {
		return nil, fmt.Errorf("%s printed something that is not its JSON document (%v): %s", NodeScript, err, oneLine(string(out)))
	}
	steps := make([]Step, 0, len(doc.Steps))
	for _, s := range doc.Steps {
		st := Step{Client: ClientNode, Name: s.Name, Outcome: s.Outcome, Code: s.Code, Status: s.Status, RequestID: s.RequestID, Detail: s.Detail, Transport: s.Transport, wantCode: s.Want}
		switch st.Outcome {
		case Pass, Fail, Skip:
		default:
			st.Outcome, st.Detail = Fail, fmt.Sprintf("unknown outcome %q: %s", s.Outcome, s.Detail)
		}
		if st.Outcome == Pass && s.Want != "" {
			if problems := answerProblems(s.Want, s.Code, s.Status, s.RequestID); len(problems) > 0 {
				st.Outcome, st.Detail = Fail, strings.Join(problems, "; ")
			}
		}
		steps = append(steps, st)
	}
	if len(steps) == 0 {
		return nil, fmt.Errorf("%s reported no steps", NodeScript)
	}
	return steps, nil
}
