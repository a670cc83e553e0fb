package vendorhttp

import (
	"net/http"
	"time"
)

// SkewWarn is how far the vendor's clock may be from ours before the client logs it: the Date
// header has a one-second resolution and an answer takes a moment to arrive, so a few seconds
// are noise; half a minute is not.
const SkewWarn = 30 * time.Second

// vendorClock is what the answers' Date headers said of the vendor's clock.
type vendorClock struct {
	date   time.Time     // the Date of the last answer that carried one
	skew   time.Duration // date against our clock when it arrived, to the second
	warned bool          // the last skew was past SkewWarn and logged
}

// observeDate reads an answer's Date header (RFC 9110 section 6.6.1: the instant the origin
// server generated the answer, by its own clock, to the second) and records how far the vendor's
// clock is from ours, for the source health metrics (source.Stats) and VendorNow. The header is
// truncated to the second and arrives a moment after it was written, so the skew is kept in whole
// seconds toward zero: clocks in step read 0.
func (c *Client) observeDate(h http.Header, now time.Time) {
	date, err := http.ParseTime(h.Get("Date"))
	if err != nil {
		return
	}
	skew := date.Sub(now).Truncate(time.Second)
	c.mu.Lock()
	was := c.clock.warned
	c.clock.date, c.clock.skew = date, skew
	c.clock.warned = skew >= SkewWarn || skew <= -SkewWarn
	warn := c.clock.warned
	c.mu.Unlock()
	c.stats.ClockSkew(skew)
	switch {
	case warn && !was:
		c.log.Warn("vendor_clock_skew", "skew", skew, "vendor_date", date.UTC().Format(time.RFC3339), "our_time", now.UTC().Format(time.RFC3339))
	case !warn && was:
		c.log.Info("vendor_clock_skew_gone", "skew", skew)
	}
}

// VendorNow returns the vendor's clock as its last answer's Date header gave it, and whether an
// answer carried one. A source bounds its cursors by it: no change the vendor stamps later than
// its own "now" can be complete yet.
func (c *Client) VendorNow() (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.clock.date, !c.clock.date.IsZero()
}
