package ffmpeg

import "math/bits"

// dHash geometry: a 9×8 grayscale thumbnail gives 8 horizontal differences
// per row, 64 bits in all.
const (
	dhashW = 9
	dhashH = 8
)

// dhash is the difference hash of a 9×8 grayscale thumbnail (row-major,
// stride dhashW): bit y*8+x is set when pixel (x, y) is brighter than its
// right neighbour. It captures the image's coarse structure, so frames of
// one scene hash alike and a cut flips many bits.
func dhash(gray []byte) uint64 {
	var h uint64
	for y := 0; y < dhashH; y++ {
		row := gray[y*dhashW : (y+1)*dhashW]
		for x := 0; x < dhashW-1; x++ {
			if row[x] > row[x+1] {
				h |= 1 << (y*8 + x)
			}
		}
	}
	return h
}

// hashDistance is the Hamming distance between two hashes, 0–64.
func hashDistance(a, b uint64) int { return bits.OnesCount64(a ^ b) }

// dhashLimit maps the sprite threshold thr (0–100) onto the Hamming
// distance a candidate must exceed to be kept: round(thr·64/100). thr 0
// keeps any frame that differs at all; the documented useful range (thr ≤
// 25) is a distance of up to 16 of the 64 bits; thr 100 keeps only the
// first frame.
func dhashLimit(thr int) int { return (thr*64 + 50) / 100 }
