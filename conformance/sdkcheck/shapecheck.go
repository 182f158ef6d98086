package sdkcheck

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"
	"text/tabwriter"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/responses"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/slb"

	"github.com/clbcheck/clbcheck/spec"
)

// ClientShape names the shape comparison in step results.
const ClientShape = "go-sdk-shape"

// Formats an answer is asked for in.
const (
	FormatJSON = "JSON"
	FormatXML  = "XML"
)

// errorShape is what the classic SDK reads of an error answer (sdk/errors.NewServerError):
// five strings and an object.
type errorShape struct {
	RequestId          string         `json:"RequestId" xml:"RequestId"`
	HostId             string         `json:"HostId" xml:"HostId"`
	Code               string         `json:"Code" xml:"Code"`
	Message            string         `json:"Message" xml:"Message"`
	Recommend          string         `json:"Recommend" xml:"Recommend"`
	AccessDeniedDetail map[string]any `json:"AccessDeniedDetail" xml:"AccessDeniedDetail"`
}

// xmlErrorRoot is the root element of an error answer in XML.
const xmlErrorRoot = "Error"

// OpShape is the comparison of one operation's answers with the SDK's typed response.
type OpShape struct {
	Action string `json:"action"`
	// Answers compared: Successes and Errors, in JSON and XML.
	Successes int `json:"successes"`
	Errors    int `json:"errors"`
	// Declared lists the field paths of the typed response; Sent those a success filled.
	Declared []string `json:"declared"`
	Sent     []string `json:"sent"`
	// NeverSent maps each declared path no success filled to why that is right (empty: it is
	// not, and the operation fails).
	NeverSent map[string]string `json:"neverSent,omitempty"`
	// Problems are what breaks the SDK: an answer it cannot read, a field of another type or
	// in another case than it reads.
	Problems []string `json:"problems,omitempty"`
	// Unjudged are differences that break no SDK and that the reference page does not rule
	// on: fields the SDK ignores, a call of the scenario answered the other way than the
	// emulator answers it. sdk-check reports them without failing; the emulator's own test
	// holds it to them.
	Unjudged []string `json:"unjudged,omitempty"`
}

// OK reports whether the operation's answers match the SDK as fully as the emulator's must:
// no problem and nothing unjudged, every declared field sent or explained, and both a success
// and an error compared in each format.
func (o OpShape) OK() bool { return len(o.failures()) == 0 }

func (o OpShape) failures() []string {
	return append(append([]string{}, o.Problems...), o.incomplete()...)
}

// incomplete lists what the comparison could not see or judge: unjudged differences, declared
// fields never sent, and a format or class of answer not compared.
func (o OpShape) incomplete() []string {
	out := append([]string{}, o.Unjudged...)
	for _, p := range sortedKeys(o.NeverSent) {
		if o.NeverSent[p] == "" {
			out = append(out, p+": declared by the SDK, never sent")
		}
	}
	if o.Successes < 2 || o.Errors < 2 {
		out = append(out, fmt.Sprintf("only %d successes and %d errors compared (want both, in JSON and XML)", o.Successes, o.Errors))
	}
	return out
}

// shapeAcc gathers the comparisons of one operation.
type shapeAcc struct {
	shape OpShape
	sent  map[string]bool
}

// shapeRun drives an endpoint with the classic SDK and compares every answer.
type shapeRun struct {
	cfg    *Config
	scheme string
	client *slb.Client
	wrong  *slb.Client // a wrong secret, for an error answer of every operation
	denied *slb.Client // a RAM user denied the operation under test (optional)
	ops    map[string]*shapeAcc
}

func (r *shapeRun) acc(action string) *shapeAcc {
	a := r.ops[action]
	if a == nil {
		a = &shapeAcc{shape: OpShape{Action: action}, sent: map[string]bool{}}
		r.ops[action] = a
	}
	return a
}

