package zendesk

import (
	"time"
)

// cursorMargin keeps every time cursor (metric events, ratings, survey responses, the ticket
// events export, the time-based restart of the ticket export) this far behind Zendesk's own clock.
// A record dated ahead of it (a vendor clock skew) is applied, but the cursor does not follow it:
// the changes of the next minutes would be skipped for good. The incremental exports refuse a
// start_time within the last minute (StartTimeTooRecent, Airbyte source-zendesk-support
// streams.py check_start_time_param), so the margin is a minute and a half.
const cursorMargin = 90 * time.Second

// skewLogged is the skew worth a log line: less is rounding between two clocks.
const skewLogged = time.Minute

// vendorClock is what one poll learns of Zendesk's clock: the Date header of its answers
// (RFC 9110 section 6.6.1), and how far ahead of it the newest record read lay.
type vendorClock struct {
	local  time.Time // custops' clock when the poll began: "now" until an answer says
	vendor time.Time // Zendesk's clock from the latest answer's Date header
	newest time.Time // the newest record time read (event time, rating time, generated_timestamp)
}

func newVendorClock(local time.Time) *vendorClock { return &vendorClock{local: local} }

// observe takes the Date of an answer.
func (v *vendorClock) observe(date time.Time) {
	if v != nil && !date.IsZero() {
		v.vendor = date
	}
}

// now is Zendesk's clock, or ours before an answer said.
func (v *vendorClock) now() time.Time {
	if v.vendor.IsZero() {
		return v.local
	}
	return v.vendor
}

// limit is the latest instant (Unix seconds) a time cursor may hold.
func (v *vendorClock) limit() int64 { return v.now().Add(-cursorMargin).Unix() }

// clamp keeps a time cursor at or behind limit.
func (v *vendorClock) clamp(t int64) int64 { return min(t, v.limit()) }

// record notes a record's time.
func (v *vendorClock) record(t time.Time) {
	if t.After(v.newest) {
		v.newest = t
	}
}

// skew is how far the newest record read lay ahead of Zendesk's clock; 0 when none did.
func (v *vendorClock) skew() time.Duration { return max(0, v.newest.Sub(v.now())) }
