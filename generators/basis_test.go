package generators_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/clbcheck/clbcheck/generators"
	"github.com/clbcheck/clbcheck/spec"
)

// How firmly a case's direction is backed follows what the page states: an edge only other
// sources give (Bandwidth's 5120) is an inferred acceptance, a stated one (ListenerPort's
// 65535) a documented one; a non-ASCII letter where the page says "letters" may go either way,
// where it says "ASCII letters" (Cookie) it must be refused.
func TestDirectionBasisFollowsThePage(t *testing.T) {
	byID := map[string]generators.Case{}
	for _, c := range generators.Enumerate(spec.MustDefault(), generators.Options{}) {
		byID[c.ID] = c
	}
	for id, want := range map[string]struct {
		dir    spec.Basis
		either bool
	}{
		"positive/Bandwidth/VALUE_AT_MAXIMUM/5120":     {spec.Inferred, false},
		"positive/ListenerPort/VALUE_AT_MAXIMUM/65535": {spec.Documented, false},
		"positive/base": {spec.Documented, false},
		"negative/Description/INVALID_PATTERN_CJK/HTTP中S_443":   {spec.Inferred, true},
		"negative/Cookie/INVALID_PATTERN_NON_ASCII/testCéookie": {spec.Documented, false},
	} {
		c, ok := byID[id]
		require.True(t, ok, "no case %s", id)
		assert.Equal(t, want.dir, c.Expect.DirectionBasis, id)
		assert.Equal(t, want.either, c.Expect.Either, id)
	}
}

// A malformed id names no resource either: the refusal of an over-long certificate or ACL id
// may carry the not-found answer of x-missing-state beside the constraint's code, with that
// answer's status; the direction stays the constraint's.
func TestMalformedIdMayBeAnsweredNotFound(t *testing.T) {
	s := spec.MustDefault()
	require.NotEmpty(t, s.UnderTest.Param(spec.ParamServerCertificateID).MissingState)
	byID := map[string]generators.Case{}
	for _, c := range generators.Enumerate(s, generators.Options{}) {
		byID[c.ID] = c
	}
	find := func(prefix string) generators.Case {
		for id, c := range byID {
			if strings.HasPrefix(id, prefix) {
				return c
			}
		}
		t.Fatalf("no case %s...", prefix)
		return generators.Case{}
	}
	notFound := func(p string) spec.Outcome {
		e, ok := s.StateError(s.UnderTest.Param(p).MissingState)
		require.True(t, ok, p)
		return s.Accepting(e)
	}
	certMissing, aclMissing := notFound(spec.ParamServerCertificateID), notFound(spec.ParamACLID)
	cert := find("negative/" + spec.ParamServerCertificateID + "/LENGTH_ABOVE_MAXIMUM/")
	for _, code := range certMissing.Accept {
		if e, ok := s.Error(code); ok {
			assert.True(t, cert.Expect.Acceptable(e.Status, e.Code), "%s %d: %+v", e.Code, e.Status, cert.Expect)
		}
	}
	assert.True(t, cert.Expect.Exact(cert.Expect.Status, cert.Expect.Code), "the constraint's own code still passes")
	assert.False(t, cert.Expect.Acceptable(200, ""), "still refused")
	acl := find("negative/" + spec.ParamACLID + "/LENGTH_ABOVE_MAXIMUM/")
	assert.True(t, acl.Expect.Acceptable(aclMissing.Status, aclMissing.Code), "%+v", acl.Expect)
	assert.False(t, acl.Expect.Acceptable(certMissing.Status, certMissing.Code), "only the id's own not-found")
}