func (a *shapeAcc) problem(format, where string, err error) {
	a.shape.Problems = append(a.shape.Problems, fmt.Sprintf("[%s %s] %v", format, where, err))
}

func (a *shapeAcc) unjudged(format, where string, err error) {
	a.shape.Unjudged = append(a.shape.Unjudged, fmt.Sprintf("[%s %s] %v", format, where, err))
}

// call sends one request through the SDK's own call path (DoAction with the operation's typed
// request and response) and compares the answer. It returns the typed response of a success.
func (r *shapeRun) call(c *slb.Client, action, format string, params map[string]string, wantErr bool) responses.AcsResponse {
	a := r.acc(action)
	m, ok := sdkModels[action]
	if !ok {
		a.problem(format, "model", errors.New("the classic SDK has no model for this operation"))
		return nil
	}
	req, resp := m.request(), m.response()
	req.SetScheme(r.scheme)
	reflect.ValueOf(req).Elem().FieldByName("AcceptFormat").SetString(format)
	for k, v := range params {
		req.GetQueryParams()[k] = v
	}
	err := c.DoAction(req, resp)
	body := resp.GetHttpContentBytes()
	var se *sdkerrors.ServerError
	switch {
	case err != nil && errors.As(err, &se):
		a.shape.Errors++
		if !wantErr {
			a.unjudged(format, "success expected", fmt.Errorf("%s: %s", se.ErrorCode(), oneLine(se.Message())))
		}
		r.compare(a, format, "error", body, reflect.TypeOf(errorShape{}), xmlErrorRoot, nil)
		return nil
	case err != nil:
		a.problem(format, "decode", fmt.Errorf("the SDK could not read the answer: %s", oneLine(err.Error())))
		r.compare(a, format, "success", body, reflect.TypeOf(resp).Elem(), action+"Response", a.sent)
		return nil
	}
	a.shape.Successes++
	if wantErr {
		a.unjudged(format, "error expected", errors.New("the call succeeded"))
	}
	r.compare(a, format, "success", body, reflect.TypeOf(resp).Elem(), action+"Response", a.sent)
	return resp
}

// compare checks one body with a type; sent, when not nil, collects the paths filled.
func (r *shapeRun) compare(a *shapeAcc, format, what string, body []byte, t reflect.Type, xmlRoot string, sent map[string]bool) {
	w := &shapeWalk{sent: map[string]bool{}}
	if format == FormatXML {
		root, err := parseXML(body)
		if err != nil {
			a.problem(format, what, fmt.Errorf("the XML does not parse: %v", err))
			return
		}
		if root.name != xmlRoot {
			a.problem(format, what, fmt.Errorf("the root element is <%s>, want <%s>", root.name, xmlRoot))
		}
		w.xml("", root, t)
	} else {
		v, err := decodeJSON(body)
		if err != nil {
			a.problem(format, what, fmt.Errorf("the JSON does not parse: %v", err))
			return
		}
		w.json("", v, t)
	}
	for _, p := range w.problems {
		a.problem(format, what, errors.New(p.String()))
	}
	for _, p := range w.extra {
		a.unjudged(format, what, errors.New(p.String()))
	}
	for p := range w.sent {
		if sent != nil {
			sent[p] = true
		}
	}
}

// both calls an operation in JSON and in XML, each format with its own parameters (nil: the
// format is skipped), and returns the JSON success.
func (r *shapeRun) both(action string, params func(format string) map[string]string) responses.AcsResponse {
	var out responses.AcsResponse
	for _, f := range []string{FormatJSON, FormatXML} {
		p := params(f)
		if p == nil {
			continue
		}
		res := r.call(r.client, action, f, p, false)
		if f == FormatJSON {
			out = res
		}
	}
	return out
}

// fails calls an operation in both formats expecting an error answer.
func (r *shapeRun) fails(c *slb.Client, action string, params map[string]string) {
	for _, f := range []string{FormatJSON, FormatXML} {
		r.call(c, action, f, params, true)
	}
}

