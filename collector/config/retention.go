package config

import "time"

// The retention of resolved tickets: a ticket that is resolved (or closed) and whose last
// activity is longer ago than retention leaves the store; open tickets never do. No number
// custops shows looks further back than the weekly report: its 12 weeks, the reported week and
// the 11 before it (report.Weeks), whose oldest starts at most 12 weeks and a time zone's 14
// hours before now. MinRetention is that with a day to spare; DefaultRetention keeps a week more.
// The report of a week further in the past (custops report --at) sees only what was retained.
const (
	MinRetention     = 12*7*24*time.Hour + 24*time.Hour
	DefaultRetention = 13 * 7 * 24 * time.Hour
)

// retention checks that the retention keeps everything the numbers and the report read.
func (v *validator) retention(c *Config) {
	if c.Retention.Std() < MinRetention {
		v.errf("retention", "must be at least %s, the weekly report's 12 weeks and a day, got %s", Duration(MinRetention), c.Retention)
	}
}
