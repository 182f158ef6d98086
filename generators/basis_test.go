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
	cert := find("negative/ServerCertificateId/LENGTH_ABOVE_MAXIMUM/")
	assert.True(t, cert.Expect.Acceptable(404, "ResourceNotFound.Certificate"), "%+v", cert.Expect)
	assert.True(t, cert.Expect.Acceptable(400, "CertificateNotExist"))
	assert.True(t, cert.Expect.Acceptable(400, "InvalidParameter"))
	assert.False(t, cert.Expect.Acceptable(200, ""), "still refused")
	acl := find("negative/AclId/LENGTH_ABOVE_MAXIMUM/")
	assert.True(t, acl.Expect.Acceptable(400, "AclNotExist"), "%+v", acl.Expect)
	assert.False(t, acl.Expect.Acceptable(400, "CertificateNotExist"), "only the id's own not-found")
}