// same gives both formats the same parameters.
func same(p map[string]string) func(string) map[string]string {
	return func(string) map[string]string { return p }
}

// stringField reads a string field of a typed response by its Go name ("" when absent).
func stringField(resp responses.AcsResponse, name string) string {
	if resp == nil {
		return ""
	}
	v := reflect.ValueOf(resp).Elem().FieldByName(name)
	if !v.IsValid() || v.Kind() != reflect.String {
		return ""
	}
	return v.String()
}

// finish turns the gathered comparisons into one OpShape per served operation.
func (r *shapeRun) finish() []OpShape {
	var out []OpShape
	for _, op := range spec.MustDefault().Operations {
		a := r.acc(op.Action)
		s := a.shape
		if m, ok := sdkModels[op.Action]; ok {
			s.Declared = declaredPaths(reflect.TypeOf(m.response()).Elem(), "json")
		}
		s.NeverSent = map[string]string{}
		for _, p := range s.Declared {
			if a.sent[p] {
				s.Sent = append(s.Sent, p)
				continue
			}
			s.NeverSent[p] = whyNotSent(op.Action, p)
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Action < out[j].Action })
	return out
}

// RunShapes drives the endpoint through every operation the description lists, with the
// classic SDK's typed models, in JSON and XML, success and error, and compares every answer
// with the model (see OpShape).
func RunShapes(cfg Config) ([]OpShape, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	host, scheme := cfg.hostAndScheme()
	c, err := ClassicClient(cfg.Region, host, cfg.Primary)
	if err != nil {
		return nil, err
	}
	wrong := cfg.Primary
	wrong.AccessKeySecret += "-wrong"
	wc, err := ClassicClient(cfg.Region, host, wrong)
	if err != nil {
		return nil, err
	}
	r := &shapeRun{cfg: &cfg, scheme: scheme, client: c, wrong: wc, ops: map[string]*shapeAcc{}}
	if cfg.Restricted.AccessKeyID != "" {
		if r.denied, err = ClassicClient(cfg.Region, host, cfg.Restricted); err != nil {
			return nil, err
		}
	}
	if err := r.scenario(); err != nil {
		return nil, err
	}
	for _, op := range spec.MustDefault().Operations {
		// Every operation answers a wrong signature the gateway's way.
		r.fails(r.wrong, op.Action, map[string]string{})
	}
	return r.finish(), nil
}

// ShapeSteps turns the comparison into one step per operation, for the sdk-check table.
func ShapeSteps(shapes []OpShape) []Step {
	var out []Step
	for _, s := range shapes {
		st := Step{Client: ClientShape, Name: s.Action, Outcome: Pass,
			Detail: fmt.Sprintf("%d/%d fields sent; %d successes, %d errors", len(s.Sent), len(s.Declared), s.Successes, s.Errors)}
		if inc := s.incomplete(); len(inc) > 0 {
			st.Detail += "; not judged (breaks no SDK, or the page does not cover it): " + strings.Join(inc, "; ")
		}
		if len(s.Problems) > 0 {
			st.Outcome, st.Detail = Fail, strings.Join(s.Problems, "; ")
		}
		out = append(out, st)
	}
	return out
}

// WriteShapeTable prints, per operation, how many field paths the SDK's typed response
// declares, how many some answer sent, and the others grouped by why they are absent.
func WriteShapeTable(w io.Writer, shapes []OpShape) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "OPERATION\tDECLARED\tSENT\tANSWERS ok/error\tNEVER SENT, BY REASON")
	for _, s := range shapes {
		byWhy := map[string]int{}
		for _, why := range s.NeverSent {
			if why == "" {
				why = "NOT EXPLAINED"
			}
			byWhy[why]++
		}
		var never []string
		for _, why := range sortedKeys(byWhy) {
			never = append(never, fmt.Sprintf("%d: %s", byWhy[why], why))
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d/%d\t%s\n", s.Action, len(s.Declared), len(s.Sent), s.Successes, s.Errors, dash(strings.Join(never, " | ")))
	}
	return tw.Flush()
}

