// Package calendar is a business calendar: a time zone, the working days of
// the week, the opening hours of a working day and the holidays. It is pure
// (no clock, no I/O): every question takes the instant it is asked about.
// The coach uses it to turn "within 3 business days" into a due time; the
// desk reuses it for SLAs.
package calendar

import (
	"errors"
	"fmt"
	"time"
)

// Calendar describes when a business is open. The zero value is not useful;
// start from Default and adjust.
type Calendar struct {
	// Location is the time zone the business days are counted in (the
	// customer's time zone when promises are made to a customer). Nil means UTC.
	Location *time.Location
	// Workdays lists the working days of the week.
	Workdays []time.Weekday
	// Open and Close are the opening hours of a working day, as offsets from
	// local midnight (9h and 17h by default). Close must be after Open.
	Open, Close time.Duration
	// Holidays are closed dates, compared by year, month and day in Location.
	Holidays []Date
}

// Date is a calendar day with no time and no zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// String formats the date as YYYY-MM-DD.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// ParseDate reads a YYYY-MM-DD date.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("calendar: parse date %q: %w", s, err)
	}
	return DateOf(t), nil
}

// DateOf is the calendar day of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// Default is Monday to Friday, 09:00 to 17:00, UTC, no holidays.
func Default() Calendar {
	return Calendar{
		Location: time.UTC,
		Workdays: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday},
		Open:     9 * time.Hour,
		Close:    17 * time.Hour,
	}
}

// In returns a copy of c counted in loc.
func (c Calendar) In(loc *time.Location) Calendar {
	c.Location = loc
	return c
}

// ErrInvalid is wrapped by Validate's errors.
var ErrInvalid = errors.New("calendar: invalid")

// Validate reports whether the calendar can answer questions: at least one
// working day and opening hours within a day.
func (c Calendar) Validate() error {
	if len(c.Workdays) == 0 {
		return fmt.Errorf("%w: no working days", ErrInvalid)
	}
	if c.Open < 0 || c.Close > 24*time.Hour || c.Close <= c.Open {
		return fmt.Errorf("%w: opening hours %s-%s", ErrInvalid, c.Open, c.Close)
	}
	return nil
}

func (c Calendar) loc() *time.Location {
	if c.Location == nil {
		return time.UTC
	}
	return c.Location
}

// hours returns the opening hours, falling back to the default ones when
// the calendar's are unusable, so that no question ever loops or panics.
func (c Calendar) hours() (open, close time.Duration) {
	if c.Open < 0 || c.Close > 24*time.Hour || c.Close <= c.Open {
		return 9 * time.Hour, 17 * time.Hour
	}
	return c.Open, c.Close
}

// IsBusinessDay reports whether t's day (in the calendar's zone) is a
// working day and not a holiday.
func (c Calendar) IsBusinessDay(t time.Time) bool {
	t = t.In(c.loc())
	if !c.isWorkday(t.Weekday()) {
		return false
	}
	d := DateOf(t)
	for _, h := range c.Holidays {
		if h == d {
			return false
		}
	}
	return true
}

func (c Calendar) isWorkday(w time.Weekday) bool {
	if len(c.Workdays) == 0 {
		return w != time.Saturday && w != time.Sunday
	}
	for _, x := range c.Workdays {
		if x == w {
			return true
		}
	}
	return false
}

// IsOpen reports whether the business is open at t.
func (c Calendar) IsOpen(t time.Time) bool {
	t = t.In(c.loc())
	if !c.IsBusinessDay(t) {
		return false
	}
	open, close := c.hours()
	since := t.Sub(c.midnight(t))
	return since >= open && since < close
}

// midnight is the start of t's day in the calendar's zone.
func (c Calendar) midnight(t time.Time) time.Time {
	t = t.In(c.loc())
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, c.loc())
}

// at is t's day at the given offset from midnight, built from the wall
// clock so that daylight-saving days still open at 09:00 local time.
func (c Calendar) at(t time.Time, off time.Duration) time.Time {
	t = t.In(c.loc())
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, c.loc()).Add(off).In(c.loc())
}

// addDays moves t by n calendar days keeping its wall-clock time.
func (c Calendar) addDays(t time.Time, n int) time.Time {
	t = t.In(c.loc())
	y, m, d := t.Date()
	return time.Date(y, m, d+n, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), c.loc())
}

// maxScan bounds every day-by-day walk: a calendar whose holidays close
// every working day for ten years is treated as broken, not looped on.
const maxScan = 3660

// OpeningOf is the opening time of t's day; CloseOf its closing time.
func (c Calendar) OpeningOf(t time.Time) time.Time { o, _ := c.hours(); return c.at(t, o) }

// CloseOf is the closing time of t's day (whether or not it is a business day).
func (c Calendar) CloseOf(t time.Time) time.Time { _, cl := c.hours(); return c.at(t, cl) }

// NextBusinessDay is the first business day strictly after t's day, at t's
// wall-clock time.
func (c Calendar) NextBusinessDay(t time.Time) time.Time {
	d := t
	for i := 0; i < maxScan; i++ {
		d = c.addDays(d, 1)
		if c.IsBusinessDay(d) {
			return d
		}
	}
	return d
}

// AddBusinessDays moves t forward by n business days (backwards when n is
// negative), keeping the wall-clock time. The day t falls on does not count:
// Friday plus 3 business days is Wednesday, and so is Saturday plus 3.
func (c Calendar) AddBusinessDays(t time.Time, n int) time.Time {
	t = t.In(c.loc())
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for i := 0; n > 0 && i < maxScan; i++ {
		t = c.addDays(t, step)
		if c.IsBusinessDay(t) {
			n--
		}
	}
	return t
}

// NextOpening is t itself when the business is open at t, otherwise the
// next moment it opens.
func (c Calendar) NextOpening(t time.Time) time.Time {
	t = t.In(c.loc())
	if c.IsOpen(t) {
		return t
	}
	open, _ := c.hours()
	if c.IsBusinessDay(t) && t.Before(c.at(t, open)) {
		return c.at(t, open)
	}
	return c.at(c.NextBusinessDay(t), open)
}

// AddBusinessDuration adds d of open time to t: the clock only runs while
// the business is open. Two business hours from Friday 16:00 is Monday 10:00.
// A negative d is treated as zero.
func (c Calendar) AddBusinessDuration(t time.Time, d time.Duration) time.Time {
	t = c.NextOpening(t)
	for i := 0; d > 0 && i < maxScan; i++ {
		end := c.CloseOf(t)
		if left := end.Sub(t); d <= left {
			return t.Add(d)
		} else {
			d -= left
		}
		t = c.NextOpening(end)
	}
	return t
}

// BusinessDuration is the open time between from and to (zero when to is
// not after from): how long an SLA clock has run.
func (c Calendar) BusinessDuration(from, to time.Time) time.Duration {
	var total time.Duration
	t := c.NextOpening(from)
	for i := 0; t.Before(to) && i < maxScan; i++ {
		end := c.CloseOf(t)
		if to.Before(end) {
			return total + to.Sub(t)
		}
		total += end.Sub(t)
		t = c.NextOpening(end)
	}
	return total
}

// EndOfBusinessDay is the closing time of t's day when t's day is a
// business day and t is before closing; otherwise the closing time of the
// next business day. It is the due time of "by the end of the day".
func (c Calendar) EndOfBusinessDay(t time.Time) time.Time {
	if c.IsBusinessDay(t) && t.Before(c.CloseOf(t)) {
		return c.CloseOf(t)
	}
	return c.CloseOf(c.NextBusinessDay(t))
}
