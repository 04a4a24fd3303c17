//go:build unix

package p2p

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time (user and system) the process has used,
// all goroutines together: both ends of every loopback exchange.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