// whyNotSent says why a field the SDK declares is right to be absent from every answer of the
// scenario, or "" when it is not.
func whyNotSent(action, path string) string {
	for _, r := range notSent[action] {
		if path == r.path || strings.HasPrefix(path, r.path+".") || strings.HasPrefix(path, r.path+"[]") {
			return r.why
		}
	}
	return ""
}

// absent is a field (or subtree) an answer leaves out, and why.
type absent struct{ path, why string }

// Reasons shared by several operations.
const (
	whyAliCloudCert  = "only for a certificate of the separate certificate service; these are uploaded"
	whyListenerCert  = "the listing's certificate model is shared with DescribeServerCertificates; a listener's binding carries CertificateId, BindingType and StandardType"
	whyCertListing   = "the model is shared with the listeners' bindings; a certificate listing has no binding"
	whyOtherProtocol = "the listener of another protocol; the scenario creates HTTPS listeners only"
	whyNoRules       = "forwarding rules and domain extensions come from CreateRules and CreateDomainExtension, which the scenario does not call"
	whyNoBackends    = "servers of the default group come from AddBackendServers, which the scenario does not call"
	whyPrepaid       = "only for a subscription (prepaid) instance; the scenario's are pay-as-you-go"
	whyNotOffered    = "a feature the scenario does not use (cloud box, CEN, reserved bandwidth, PrivateLink, labels)"
	whyProtection    = "only when modification protection is on; the scenario's instances are unprotected"
	whySpecFlags     = "only for instances of the pay-by-CLCU kind"
	whyCrossRegion   = "only for servers of another region, a VBR or another VPC; the scenario's servers are ECS instances"
	whyForward       = "only for an HTTP listener that forwards to HTTPS"
	whySecurity      = "only for a listener with a security policy of the separate security service"
	whyOrders        = "only for an instance with an order not yet in effect"
)

