package signature

import "strings"

// PercentEncode escapes s the way Alibaba Cloud's signing schemes require:
// the bytes of s (taken as UTF-8) that are unreserved in RFC 3986, namely
// A-Z, a-z, 0-9, '-', '_', '.' and '~', are copied unchanged, and every
// other byte is written as '%' followed by two upper-case hex digits.
// A space therefore becomes "%20" and '*' becomes "%2A"; '+' is never
// produced for a space.
func PercentEncode(s string) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s) + 2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&0x0f])
	}
	return b.String()
}

func unreserved(c byte) bool { return unreservedSet[c] }

// unreservedSet marks the bytes PercentEncode copies unchanged.
var unreservedSet = func() (set [256]bool) {
	for c := 0; c < 256; c++ {
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			set[c] = true
		case c == '-', c == '_', c == '.', c == '~':
			set[c] = true
		}
	}
	return set
}()

// unreservedByte is unreservedSet as 0 and 1, for testing several bytes with one expression.
var unreservedByte = func() (set [256]uint8) {
	for c, ok := range unreservedSet {
		if ok {
			set[c] = 1
		}
	}
	return set
}()
