package conformance

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/slb"

	"github.com/clbcheck/clbcheck/conformance/sdkcheck"
	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/spec"
)

// The lifecycle tests run `clbcheck emulator` with its default settings, as a user would, and
// drive a whole create/start/stop/modify/tag/untag/delete lifecycle without waiting between
// steps, from the classic Go SDK, the Node clients and a shell script with curl.

// TestLifecycleGoSDK drives the lifecycle with the classic Go SDK's typed calls.
func TestLifecycleGoSDK(t *testing.T) {
	s := serve(t, buildCommand(t))
	c := sdkClient(t, s.addr)
	must := func(step string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	lbReq := slb.CreateCreateLoadBalancerRequest()
	lbReq.Scheme, lbReq.LoadBalancerSpec = "http", "slb.s2.small"
	lb, err := c.CreateLoadBalancer(lbReq)
	must("CreateLoadBalancer", err)
	pair := newCert(t, "lifecycle.example.test", false)
	up := slb.CreateUploadServerCertificateRequest()
	up.Scheme, up.ServerCertificate, up.PrivateKey = "http", pair.CertPEM, pair.KeyPEM
	cert, err := c.UploadServerCertificate(up)
	must("UploadServerCertificate", err)
	_, err = c.CreateLoadBalancerHTTPSListener(listenerRequest(lb.LoadBalancerId, cert.ServerCertificateId, 443))
	must("CreateLoadBalancerHTTPSListener", err)

	start := slb.CreateStartLoadBalancerListenerRequest()
	start.Scheme, start.LoadBalancerId, start.ListenerPort = "http", lb.LoadBalancerId, requests.NewInteger(443)
	_, err = c.StartLoadBalancerListener(start)
	must("StartLoadBalancerListener", err)
	stop := slb.CreateStopLoadBalancerListenerRequest()
	stop.Scheme, stop.LoadBalancerId, stop.ListenerPort = "http", lb.LoadBalancerId, requests.NewInteger(443)
	_, err = c.StopLoadBalancerListener(stop)
	must("StopLoadBalancerListener (right after the start)", err)

	set := slb.CreateSetLoadBalancerHTTPSListenerAttributeRequest()
	set.Scheme, set.LoadBalancerId, set.ListenerPort = "http", lb.LoadBalancerId, requests.NewInteger(443)
	set.IdleTimeout, set.Description = requests.NewInteger(30), "changed-by-go"
	_, err = c.SetLoadBalancerHTTPSListenerAttribute(set)
	must("SetLoadBalancerHTTPSListenerAttribute", err)
	d := slb.CreateDescribeLoadBalancerHTTPSListenerAttributeRequest()
	d.Scheme, d.LoadBalancerId, d.ListenerPort = "http", lb.LoadBalancerId, requests.NewInteger(443)
	got, err := c.DescribeLoadBalancerHTTPSListenerAttribute(d)
	must("DescribeLoadBalancerHTTPSListenerAttribute", err)
	if got.IdleTimeout != 30 || got.Description != "changed-by-go" || got.Status != spec.StatusStopped {
		t.Fatalf("read back: IdleTimeout=%d Description=%q Status=%q", got.IdleTimeout, got.Description, got.Status)
	}

	tag := slb.CreateTagResourcesRequest()
	tag.Scheme, tag.ResourceType, tag.ResourceId = "http", "instance", &[]string{lb.LoadBalancerId}
	tag.Tag = &[]slb.TagResourcesTag{{Key: "team", Value: "edge"}}
	_, err = c.TagResources(tag)
	must("TagResources", err)
	list := slb.CreateListTagResourcesRequest()
	list.Scheme, list.ResourceType, list.ResourceId = "http", "instance", &[]string{lb.LoadBalancerId}
	tags, err := c.ListTagResources(list)
	must("ListTagResources", err)
	if len(tags.TagResources.TagResource) != 1 || tags.TagResources.TagResource[0].TagValue != "edge" {
		t.Fatalf("tags read back: %+v", tags.TagResources)
	}
	untag := slb.CreateUntagResourcesRequest()
	untag.Scheme, untag.ResourceType, untag.ResourceId, untag.TagKey = "http", "instance", &[]string{lb.LoadBalancerId}, &[]string{"team"}
	_, err = c.UntagResources(untag)
	must("UntagResources", err)

	del := slb.CreateDeleteLoadBalancerListenerRequest()
	del.Scheme, del.LoadBalancerId, del.ListenerPort = "http", lb.LoadBalancerId, requests.NewInteger(443)
	_, err = c.DeleteLoadBalancerListener(del)
	must("DeleteLoadBalancerListener", err)
	// A deleted listener reads as a not-found tools recognise.
	_, err = c.DescribeLoadBalancerHTTPSListenerAttribute(d)
	var se *sdkerrors.ServerError
	if !errors.As(err, &se) || !strings.Contains(se.Message(), "The specified resource does not exist") {
		t.Fatalf("reading the deleted listener: %v", err)
	}
	dc := slb.CreateDeleteServerCertificateRequest()
	dc.Scheme, dc.ServerCertificateId = "http", cert.ServerCertificateId
	_, err = c.DeleteServerCertificate(dc)
	must("DeleteServerCertificate", err)
	dl := slb.CreateDeleteLoadBalancerRequest()
	dl.Scheme, dl.LoadBalancerId = "http", lb.LoadBalancerId
	_, err = c.DeleteLoadBalancer(dl)
	must("DeleteLoadBalancer", err)
}

// TestLifecycleShell runs shell/lifecycle.sh, curl and openssl signing each request.
func TestLifecycleShell(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "openssl", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	s := serve(t, buildCommand(t))
	dir := t.TempDir()
	pair := newCert(t, "shell.example.test", false)
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, []byte(pair.CertPEM), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, []byte(pair.KeyPEM), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := emulator.DefaultConfig()
	p := cfg.MustPrincipal(emulator.PrincipalPrimary).Credentials
	cmd := exec.Command("bash", filepath.Join("shell", "lifecycle.sh"))
	cmd.Env = append(os.Environ(), "ENDPOINT=http://"+s.addr, "ACCESS_KEY_ID="+p.AccessKeyID, "ACCESS_KEY_SECRET="+p.AccessKeySecret,
		"CERT_PEM_FILE="+certFile, "KEY_PEM_FILE="+keyFile, "REGION="+cfg.Region)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("lifecycle.sh: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "lifecycle done") {
		t.Fatalf("lifecycle.sh did not finish:\n%s", out)
	}
}

// TestLifecycleNode runs node/lifecycle.js: the lifecycle from @alicloud/pop-core and from the
// Darabonba OpenAPI runtime (V3 signing), every success body compared with the Go SDK's shape.
func TestLifecycleNode(t *testing.T) {
	dir, err := filepath.Abs("node")
	if err != nil {
		t.Fatal(err)
	}
	node, err := sdkcheck.NodeReady(dir)
	if err == nil {
		_, err = os.Stat(filepath.Join(dir, "node_modules", "@alicloud", "openapi-client"))
	}
	if err != nil {
		if os.Getenv("CLBCHECK_REQUIRE_NODE") == "1" {
			t.Fatalf("the Node clients are required here: %v", err)
		}
		t.Skipf("the Node clients are not installed: %v", err)
	}
	s := serve(t, buildCommand(t))
	shapes, err := json.Marshal(sdkcheck.ShapeDescriptors())
	if err != nil {
		t.Fatal(err)
	}
	shapeFile := filepath.Join(t.TempDir(), "shapes.json")
	if err := os.WriteFile(shapeFile, shapes, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := emulator.DefaultConfig()
	p := cfg.MustPrincipal(emulator.PrincipalPrimary).Credentials
	pair := newCert(t, "node.example.test", false)
	cmd := exec.Command(node, "lifecycle.js", "http://"+s.addr)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "ALIBABA_CLOUD_ACCESS_KEY_ID=" + p.AccessKeyID,
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET=" + p.AccessKeySecret, "CLBCHECK_REGION=" + cfg.Region,
		"CLBCHECK_CERT_PEM=" + pair.CertPEM, "CLBCHECK_KEY_PEM=" + pair.KeyPEM, "CLBCHECK_SHAPES=" + shapeFile}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("lifecycle.js: %v\n%s", err, out)
	}
	var doc struct {
		Steps []struct{ Client, Name, Outcome, Detail string } `json:"steps"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("lifecycle.js printed %s: %v", out, err)
	}
	clients := map[string]int{}
	for _, st := range doc.Steps {
		if st.Outcome != "pass" {
			t.Errorf("%s %s: %s %s", st.Client, st.Name, st.Outcome, st.Detail)
		}
		clients[st.Client]++
	}
	if len(clients) != 2 || len(doc.Steps) < 30 {
		t.Fatalf("want the lifecycle from both Node clients, got %v", clients)
	}
}
