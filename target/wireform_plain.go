package target

import (
	"net/url"
	"sort"
	"strings"

	"github.com/clbcheck/clbcheck/signature"
	"github.com/clbcheck/clbcheck/spec"
)

// wireFormPlain is the reference version of wireForm: the same wire form built with plain
// slices, url.Values and url.QueryEscape, written to be read rather than to be fast. Only the
// differential test calls it.
func wireFormPlain(in *wireIn, queryPrefix string) (query, body string) {
	var common []KV
	if in.Auth != spec.AuthV3 {
		common = append(common, KV{Name: spec.ParamAction, Value: in.Action}, KV{Name: spec.ParamVersion, Value: in.Version})
	}
	if in.Format != "" {
		common = append(common, KV{Name: spec.ParamFormat, Value: in.Format})
	}
	if in.Auth != spec.AuthV3 && in.V1Params {
		pv := signature.V1Params(in.Creds, in.Now)
		if in.Nonce != "" {
			pv.Set(spec.ParamSignatureNonce, in.Nonce)
		}
		names := make([]string, 0, len(pv))
		for k := range pv {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			common = append(common, KV{Name: k, Value: pv.Get(k)})
		}
	}
	own := append([]KV(nil), in.Params...)
	if in.Region != "" && !HasParam(in.Params, spec.ParamRegionID) {
		own = append(own, KV{Name: spec.ParamRegionID, Value: in.Region})
	}
	var q, form []KV
	switch in.Placement {
	case "form":
		form = append(common, own...)
	case "split":
		q, form = common, own
	default:
		q = append(common, own...)
	}
	if in.Auth != spec.AuthV3 && in.Auth != spec.AuthUnsigned {
		sig := signature.SignV1(in.Method, in.Creds.AccessKeySecret, serverValues(append(append([]KV(nil), q...), form...), in.Auth == spec.AuthV1SignedOnce))
		if in.Auth == spec.AuthBadSignature {
			sig = spoilPlain(sig)
		}
		if len(form) > 0 && len(q) == 0 {
			form = append(form, KV{Name: spec.ParamSignature, Value: sig})
		} else {
			q = append(q, KV{Name: spec.ParamSignature, Value: sig})
		}
	}
	if len(q) > 0 {
		query = queryPrefix + encodePlain(q)
	}
	return query, encodePlain(form)
}

// serverValues are the values a server reads from kvs (raw values unescaped when they can be),
// each repeated value kept once when once is set.
func serverValues(kvs []KV, once bool) url.Values {
	v := url.Values{}
	for _, kv := range kvs {
		val := kv.Value
		if kv.Raw {
			if d, err := url.QueryUnescape(val); err == nil {
				val = d
			}
		}
		if once {
			dup := false
			for _, x := range v[kv.Name] {
				dup = dup || x == val
			}
			if dup {
				continue
			}
		}
		v.Add(kv.Name, val)
	}
	return v
}

// spoilPlain changes the first character of a signature ("AAAA" for none).
func spoilPlain(sig string) string {
	switch {
	case sig == "":
		return "AAAA"
	case sig[0] == 'A':
		return "B" + sig[1:]
	default:
		return "A" + sig[1:]
	}
}

// encodePlain joins kvs as name=value pairs, percent-encoding all but raw values.
func encodePlain(kvs []KV) string {
	parts := make([]string, 0, len(kvs))
	for _, kv := range kvs {
		val := kv.Value
		if !kv.Raw {
			val = url.QueryEscape(val)
		}
		parts = append(parts, url.QueryEscape(kv.Name)+"="+val)
	}
	return strings.Join(parts, "&")
}
