package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
)

// asideLayout is the UTC timestamp in a moved-aside file's name: sortable, no colons (which some
// file systems and tools mishandle).
const asideLayout = "20060102T150405Z"

// moveAside renames an unusable store file to <path>.corrupt-<UTC timestamp> and returns the new
// path. It never overwrites: a name already taken (two corruptions within a second) gets a
// numbered suffix, since nothing the store did not create may be lost.
func moveAside(path string, now time.Time) (string, error) {
	base := path + ".corrupt-" + now.UTC().Format(asideLayout)
	for i := 0; i < 1000; i++ {
		aside := base
		if i > 0 {
			aside = fmt.Sprintf("%s.%d", base, i)
		}
		_, err := os.Lstat(aside)
		if err == nil {
			continue
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		if err := os.Rename(path, aside); err != nil {
			return "", err
		}
		return aside, nil
	}
	return "", fmt.Errorf("no free name for %s", base)
}
