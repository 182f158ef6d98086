package emulator

// Abandon lets go of the state file the way a killed process does: no last snapshot, the
// journal as it stands, the lock released (tests reopen the file in the same process).
func Abandon(e *Emulator) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.store != nil && !e.store.closed {
		e.store.closed = true
		_ = e.store.fail(errStoreClosed)
		e.store.release()
	}
}
