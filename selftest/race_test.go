//go:build race

package selftest_test

// raceBuild is set when the tests run under the race detector.
const raceBuild = true
