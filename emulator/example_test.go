package emulator_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/signature"
	"github.com/clbcheck/clbcheck/spec"
)

// The emulator is an http.Handler: a signed request can be served in-process, without a
// socket. Here an instance is created with the primary account's key.
func Example() {
	cfg := emulator.DefaultConfig()
	em := emulator.MustNew(cfg)
	creds := cfg.MustPrincipal(emulator.PrincipalPrimary).Credentials

	v := url.Values{
		spec.ParamAction:           {spec.ActionCreateLoadBalancer},
		spec.ParamVersion:          {spec.MustDefault().APIVersion},
		spec.ParamRegionID:         {cfg.Region},
		spec.ParamLoadBalancerSpec: {"slb.s2.small"},
	}
	signature.AddV1Params(v, creds, time.Now())
	v.Set(spec.ParamSignature, signature.SignV1(http.MethodPost, creds.AccessKeySecret, v))

	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	em.ServeHTTP(rec, req)

	var out map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	fmt.Println(rec.Code, rec.Header().Get("Content-Type"), strings.HasPrefix(out[spec.FieldLoadBalancerID].(string), "lb-"))
	// Output: 200 application/json;charset=utf-8 true
}