var notSent = map[string][]absent{
	spec.ActionCreateVServerGroup: {
		{"BackendServers.BackendServer[].ServerRegionId", whyCrossRegion}, {"BackendServers.BackendServer[].VbrId", whyCrossRegion},
		{"BackendServers.BackendServer[].VpcId", whyCrossRegion},
	},
	spec.ActionCreateMasterSlaveGroup:  {{"MasterSlaveBackendServers.MasterSlaveBackendServer[].VpcId", whyCrossRegion}},
	spec.ActionUploadServerCertificate: {{"AliCloudCertificateId", whyAliCloudCert}, {"AliCloudCertificateName", whyAliCloudCert}},
	spec.ActionDescribeServerCerts: {
		{"ServerCertificates.ServerCertificate[].AliCloudCertificateId", whyAliCloudCert},
		{"ServerCertificates.ServerCertificate[].AliCloudCertificateName", whyAliCloudCert},
		{"ServerCertificates.ServerCertificate[].BindingType", whyCertListing}, {"ServerCertificates.ServerCertificate[].CertificateId", whyCertListing},
	},
	spec.ActionDescribeLoadBalancer: {
		{"AssociatedCenId", whyNotOffered}, {"AssociatedCenStatus", whyNotOffered}, {"CloudInstanceId", whyNotOffered},
		{"CloudInstanceType", whyNotOffered}, {"CloudInstanceUid", whyNotOffered}, {"CloudType", whyNotOffered},
		{"TunnelType", whyNotOffered}, {"Labels", whyNotOffered}, {"SupportPrivateLink", whyNotOffered},
		{"HasReservedInfo", whyNotOffered}, {"ReservedInfoActiveTime", whyNotOffered}, {"ReservedInfoBandwidth", whyNotOffered},
		{"ReservedInfoInternetChargeType", whyNotOffered}, {"ReservedInfoOrderType", whyNotOffered},
		{"AutoReleaseTime", whyPrepaid}, {"RenewalCycUnit", whyPrepaid}, {"RenewalDuration", whyPrepaid}, {"RenewalStatus", whyPrepaid},
		{"ModificationProtectionReason", whyProtection}, {"SpecBpsFlag", whySpecFlags}, {"SpecType", whySpecFlags},
		{"BackendServers.BackendServer[]", whyNoBackends},
		{"ListenerPortsAndProtocol.ListenerPortAndProtocol[].ForwardPort", whyForward},
		{"ListenerPortsAndProtocol.ListenerPortAndProtocol[].ListenerForward", whyForward},
	},
	spec.ActionDescribeLoadBalancers: {
		{"LoadBalancers.LoadBalancer[].IneffectiveOrderList", whyOrders}, {"LoadBalancers.LoadBalancer[].InternetChargeTypeAlias", whyPrepaid},
		{"LoadBalancers.LoadBalancer[].ModificationProtectionReason", whyProtection}, {"LoadBalancers.LoadBalancer[].ServiceManagedReason", whyNotOffered},
		{"LoadBalancers.LoadBalancer[].SpecBpsFlag", whySpecFlags}, {"LoadBalancers.LoadBalancer[].SpecType", whySpecFlags},
	},
	spec.ActionDescribeHTTPSListener: {
		{"DomainExtensions.DomainExtension[]", whyNoRules}, {"Rules.Rule[]", whyNoRules}, {"SecurityStatus", whySecurity},
		{"ServerCertificates.ServerCertificate[].AliCloudCertificateId", whyListenerCert},
		{"ServerCertificates.ServerCertificate[].AliCloudCertificateName", whyListenerCert},
		{"ServerCertificates.ServerCertificate[].CommonName", whyListenerCert}, {"ServerCertificates.ServerCertificate[].CreateTime", whyListenerCert},
		{"ServerCertificates.ServerCertificate[].CreateTimeStamp", whyListenerCert},
		{"ServerCertificates.ServerCertificate[].EncryptionAlgorithm", whyListenerCert},
		{"ServerCertificates.ServerCertificate[].EncryptionKeyLength", whyListenerCert},
		{"ServerCertificates.ServerCertificate[].ExpireTime", whyListenerCert}, {"ServerCertificates.ServerCertificate[].ExpireTimeStamp", whyListenerCert},
		{"ServerCertificates.ServerCertificate[].Fingerprint", whyListenerCert},
		{"ServerCertificates.ServerCertificate[].IsAliCloudCertificate", whyListenerCert},
		{"ServerCertificates.ServerCertificate[].RegionId", whyListenerCert}, {"ServerCertificates.ServerCertificate[].RegionIdAlias", whyListenerCert},
		{"ServerCertificates.ServerCertificate[].ResourceGroupId", whyListenerCert},
		{"ServerCertificates.ServerCertificate[].ServerCertificateId", whyListenerCert},
		{"ServerCertificates.ServerCertificate[].ServerCertificateName", whyListenerCert},
		{"ServerCertificates.ServerCertificate[].SubjectAlternativeNames", whyListenerCert},
		{"ServerCertificates.ServerCertificate[].Tags", whyListenerCert},
	},
}

func init() {
	// The listing's listener item uses the same certificate model under HTTPSListenerConfig.
	var listing []absent
	for _, a := range notSent[spec.ActionDescribeHTTPSListener] {
		if p, ok := strings.CutPrefix(a.path, "ServerCertificates.ServerCertificate[]"); ok {
			listing = append(listing, absent{"Listeners[].HTTPSListenerConfig.ServerCertificates[]" + p, a.why})
		}
	}
	for _, cfg := range []string{"HTTPListenerConfig", "TCPListenerConfig", "TCPSListenerConfig", "UDPListenerConfig"} {
		listing = append(listing, absent{"Listeners[]." + cfg, whyOtherProtocol})
	}
	notSent[spec.ActionDescribeListeners] = listing
}
