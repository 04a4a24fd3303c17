//go:build race

package havesteg_test

// raceEnabled: the race detector slows anacrolix/torrent's transfers about
// tenfold, so the default run shrinks under -race.
const raceEnabled = true
