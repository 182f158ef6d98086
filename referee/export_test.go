package referee

import "net/url"

// FindingsWholeRoute is Findings with kin-openapi validating every parameter of the
// operation, the lists included, as the referee did before it left them out (kinRoute).
func (r *Referee) FindingsWholeRoute(values url.Values) []Finding {
	cp := *r
	cp.kinRoute = r.route
	return cp.Findings(values)
}
