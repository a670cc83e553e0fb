package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"os"
)

// checkFile looks at an existing store file before bbolt maps it into memory, and returns a
// *corruptError when bbolt would read past its end or refuse it as too small. bbolt trusts its
// meta page's high-water mark: when the file is shorter (truncated by a full disk, a bad copy or a
// crash of the file system), its first read of a page past the end is a SIGBUS, which a recover
// cannot catch, and a file shorter than two pages is an error that is not corruption to bbolt.
// bbolt exposes no check before Open, so this reads its two meta pages itself; the layout is
// bbolt's on-disk format (go.etcd.io/bbolt internal/common: page.go, meta.go), stable since
// format version 2.
//
// A live file that another custops writes never fails the size check: bbolt grows the file before
// it writes pages past the end and writes the meta page last.
//
// A missing or empty file passes (bbolt creates one), and so does anything that is not a regular
// file, for bbolt to report.
func checkFile(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("opening store file %s: %w", path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("opening store file %s: %w", path, err)
	}
	size := fi.Size()
	if !fi.Mode().IsRegular() || size == 0 {
		return nil
	}
	m, err := readMeta(f, size)
	if err != nil {
		return &corruptError{reason: "not a bbolt file", err: err}
	}
	ps := int64(m.pageSize)
	if size < 2*ps {
		return &corruptError{reason: fmt.Sprintf("file of %d bytes is shorter than bbolt's two meta pages of %d bytes", size, ps)}
	}
	if need := int64(m.pgid) * ps; size < need {
		return &corruptError{reason: fmt.Sprintf("file of %d bytes is shorter than the %d bytes its meta page says it holds (truncated)", size, need)}
	}
	if m.root >= m.pgid || (m.freelist != noFreelist && m.freelist >= m.pgid) {
		return &corruptError{reason: fmt.Sprintf("meta page points past its high-water mark (root page %d, freelist page %d, %d pages)", m.root, m.freelist, m.pgid)}
	}
	if m.freelist != noFreelist {
		return checkFreelist(f, m)
	}
	return nil
}

// bbolt's on-disk constants (internal/common/types.go, page.go).
const (
	boltMagic        = 0xED0CDAED
	boltVersion      = 2
	pageHeaderSize   = 16 // id u64, flags u16, count u16, overflow u32
	metaSize         = 56 // magic, version, pageSize, flags u32; root, sequence, freelist, pgid, txid u64
	freelistPageFlag = 0x10
	noFreelist       = ^uint64(0)
)

// boltMeta is the part of a bbolt meta page the check needs.
type boltMeta struct {
	pageSize                   uint32
	root, freelist, pgid, txid uint64
}

// readMeta returns the meta page bbolt would use: the valid one (magic, version, checksum) with
// the higher transaction id. Like bbolt, it looks for the second meta page at every page size from
// 1 KiB to 16 MiB when the first is unreadable.
func readMeta(f *os.File, size int64) (boltMeta, error) {
	var metas []boltMeta
	m0, err0 := metaAt(f, 0)
	if err0 == nil {
		metas = append(metas, m0)
		if m1, err := metaAt(f, int64(m0.pageSize)); err == nil {
			metas = append(metas, m1)
		}
	} else {
		for i := range 15 {
			pos := int64(1024) << i
			if pos+pageHeaderSize+metaSize+8 > size {
				break
			}
			if m1, err := metaAt(f, pos); err == nil && int64(m1.pageSize) == pos {
				metas = append(metas, m1)
				break
			}
		}
	}
	switch {
	case len(metas) == 0:
		return boltMeta{}, fmt.Errorf("no valid meta page (first: %w)", err0)
	case len(metas) == 2 && metas[1].txid > metas[0].txid:
		return metas[1], nil
	}
	return metas[0], nil
}

// metaAt reads and validates the meta page at offset off.
func metaAt(f *os.File, off int64) (boltMeta, error) {
	var b [pageHeaderSize + metaSize + 8]byte
	if _, err := f.ReadAt(b[:], off); err != nil {
		if errors.Is(err, io.EOF) {
			return boltMeta{}, fmt.Errorf("meta page at %d: file ends inside it", off)
		}
		return boltMeta{}, err
	}
	le := binary.NativeEndian // bbolt writes its structs in memory order
	m := b[pageHeaderSize:]
	h := fnv.New64a()
	h.Write(m[:metaSize])
	switch {
	case le.Uint32(m[0:]) != boltMagic:
		return boltMeta{}, fmt.Errorf("meta page at %d: bad magic", off)
	case le.Uint32(m[4:]) != boltVersion:
		return boltMeta{}, fmt.Errorf("meta page at %d: version %d", off, le.Uint32(m[4:]))
	case le.Uint64(m[metaSize:]) != h.Sum64():
		return boltMeta{}, fmt.Errorf("meta page at %d: checksum mismatch", off)
	}
	meta := boltMeta{
		pageSize: le.Uint32(m[8:]),
		root:     le.Uint64(m[16:]),
		freelist: le.Uint64(m[32:]),
		pgid:     le.Uint64(m[40:]),
		txid:     le.Uint64(m[48:]),
	}
	if meta.pageSize < 512 || meta.pageSize&(meta.pageSize-1) != 0 {
		return boltMeta{}, fmt.Errorf("meta page at %d: page size %d", off, meta.pageSize)
	}
	return meta, nil
}

// checkFreelist checks the freelist page bbolt reads at Open: a damaged count would make it read
// past the page or allocate without bound, and a page id outside the file would later be handed out
// for writing.
func checkFreelist(f *os.File, m boltMeta) error {
	ps := int64(m.pageSize)
	bad := func(format string, a ...any) error {
		return &corruptError{reason: fmt.Sprintf("freelist page %d: ", m.freelist) + fmt.Sprintf(format, a...)}
	}
	var hdr [pageHeaderSize + 8]byte
	if _, err := f.ReadAt(hdr[:], int64(m.freelist)*ps); err != nil {
		return bad("%v", err)
	}
	le := binary.NativeEndian
	flags, count, overflow := le.Uint16(hdr[8:]), uint64(le.Uint16(hdr[10:])), uint64(le.Uint32(hdr[12:]))
	if flags != freelistPageFlag {
		return bad("flags %#x, not a freelist page", flags)
	}
	if m.freelist+overflow >= m.pgid {
		return bad("runs past the high-water mark (%d overflow pages)", overflow)
	}
	start := int64(pageHeaderSize)
	if count == 0xFFFF { // bbolt's marker: the real count is the first element
		count = le.Uint64(hdr[pageHeaderSize:])
		start += 8
	}
	span := int64(overflow+1) * ps
	if count > uint64(span-start)/8 {
		return bad("%d ids do not fit its %d bytes", count, span)
	}
	buf := make([]byte, int64(count)*8)
	if _, err := f.ReadAt(buf, int64(m.freelist)*ps+start); err != nil {
		return bad("%v", err)
	}
	for i := range count {
		if id := le.Uint64(buf[i*8:]); id < 2 || id >= m.pgid {
			return bad("free page id %d outside the file's %d pages", id, m.pgid)
		}
	}
	return nil
}
