package desk

import (
	"fmt"
	"time"

	"github.com/calmdesk/calmdesk/internal/calendar"
)

// Times a caller gives the desk (a channel's received_at, an imported
// message's date) must lie in a window around the desk's clock: not before
// EarliestTime and not more than MaxClockSkew after now. Anything else is a
// mistake or an attack: a message "received" in year 9999 once pushed its
// SLA due times into year 10000, which SQLite stores as text it cannot read
// back, and every list and sweep that met the case failed.
var EarliestTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// MaxClockSkew is how far ahead of the desk's clock a given time may be:
// the sender's clock may run a little fast.
const MaxClockSkew = 5 * time.Minute

// checkTime records a validation error for field when t lies outside the
// window around now.
func checkTime(v validator, field string, t, now time.Time) {
	v.check(!t.Before(EarliestTime) && !t.After(now.Add(MaxClockSkew)), field,
		fmt.Sprintf("must lie between %s and %d minutes from now", EarliestTime.Format(time.DateOnly), MaxClockSkew/time.Minute))
}

// Every time the desk writes lies in [firstStoredTime, lastStoredTime]:
// SQLite keeps times as text with a four-digit year.
var (
	firstStoredTime = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	lastStoredTime  = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
)

// storable clamps a computed time (a due time, an expiry) into what both
// engines store and read back. Inputs are checked by checkTime and policy
// durations are bounded, so this only bites on a clock gone wrong; a due
// time at the end of year 9999 means "never", which is what was meant.
func storable(t time.Time) time.Time {
	switch {
	case t.Before(firstStoredTime):
		return firstStoredTime
	case t.After(lastStoredTime):
		return lastStoredTime
	}
	return t
}

// dueAfter is the business time d after from, as a storable due time.
func dueAfter(cal calendar.Calendar, from time.Time, d time.Duration) time.Time {
	return storable(cal.AddBusinessDuration(from, d))
}
