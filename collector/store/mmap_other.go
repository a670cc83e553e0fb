//go:build !linux

package store

// mmapFlags: MAP_POPULATE (mmap_linux.go) is Linux's; elsewhere pages are read as they are
// touched.
const mmapFlags = 0
