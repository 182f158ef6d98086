package fuzz

import (
	"encoding/binary"
	"hash/fnv"
	"math/rand"
)

// ByteSource is a math/rand source that plays back fuzz input: each draw takes the next eight
// bytes, so that the fuzzer's mutations steer the gopter generators directly. Once the bytes
// run out it continues with a generator seeded from all of them, so that sieves that reject a
// draw can still find another, and the same input always gives the same draws.
type ByteSource struct {
	data     []byte
	pos      int
	fallback *rand.Rand // made on the first draw past the bytes (seeding one costs microseconds)
}

// NewByteSource returns a source over data.
func NewByteSource(data []byte) *ByteSource {
	return &ByteSource{data: data}
}

// more is the generator that continues once the bytes run out, seeded from all of them.
func (b *ByteSource) more() *rand.Rand {
	if b.fallback == nil {
		h := fnv.New64a()
		_, _ = h.Write(b.data)
		b.fallback = rand.New(rand.NewSource(int64(h.Sum64())))
	}
	return b.fallback
}

// Uint64 implements rand.Source64.
func (b *ByteSource) Uint64() uint64 {
	if b.pos+8 <= len(b.data) {
		v := binary.LittleEndian.Uint64(b.data[b.pos:])
		b.pos += 8
		return v
	}
	if b.pos < len(b.data) {
		var buf [8]byte
		copy(buf[:], b.data[b.pos:])
		b.pos = len(b.data)
		return binary.LittleEndian.Uint64(buf[:]) ^ b.more().Uint64()<<8
	}
	return b.more().Uint64()
}

// Int63 implements rand.Source.
func (b *ByteSource) Int63() int64 { return int64(b.Uint64() >> 1) }

// Seed implements rand.Source; the bytes are the seed, so it does nothing.
func (b *ByteSource) Seed(int64) {}
