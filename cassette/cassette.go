package cassette

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/jarcoal/httpmock"

	"github.com/clbcheck/clbcheck/signature"
	"github.com/clbcheck/clbcheck/spec"
)

// A cassette is a folder of recorded exchanges, one JSON file each, in the order they
// happened. Recording redacts credentials and signatures and normalises what changes from run
// to run (resource ids, request ids, run ids, timestamps, PEM blocks), so that a later run
// with the same seed and one worker sends the same normalised requests and can be answered
// offline from the recording.

// Entry is one recorded request and its answer.
type Entry struct {
	Seq      int               `json:"seq"`
	Method   string            `json:"method"`
	Key      string            `json:"key"`    // normalised request, what replay matches on
	Params   map[string]string `json:"params"` // normalised parameters, for people
	Status   int               `json:"status"`
	Type     string            `json:"contentType"`
	Response string            `json:"response"` // normalised body
}

// dropped are parameters that differ on every request or identify the caller; they are never
// written to a cassette.
var dropped = map[string]bool{
	spec.ParamSignature: true, spec.ParamSignatureNonce: true, spec.ParamTimestamp: true, spec.ParamAccessKeyID: true,
	spec.ParamSecurityToken: true, spec.ParamSignatureMethod: true, spec.ParamSignatureVersion: true, spec.ParamSignatureType: true,
}

// idFields are answer fields holding ids the service makes up; they become stable tokens.
var idFields = []string{spec.FieldLoadBalancerID, spec.FieldServerCertificateID, spec.FieldCACertificateID, spec.FieldACLID,
	spec.FieldVServerGroupID, spec.FieldMasterSlaveServerGroupID, spec.FieldTLSCipherPolicyID}

var (
	reRunID     = regexp.MustCompile(`clbcheck-[0-9a-f]{8}`)
	reUnique    = regexp.MustCompile(`clbcheck-(.*?)-[0-9a-f]{8}[0-9]+`)
	rePEM       = regexp.MustCompile(`-----BEGIN [A-Z ]+-----[^-]*-----END [A-Z ]+-----\n?`)
	reTimestamp = regexp.MustCompile(`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z`)
	reRequestID = regexp.MustCompile(`("RequestId"\s*:\s*")[^"]*(")|(<RequestId>)[^<]*(</RequestId>)`)
	reStringSig = regexp.MustCompile(`server string to sign is:.*`)
)

// normaliser maps ids seen in answers to tokens and rewrites requests and answers with them.
type normaliser struct {
	mu     sync.Mutex
	tokens map[string]string // real id -> token
	counts map[string]int
}

func newNormaliser() *normaliser {
	return &normaliser{tokens: map[string]string{}, counts: map[string]int{}}
}

func (n *normaliser) text(s string) string {
	// Known ids first: the patterns below could otherwise rewrite part of an id.
	n.mu.Lock()
	for real, tok := range n.tokens {
		if strings.Contains(s, real) {
			s = strings.ReplaceAll(s, real, tok)
		}
	}
	n.mu.Unlock()
	s = rePEM.ReplaceAllString(s, "normalised-pem")
	s = reUnique.ReplaceAllString(s, "clbcheck-$1-RUN")
	s = reRunID.ReplaceAllString(s, "clbcheck-RUN")
	return reTimestamp.ReplaceAllString(s, "normalised-time")
}

// learn records the ids an answer introduces.
func (n *normaliser) learn(body []byte) {
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, f := range idFields {
		v, ok := m[f].(string)
		if !ok || v == "" || strings.HasPrefix(v, "rec-") {
			continue
		}
		if _, known := n.tokens[v]; !known {
			n.counts[f]++
			n.tokens[v] = fmt.Sprintf("rec-%s-%d", strings.ToLower(f), n.counts[f])
		}
	}
}

