package referee

import "net/url"

// FindingsWholeRoute is Findings with kin-openapi validating every parameter of the
// operation, the lists included, as the referee did before it left them out (kinRoute).
func (r *Referee) FindingsWholeRoute(values url.Values) []Finding {
	cp := *r
	cp.kinRoute = r.route
	cp.memo = nil
	return cp.Findings(values)
}

// WithoutMemo is a copy of r that judges every value afresh (the reference of memo.go).
func (r *Referee) WithoutMemo() *Referee {
	cp := *r
	cp.memo = nil
	return &cp
}

// WithMemo is a copy of r with a memo of its own that keeps at most limit verdicts.
func (r *Referee) WithMemo(limit int) *Referee {
	cp := *r
	cp.memo = newMemo(limit)
	return &cp
}

// ListSplit reads name as an entry of the list parameter list, with the plain reader and with
// the regular expression (the reference).
func (r *Referee) ListSplit(list, name string) (plain, pattern []string) {
	for _, l := range r.lists {
		if l.p.Name != list {
			continue
		}
		if i, f, ok := l.split(name); ok {
			plain = []string{name, i, f}
		}
		return plain, l.match(name)
	}
	return nil, nil
}
