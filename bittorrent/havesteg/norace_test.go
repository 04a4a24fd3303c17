//go:build !race

package havesteg_test

const raceEnabled = false
