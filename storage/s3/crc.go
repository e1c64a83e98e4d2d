package s3

import "hash/crc64"

// crcTable is OSS's CRC-64/ECMA-182 (the reflected form Go's crc64 uses).
var crcTable = crc64.MakeTable(crc64.ECMA)

// crc64Combine returns the CRC of A||B from crc(A), crc(B) and len(B), so a
// multipart object's CRC comes from its parts' without reading it back. It
// applies len(B) zero bytes to crc(A) through the CRC's linear operator,
// squaring the one-zero-bit operator (a 64x64 GF(2) matrix) to step in
// powers of two, as zlib's crc32_combine does.
func crc64Combine(crcA, crcB uint64, lenB int64) uint64 {
	if lenB <= 0 {
		return crcA
	}
	var odd, even [64]uint64
	// Operator for one zero bit: shift right, xor the polynomial on carry.
	odd[0] = 0xC96C5795D7870F42 // reversed ECMA-182 polynomial
	row := uint64(1)
	for i := 1; i < 64; i++ {
		odd[i] = row
		row <<= 1
	}
	gf2Square(&even, &odd) // two zero bits
	gf2Square(&odd, &even) // four zero bits
	for {
		gf2Square(&even, &odd) // first pass: one zero byte
		if lenB&1 != 0 {
			crcA = gf2Times(&even, crcA)
		}
		lenB >>= 1
		if lenB == 0 {
			break
		}
		gf2Square(&odd, &even)
		if lenB&1 != 0 {
			crcA = gf2Times(&odd, crcA)
		}
		lenB >>= 1
		if lenB == 0 {
			break
		}
	}
	return crcA ^ crcB
}

func gf2Times(mat *[64]uint64, vec uint64) uint64 {
	var sum uint64
	for i := 0; vec != 0; i, vec = i+1, vec>>1 {
		if vec&1 != 0 {
			sum ^= mat[i]
		}
	}
	return sum
}

func gf2Square(square, mat *[64]uint64) {
	for n := range 64 {
		square[n] = gf2Times(mat, mat[n])
	}
}
