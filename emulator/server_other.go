//go:build !unix

package emulator

// defaultMaxConnections is the connection cap where the limit of open files is not known.
func defaultMaxConnections() int { return 1024 }
