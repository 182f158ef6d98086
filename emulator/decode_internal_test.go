package emulator

import (
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// decodeByParseQuery is decode as it was written first, with url.ParseQuery and two maps; the
// one-pass decoder must give the same parameters and the same errors.
func (e *Emulator) decodeByParseQuery(w http.ResponseWriter, hr *http.Request, req *request) *apiError {
	merge := func(dst, src url.Values) {
		for k, vs := range src {
			for _, v := range vs {
				if !slices.Contains(dst[k], v) {
					dst[k] = append(dst[k], v)
				}
			}
		}
	}
	q, qerr := url.ParseQuery(hr.URL.RawQuery)
	req.raw = q
	req.values = url.Values{}
	merge(req.values, q)
	if hr.Body != nil {
		body, err := io.ReadAll(http.MaxBytesReader(w, hr.Body, maxBody))
		if err != nil {
			return e.gatewayError("invalid-parameter", "the request body is larger than the emulator accepts or could not be read")
		}
		req.body = body
		ct, _, _ := mime.ParseMediaType(hr.Header.Get("Content-Type"))
		var f url.Values
		switch {
		case len(body) == 0:
		case ct == e.spec.Wire.BodyContentType || ct == "":
			var ferr error
			f, ferr = url.ParseQuery(string(body))
			if ferr != nil && qerr == nil {
				qerr = ferr
			}
		case ct == "application/json":
			var ferr error
			if f, ferr = flattenJSON(body); ferr != nil {
				return e.gatewayError("invalid-parameter", "the JSON body is not an object: "+ferr.Error())
			}
		}
		merge(req.values, f)
		for k, vs := range f {
			req.raw[k] = append(req.raw[k], vs...)
		}
	}
	if qerr != nil {
		return e.gatewayError("invalid-parameter", "the query or form body is not valid URL encoding: "+qerr.Error())
	}
	return nil
}

func FuzzDecodeMatchesParseQuery(f *testing.F) {
	e := MustNew(DefaultConfig())
	for _, s := range []string{
		"Action=A&Version=1&Tag.1.Key=a%20b+c",
		"a=1&a=1&a=2&b=&c",
		"a=%zz&b=1;c&%=x&d=%41",
		"&&=&x=y=z",
		`{"Tag":[{"Key":"k","Value":1}],"A":"b","N":null}`,
	} {
		f.Add(s, s, "")
		f.Add("a=1", s, "application/json")
		f.Add(s, s, "application/x-www-form-urlencoded; charset=utf-8")
		f.Add(s, "", "text/plain")
	}
	f.Fuzz(func(t *testing.T, query, body, contentType string) {
		build := func() *http.Request {
			hr := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
			if body == "" {
				hr.Body = http.NoBody
			}
			hr.URL.RawQuery = query
			if contentType != "" {
				hr.Header.Set("Content-Type", contentType)
			}
			return hr
		}
		var got, want request
		gerr := e.decode(httptest.NewRecorder(), build(), &got)
		werr := e.decodeByParseQuery(httptest.NewRecorder(), build(), &want)
		if !reflect.DeepEqual(gerr, werr) {
			t.Fatalf("query %q body %q: error %v, want %v", query, body, gerr, werr)
		}
		if werr != nil {
			return
		}
		if !reflect.DeepEqual(got.raw, want.raw) || !reflect.DeepEqual(got.values, want.values) || string(got.body) != string(want.body) {
			t.Fatalf("query %q body %q:\nraw %v\nwant %v\nvalues %v\nwant %v", query, body, got.raw, want.raw, got.values, want.values)
		}
		if got.repeats != hasRepeat(got.raw) {
			t.Fatalf("repeats %v for %v", got.repeats, got.raw)
		}
	})
}

func hasRepeat(v url.Values) bool {
	for _, vs := range v {
		if len(vs) > 1 {
			return true
		}
	}
	return false
}

func TestDecodeNilAndEmptyBodies(t *testing.T) {
	e := MustNew(DefaultConfig())
	hr := httptest.NewRequest(http.MethodGet, "/?a=1", nil)
	hr.Body = nil
	var req request
	if ae := e.decode(httptest.NewRecorder(), hr, &req); ae != nil || req.body != nil || req.value("a") != "1" {
		t.Fatalf("no body: %v %v %v", ae, req.body, req.values)
	}
	hr.Body = http.NoBody
	req = request{}
	if ae := e.decode(httptest.NewRecorder(), hr, &req); ae != nil || req.body == nil || len(req.body) != 0 {
		t.Fatalf("empty body: %v %#v", ae, req.body)
	}
	big := strings.Repeat("a=1&", maxQueryPairs+1)
	hr = httptest.NewRequest(http.MethodGet, "/?"+big, nil)
	req = request{}
	if ae := e.decode(httptest.NewRecorder(), hr, &req); ae == nil || !strings.Contains(ae.Message, "exceeded limit") {
		t.Fatalf("too many pairs: %v", ae)
	}
	hr = httptest.NewRequest(http.MethodPost, "/", strings.NewReader(strings.Repeat("x", maxBody+1)))
	req = request{}
	if ae := e.decode(httptest.NewRecorder(), hr, &req); ae == nil || !strings.Contains(ae.Recommend, "larger") {
		t.Fatalf("large body: %v", ae)
	}
}

func TestBodyContentTypeIsItsOwnMediaType(t *testing.T) {
	e := MustNew(DefaultConfig())
	ct, _, err := mime.ParseMediaType(e.spec.Wire.BodyContentType)
	if err != nil || ct != e.spec.Wire.BodyContentType {
		t.Fatalf("%q parses as %q, %v", e.spec.Wire.BodyContentType, ct, err)
	}
}
