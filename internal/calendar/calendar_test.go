package calendar

import (
	"testing"
	"time"
)

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Skipf("time zone %s not available: %v", name, err)
	}
	return loc
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestAddBusinessDays(t *testing.T) {
	cal := Default()
	cal.Holidays = []Date{{2026, time.December, 25}}
	tests := []struct {
		name string
		from string
		n    int
		want string
	}{
		{"friday plus three is wednesday", "2026-11-27T23:10:00Z", 3, "2026-12-02T23:10:00Z"},
		{"saturday plus three is wednesday", "2026-11-28T10:00:00Z", 3, "2026-12-02T10:00:00Z"},
		{"monday plus three is thursday", "2026-11-30T09:30:00Z", 3, "2026-12-03T09:30:00Z"},
		{"zero stays", "2026-11-28T10:00:00Z", 0, "2026-11-28T10:00:00Z"},
		{"holiday skipped", "2026-12-24T12:00:00Z", 1, "2026-12-28T12:00:00Z"},
		{"backwards", "2026-12-02T12:00:00Z", -3, "2026-11-27T12:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cal.AddBusinessDays(at(tt.from), tt.n)
			if !got.Equal(at(tt.want)) {
				t.Errorf("AddBusinessDays(%s, %d) = %s, want %s", tt.from, tt.n, got, tt.want)
			}
		})
	}
}

func TestAddBusinessDuration(t *testing.T) {
	cal := Default()
	tests := []struct {
		name string
		from string
		d    time.Duration
		want string
	}{
		{"inside the day", "2026-11-26T10:00:00Z", 2 * time.Hour, "2026-11-26T12:00:00Z"},
		{"over the weekend", "2026-11-27T16:00:00Z", 2 * time.Hour, "2026-11-30T10:00:00Z"},
		{"starts before opening", "2026-11-26T06:00:00Z", time.Hour, "2026-11-26T10:00:00Z"},
		{"starts at night", "2026-11-26T22:00:00Z", 8 * time.Hour, "2026-11-27T17:00:00Z"},
		{"exactly to close", "2026-11-26T09:00:00Z", 8 * time.Hour, "2026-11-26T17:00:00Z"},
		{"zero from closed time opens", "2026-11-28T12:00:00Z", 0, "2026-11-30T09:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cal.AddBusinessDuration(at(tt.from), tt.d)
			if !got.Equal(at(tt.want)) {
				t.Errorf("AddBusinessDuration(%s, %s) = %s, want %s", tt.from, tt.d, got, tt.want)
			}
			if tt.d > 0 {
				if back := cal.BusinessDuration(at(tt.from), got); back != tt.d {
					t.Errorf("BusinessDuration back = %s, want %s", back, tt.d)
				}
			}
		})
	}
}

func TestNextOpeningAndTimeZone(t *testing.T) {
	ny := mustLoad(t, "America/New_York")
	cal := Default().In(ny)
	// 23:10 UTC on Friday is 18:10 in New York: closed until Monday 09:00 local.
	got := cal.NextOpening(at("2026-11-27T23:10:00Z"))
	want := time.Date(2026, time.November, 30, 9, 0, 0, 0, ny)
	if !got.Equal(want) {
		t.Errorf("NextOpening = %s, want %s", got, want)
	}
	// 02:00 UTC Saturday is still Friday evening in New York.
	if cal.IsBusinessDay(at("2026-11-28T02:00:00Z")) != true {
		t.Errorf("Friday evening in New York should be a business day")
	}
	if cal.IsOpen(at("2026-11-28T02:00:00Z")) {
		t.Errorf("Friday 21:00 in New York should be closed")
	}
}

func TestDaylightSavingKeepsWallClock(t *testing.T) {
	ber := mustLoad(t, "Europe/Berlin")
	cal := Default().In(ber)
	// Clocks go back on 25 October 2026; opening stays at 09:00 local time.
	from := time.Date(2026, time.October, 23, 16, 0, 0, 0, ber)
	got := cal.AddBusinessDuration(from, 2*time.Hour)
	want := time.Date(2026, time.October, 26, 10, 0, 0, 0, ber)
	if !got.Equal(want) {
		t.Errorf("AddBusinessDuration across DST = %s, want %s", got, want)
	}
}

func TestEndOfBusinessDay(t *testing.T) {
	cal := Default()
	tests := []struct{ from, want string }{
		{"2026-11-26T10:00:00Z", "2026-11-26T17:00:00Z"},
		{"2026-11-26T18:00:00Z", "2026-11-27T17:00:00Z"},
		{"2026-11-28T10:00:00Z", "2026-11-30T17:00:00Z"},
	}
	for _, tt := range tests {
		if got := cal.EndOfBusinessDay(at(tt.from)); !got.Equal(at(tt.want)) {
			t.Errorf("EndOfBusinessDay(%s) = %s, want %s", tt.from, got, tt.want)
		}
	}
}

func TestBrokenCalendarsDoNotLoop(t *testing.T) {
	cal := Calendar{Workdays: []time.Weekday{time.Monday}, Open: 10 * time.Hour, Close: 9 * time.Hour}
	if err := cal.Validate(); err == nil {
		t.Errorf("Validate accepted close before open")
	}
	// Every Monday a holiday for a long time: answers come back, bounded.
	for d := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC); d.Year() < 2040; d = d.AddDate(0, 0, 7) {
		cal.Holidays = append(cal.Holidays, DateOf(d))
	}
	_ = cal.AddBusinessDays(at("2026-01-01T00:00:00Z"), 2)
	_ = cal.AddBusinessDuration(at("2026-01-01T00:00:00Z"), time.Hour)
	_ = Calendar{}.AddBusinessDays(at("2026-11-27T12:00:00Z"), 1)
}

func TestParseDate(t *testing.T) {
	d, err := ParseDate("2026-12-25")
	if err != nil || d != (Date{2026, time.December, 25}) || d.String() != "2026-12-25" {
		t.Errorf("ParseDate = %v, %v", d, err)
	}
	if _, err := ParseDate("25/12/2026"); err == nil {
		t.Errorf("ParseDate accepted a non-ISO date")
	}
}
