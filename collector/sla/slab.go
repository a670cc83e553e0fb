package sla

// slab hands out small slices carved from shared chunks, so that Apply allocates a few hundred
// chunks per poll instead of three objects per ticket. Chunks stay small so that a consumer that
// keeps one ticket of an old poll pins kilobytes, not the whole poll.
type slab[T any] struct {
	buf   []T
	chunk int
}

// take returns a zeroed slice of n elements whose capacity is n, so appending to it never
// writes into a neighbour's elements.
func (s *slab[T]) take(n int) []T {
	if n > cap(s.buf)-len(s.buf) {
		s.buf = make([]T, 0, max(n, s.chunk))
	}
	l := len(s.buf)
	s.buf = s.buf[:l+n]
	return s.buf[l : l+n : l+n]
}
