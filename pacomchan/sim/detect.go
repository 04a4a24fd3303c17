package sim

import (
	"math"

	"gonum.org/v1/gonum/dsp/fourier"
)

// This file is a local implementation of the passive flow-correlation
// attack of [PACOM §4.3] (Zhu et al.), kept small on purpose: the anonymity
// package carries the full version (anonymity.Spectral and
// anonymity.MatchLinks, the same reading of Eq. 10), and this one should
// move there once that package is green on main.

// spectrum returns the unit-norm one-sided magnitude spectrum |X^F_k|,
// k = 1..⌊q/2⌋, of the mean-removed pattern x, or nil for a constant
// pattern (no spectrum: no evidence of correlation).
func spectrum(fft *fourier.FFT, x []float64) []float64 {
	n := len(x)
	mean := 0.0
	for _, v := range x {
		mean += v
	}
	mean /= float64(n)
	buf := make([]float64, n)
	for i, v := range x {
		buf[i] = v - mean
	}
	coeff := fft.Coefficients(nil, buf)
	out := make([]float64, 0, len(coeff)-1)
	norm := 0.0
	for _, c := range coeff[1:] {
		a := math.Hypot(real(c), imag(c))
		out = append(out, a)
		norm += a * a
	}
	if norm == 0 {
		return nil
	}
	norm = math.Sqrt(norm)
	for i := range out {
		out[i] /= norm
	}
	return out
}

// spectralDistance is Eq. 10 read as the cosine distance of two magnitude
// spectra, 1 − ⟨X^F_i, X^F_j⟩/(‖X^F_i‖‖X^F_j‖): smaller means more
// correlated. The garbled formula's ratio √(⟨X_i,X_i⟩⟨X_j,X_j⟩)/⟨X_i,X_j⟩
// is a monotone function of the same cosine, so both pick the same link.
func spectralDistance(a, b []float64) float64 {
	if a == nil || b == nil {
		return 1
	}
	dot := 0.0
	for i := range a {
		dot += a[i] * b[i]
	}
	return 1 - dot
}

// detect runs the attack for one input link against candidate output
// links and returns the expected score of an adversary who picks the
// closest output (ties broken at random): 1/k if the true output is among
// k closest, 0 otherwise.
func detect(in []float64, outs [][]float64, truth int) float64 {
	fft := fourier.NewFFT(len(in))
	fi := spectrum(fft, in)
	best := math.Inf(1)
	var ties []int
	for j, o := range outs {
		d := spectralDistance(fi, spectrum(fft, o))
		switch {
		case d < best:
			best, ties = d, append(ties[:0], j)
		case d == best:
			ties = append(ties, j)
		}
	}
	for _, j := range ties {
		if j == truth {
			return 1 / float64(len(ties))
		}
	}
	return 0
}
