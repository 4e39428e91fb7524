package story

import "math"

// minhashSize is the number of hash functions of a MinHash signature: an
// estimate of Jaccard similarity J has a standard error of
// sqrt(J(1-J)/64), at most 0.0625.
const minhashSize = 64

// minhash is the MinHash signature of a set of shingle hashes: for each of
// minhashSize hash functions, the least value over the set (low 32 bits;
// two sets rarely tie by chance at 32 bits). Nil for an empty set.
func minhash(set []uint64) []uint32 {
	if len(set) == 0 {
		return nil
	}
	sig := make([]uint32, minhashSize)
	for i := range sig {
		sig[i] = math.MaxUint32
	}
	for _, h := range set {
		for i := range sig {
			v := uint32(mix64(h ^ minhashSeeds[i]))
			if v < sig[i] {
				sig[i] = v
			}
		}
	}
	return sig
}

// minhashSeeds are fixed, so that signatures stored before a restart still
// compare with new ones.
var minhashSeeds = func() [minhashSize]uint64 {
	var s [minhashSize]uint64
	x := uint64(0x5eed5eed5eed5eed)
	for i := range s {
		x += 0x9e3779b97f4a7c15
		s[i] = mix64(x)
	}
	return s
}()

// jaccard estimates the Jaccard similarity of the sets behind two MinHash
// signatures: the share of hash functions on which they agree.
func jaccard(a, b []uint32) float64 {
	if len(a) != minhashSize || len(b) != minhashSize {
		return 0
	}
	same := 0
	for i := range a {
		if a[i] == b[i] {
			same++
		}
	}
	return float64(same) / minhashSize
}
