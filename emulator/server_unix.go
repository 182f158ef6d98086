//go:build unix

package emulator

import "syscall"

// defaultMaxConnections is 1024, or the process's limit of open files less 64 (for the
// listener, the state files and the rest) when that is lower, but never under 16.
func defaultMaxConnections() int {
	const most, spare, least = 1024, 64, 16
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil || rl.Cur >= most+spare {
		return most
	}
	return max(int(rl.Cur)-spare, least)
}