// key normalises a request into the string replay matches on.
func (n *normaliser) key(r *http.Request, body []byte) (string, map[string]string) {
	vals := url.Values{}
	q, _ := url.ParseQuery(r.URL.RawQuery)
	for k, v := range q {
		vals[k] = append(vals[k], v...)
	}
	if f, err := url.ParseQuery(string(body)); err == nil {
		for k, v := range f {
			vals[k] = append(vals[k], v...)
		}
	}
	if a := r.Header.Get(signature.HeaderAction); a != "" && vals.Get(spec.ParamAction) == "" {
		vals.Set(spec.ParamAction, a)
	}
	params := map[string]string{}
	var parts []string
	for k, vs := range vals {
		if dropped[k] {
			continue
		}
		// The run tag's value is the run id, different on every run.
		runTag := false
		if base, ok := strings.CutSuffix(k, "."+spec.FieldTagValue); ok && vals.Get(base+"."+spec.FieldTagKey) == spec.RunTagKey {
			runTag = true
		}
		for _, v := range vs {
			nv := n.text(v)
			if runTag {
				nv = "RUN"
			}
			params[k] = nv
			parts = append(parts, k+"="+nv)
		}
	}
	sort.Strings(parts)
	return r.Method + " " + strings.Join(parts, "&"), params
}

// normalisedRequestID stands for every recorded RequestId; a replay gives each answer one of
// its own in its place (replayedRequestID), since a RequestId names one request.
const normalisedRequestID = "normalised-request-id"

// replayedRequestID is the RequestId of the n-th answer a replay gives.
func replayedRequestID(n int64) string { return fmt.Sprintf("replayed-request-%d", n) }

func (n *normaliser) answer(body []byte) string {
	s := reRequestID.ReplaceAllString(string(body), "${1}${3}"+normalisedRequestID+"${2}${4}")
	s = reStringSig.ReplaceAllString(s, `server string to sign is:<redacted>"}`)
	return n.text(s)
}

// Recorder is an http.RoundTripper that records every exchange into a cassette folder.
type Recorder struct {
	dir  string
	next http.RoundTripper
	norm *normaliser
	mu   sync.Mutex
	seq  int
}

// NewRecorder creates dir and records the exchanges of next into it. A folder that already
// holds a recording is refused (ErrExists), never emptied: a slip of the command line
// must not replace a recording that may have cost a run against the real cloud.
func NewRecorder(dir string, next http.RoundTripper) (*Recorder, error) {
	if next == nil {
		next = http.DefaultTransport
	}
	if n := cassetteFiles(dir); n > 0 {
		return nil, fmt.Errorf("%w: %s holds %d recorded files; record into a new folder, or remove this one first (rm -r %s)", ErrExists, dir, n, dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create the cassette folder %s: %w", dir, err)
	}
	return &Recorder{dir: dir, next: next, norm: newNormaliser()}, nil
}

// ErrExists is the error of recording into a folder that holds a recording.
var ErrExists = errors.New("a cassette is already recorded there")

// cassetteFiles counts the files of a recording in dir (exchanges and description).
func cassetteFiles(dir string) int {
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	return len(files)
}

// RoundTrip implements http.RoundTripper.
func (rec *Recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
		req = withBody(req, b)
	}
	key, params := rec.norm.key(req, body)
	resp, err := rec.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	out, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(out))
	rec.norm.learn(out)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.seq++
	ex := Entry{Seq: rec.seq, Method: req.Method, Key: key, Params: params, Status: resp.StatusCode,
		Type: resp.Header.Get("Content-Type"), Response: rec.norm.answer(out)}
	raw, _ := json.MarshalIndent(ex, "", "  ")
	if werr := os.WriteFile(filepath.Join(rec.dir, fmt.Sprintf("%06d.json", rec.seq)), raw, 0o644); werr != nil {
		return nil, fmt.Errorf("cannot write to the cassette: %w", werr)
	}
	return resp, nil
}

// withBody is a copy of req that sends b with its length stated, as the request did before
// its body was read: a body of unknown length would go out chunked, which some servers
// cannot read (an empty one goes out as no body at all).
func withBody(req *http.Request, b []byte) *http.Request {
	out := req.Clone(req.Context())
	out.ContentLength = int64(len(b))
	out.Body, out.GetBody = http.NoBody, func() (io.ReadCloser, error) { return http.NoBody, nil }
	if len(b) > 0 {
		out.Body = io.NopCloser(bytes.NewReader(b))
		out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	}
	return out
}

