//go:build !unix

package emulator

import "os"

// lockFile cannot lock files on this platform: a second emulator on one state file is not
// detected there.
func lockFile(*os.File) error { return nil }

func unlockFile(*os.File) error { return nil }
