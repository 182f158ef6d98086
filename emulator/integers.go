package emulator

import (
	"math/big"
	"strconv"
	"strings"
	"unicode"
)

// lenientInteger reads an integer the way a forgiving service might: surrounding spaces, a
// leading '+', leading zeros, a hexadecimal 0x form, a decimal fraction or exponent that
// still names an integer (1e3, 2.0), and decimal digits of any script (Arabic-Indic "١",
// full-width "１"). It reports false for anything else, for a non-integral number and for a
// number past int64. The page says nothing about such spellings, so accepting them conforms
// as long as the value they mean is then range-checked and stored (Choices.LenientIntegers).
func lenientInteger(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	ascii, ok := asciiDigits(s)
	if !ok {
		return 0, false
	}
	sign, body := "", ascii
	if body[0] == '+' || body[0] == '-' {
		sign, body = body[:1], body[1:]
	}
	if body == "" {
		return 0, false
	}
	if hex, ok := strings.CutPrefix(strings.ToLower(body), "0x"); ok {
		if hex == "" || strings.ContainsAny(hex, "+-_") {
			return 0, false
		}
		n, err := strconv.ParseInt(sign+hex, 16, 64)
		return n, err == nil
	}
	if strings.ContainsAny(body, "+-_") && !strings.ContainsAny(body, "eE") {
		return 0, false
	}
	if n, err := strconv.ParseInt(sign+body, 10, 64); err == nil {
		return n, true
	}
	return integralDecimal(sign + body)
}

// integralDecimal reads a decimal with a fraction or an exponent ("1e3", "2.50e1") exactly and
// reports whether it names an integer that fits int64.
func integralDecimal(s string) (int64, bool) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9') && c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-' {
			return 0, false
		}
	}
	// An exponent this large cannot name an int64 unless the value is zero; it would also make
	// big.Rat work for a long time.
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		exp, err := strconv.Atoi(s[i+1:])
		if err != nil || exp > 40 || exp < -40 {
			return 0, false
		}
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok || !r.IsInt() {
		return 0, false
	}
	if n := r.Num(); n.IsInt64() {
		return n.Int64(), true
	}
	return 0, false
}

// asciiDigits rewrites the decimal digits of any script in s as ASCII digits, and refuses a
// text mixing other non-ASCII characters in.
func asciiDigits(s string) (string, bool) {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s, true
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 0x80:
			b.WriteRune(r)
		case unicode.Is(unicode.Nd, r):
			b.WriteByte(byte('0' + digitValue(r)))
		default:
			return "", false
		}
	}
	return b.String(), true
}

// digitValue is the value of a decimal digit r (category Nd): every range of unicode.Nd starts
// at a zero and runs in blocks of ten.
func digitValue(r rune) int {
	for _, rg := range unicode.Nd.R16 {
		if lo, hi := rune(rg.Lo), rune(rg.Hi); r >= lo && r <= hi {
			return int(r-lo) % 10
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if lo, hi := rune(rg.Lo), rune(rg.Hi); r >= lo && r <= hi {
			return int(r-lo) % 10
		}
	}
	return 0
}