// NewReplayClient returns an HTTP client whose requests are answered from the cassette in dir
// through httpmock, never the network. Requests are matched on their normalised form; repeated
// requests get the recorded answers in order. A request the cassette lacks gets a 501 answer
// with code spec.ReplayMissCode naming the request.
func NewReplayClient(dir string) (*http.Client, error) {
	all, err := filepath.Glob(filepath.Join(dir, "*.json"))
	var files []string
	for _, f := range all {
		if filepath.Base(f) != metaFile {
			files = append(files, f)
		}
	}
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no cassette in %s: record one first with --record %s", dir, dir)
	}
	sort.Strings(files)
	queues := map[string][]Entry{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("cannot read the cassette: %w", err)
		}
		var ex Entry
		if err := json.Unmarshal(raw, &ex); err != nil {
			return nil, fmt.Errorf("cassette file %s is not valid: %w", f, err)
		}
		queues[ex.Key] = append(queues[ex.Key], ex)
	}
	norm := newNormaliser()
	var mu sync.Mutex
	var answered atomic.Int64
	mock := httpmock.NewMockTransport()
	mock.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		var body []byte
		if req.Body != nil {
			body, _ = io.ReadAll(req.Body)
		}
		key, _ := norm.key(req, body)
		mu.Lock()
		q := queues[key]
		var ex Entry
		ok := len(q) > 0
		if ok {
			ex = q[0]
			if len(q) > 1 {
				queues[key] = q[1:]
			}
		}
		mu.Unlock()
		if !ok {
			// Answered at once and never retried (Retrying knows the code): a miss means the
			// replay left the recording's path, and waiting cannot bring it back.
			miss, _ := json.Marshal(map[string]string{spec.FieldRequestID: "replay-miss", spec.FieldCode: spec.ReplayMissCode,
				spec.FieldMessage: "the cassette holds no answer for " + key + "; record again with the same seed and --workers 1"})
			resp := httpmock.NewBytesResponse(http.StatusNotImplemented, miss)
			resp.Header.Set("Content-Type", "application/json;charset=utf-8")
			return resp, nil
		}
		answer := strings.ReplaceAll(ex.Response, normalisedRequestID, replayedRequestID(answered.Add(1)))
		resp := httpmock.NewStringResponse(ex.Status, answer)
		resp.Header.Set("Content-Type", ex.Type)
		return resp, nil
	})
	return &http.Client{Transport: mock}, nil
}

// Meta describes a recording: which principals the recording run had, so that a replay
// offers the same ones (a case skipped for lack of a principal stays skipped), and the settings
// that decided which requests the recording run sent, so that a replay sends the same ones.
type Meta struct {
	Target     string   `json:"target"`
	Region     string   `json:"region"`
	Principals []string `json:"principals"`
	STS        bool     `json:"sts"` // the primary principal had a security token
	// Quotas and Scenarios are the provider-side facts the recorded target offered (the
	// embedded emulator offers its own), so that a replay runs the same cases.
	Quotas    map[string]int    `json:"quotas,omitempty"`
	Scenarios map[string]string `json:"scenarios,omitempty"`
	// Run holds the recording run's settings by flag name, each with its values in the order
	// given ("seed": ["7"], "include": ["a", "b"]); older recordings have none.
	Run map[string][]string `json:"run,omitempty"`
}

const metaFile = "cassette-meta.json"

// WriteMeta stores meta beside the exchanges.
func WriteMeta(dir string, meta Meta) error {
	raw, err := json.MarshalIndent(meta, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, metaFile), raw, 0o644); err != nil {
		return fmt.Errorf("cannot write the cassette description: %w", err)
	}
	return nil
}

// ReadMeta reads what WriteMeta stored.
func ReadMeta(dir string) (Meta, error) {
	var meta Meta
	raw, err := os.ReadFile(filepath.Join(dir, metaFile))
	if err != nil {
		return meta, fmt.Errorf("%s has no cassette description (%s): record it with --record", dir, metaFile)
	}
	if err := json.Unmarshal(raw, &meta); err != nil {
		return meta, fmt.Errorf("cassette description in %s is not valid: %w", dir, err)
	}
	return meta, nil
}
