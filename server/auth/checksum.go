package auth

import (
	"crypto/sha1"
	"crypto/sha256"
	"hash"
	"hash/crc32"
	"hash/crc64"
)

// crc64NVMETable is CRC-64/NVME (reflected polynomial 0x9a6c9329ac4bc9b5,
// init and xorout all ones, as hash/crc64 computes), the S3 checksum
// algorithm "CRC64NVME".
var crc64NVMETable = crc64.MakeTable(0x9a6c9329ac4bc9b5)

var crc32cTable = crc32.MakeTable(crc32.Castagnoli)

// checksumAlgorithms are the x-amz-checksum-<alg> algorithms S3 clients
// send, by their lower-case header suffix. Each value is the base64 of the
// big-endian digest, which is what hash.Hash.Sum returns.
var checksumAlgorithms = map[string]func() hash.Hash{
	"crc32":     func() hash.Hash { return crc32.NewIEEE() },
	"crc32c":    func() hash.Hash { return crc32.New(crc32cTable) },
	"crc64nvme": func() hash.Hash { return crc64.New(crc64NVMETable) },
	"sha1":      sha1.New,
	"sha256":    sha256.New,
}

func newSHA256() hash.Hash { return sha256.New() }
