package fuzz

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"

	"github.com/clbcheck/clbcheck/emulator"
	"github.com/clbcheck/clbcheck/signature"
)

// Environment variables of the external mode of FuzzWire.
const (
	EnvTarget      = "CLBCHECK_FUZZ_TARGET"
	EnvKeyID       = "CLBCHECK_FUZZ_ACCESS_KEY_ID"
	EnvSecret      = "CLBCHECK_FUZZ_ACCESS_KEY_SECRET"
	EnvAllowRemote = "CLBCHECK_FUZZ_ALLOW_REMOTE"
)

// External is the server FuzzWire sends to instead of the in-process emulator.
type External struct {
	URL         string
	Credentials signature.Credentials
}

// ExternalFromEnv reads the external mode from the environment. It returns nil when
// CLBCHECK_FUZZ_TARGET is unset, and an error for a URL that is not http(s), or that does not
// name a loopback address while CLBCHECK_FUZZ_ALLOW_REMOTE is not 1: fuzzing sends a great
// many odd requests, and must not reach a shared or real endpoint by accident.
func ExternalFromEnv() (*External, error) {
	return externalFrom(os.Getenv)
}

func externalFrom(getenv func(string) string) (*External, error) {
	raw := strings.TrimSpace(getenv(EnvTarget))
	if raw == "" {
		return nil, nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%s=%q is not an http:// or https:// URL with a host", EnvTarget, raw)
	}
	if getenv(EnvAllowRemote) != "1" && !IsLoopback(u.Hostname()) {
		return nil, fmt.Errorf("%s=%q does not name a loopback address (127.0.0.0/8, ::1 or localhost); set %s=1 to fuzz a remote server on purpose", EnvTarget, raw, EnvAllowRemote)
	}
	creds := signature.Credentials{AccessKeyID: getenv(EnvKeyID), AccessKeySecret: getenv(EnvSecret)}
	if creds.AccessKeyID == "" && creds.AccessKeySecret == "" {
		creds = signature.Credentials{AccessKeyID: emulator.DefaultPrimaryKeyID, AccessKeySecret: emulator.DefaultPrimarySecret}
	}
	if creds.AccessKeyID == "" || creds.AccessKeySecret == "" {
		return nil, fmt.Errorf("set both %s and %s, or neither (the emulator's default primary key is then used)", EnvKeyID, EnvSecret)
	}
	return &External{URL: strings.TrimRight(raw, "/"), Credentials: creds}, nil
}

// IsLoopback reports whether a URL host names the local machine: an IP literal in
// 127.0.0.0/8 or ::1, or the name localhost. Other names are not resolved: a name that
// resolves to a loopback address today may not tomorrow.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
