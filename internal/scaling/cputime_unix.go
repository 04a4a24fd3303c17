//go:build unix

package scaling

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time the process has used so far, user and
// system, summed over all its threads (the garbage collector's included).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return wallTime()
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
