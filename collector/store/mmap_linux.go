package store

import "syscall"

// mmapFlags has the kernel read the whole file into the mapping when bbolt maps it, in large
// sequential reads. A load reads every page anyway; faulted in one at a time from a page cache
// that does not hold the file (a start on another node, or after memory pressure), a million
// tickets loaded in 15 s instead of 2.7 s (docs/scale.md). With the file cached it costs nothing
// measurable.
const mmapFlags = syscall.MAP_POPULATE
