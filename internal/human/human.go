// Package human writes numbers and durations the way an operations meeting reads them, for the
// exporter's pages and the weekly report alike.
package human

import (
	"math"
	"strconv"
	"time"
)

// Duration writes d as 3d 4h, 2h 10m, 45m or -12m: the two largest units, rounded down.
func Duration(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	days := int(d / (24 * time.Hour))
	d -= time.Duration(days) * 24 * time.Hour
	hours := int(d / time.Hour)
	d -= time.Duration(hours) * time.Hour
	mins := int(d / time.Minute)
	switch {
	case days > 0:
		return sign + strconv.Itoa(days) + "d " + strconv.Itoa(hours) + "h"
	case hours > 0:
		return sign + strconv.Itoa(hours) + "h " + strconv.Itoa(mins) + "m"
	default:
		return sign + strconv.Itoa(mins) + "m"
	}
}

// Number writes whole numbers without decimals and others with one.
func Number(f float64) string {
	if f == math.Trunc(f) {
		return strconv.FormatFloat(f, 'f', 0, 64)
	}
	return strconv.FormatFloat(f, 'f', 1, 64)
}
