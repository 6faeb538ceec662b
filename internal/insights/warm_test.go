package insights_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/insights"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// TestWarmStoresTheDays: after Warm on one instance, every day of the last
// WarmDays is stored for all cases, and another instance, started after,
// answers a 90-day summary from them exactly as the full computation does.
func TestWarmStoresTheDays(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := tellStory(t, db)
		if _, err := db.Writer().ExecContext(ctx, `DELETE FROM rollup_day_aggs`); err != nil {
			t.Fatal(err)
		}
		if err := insights.New(db, insights.Options{Now: s.clock.Now}).Warm(ctx); err != nil {
			t.Fatal(err)
		}
		today := s.clock.Now().UTC().Truncate(24 * time.Hour)
		var stored int
		if err := db.Read().QueryRowContext(ctx, `SELECT count(*) FROM rollup_day_aggs WHERE slice = '{}' AND day >= $1 AND day <= $2`,
			today.AddDate(0, 0, -(insights.WarmDays-1)).Format(time.DateOnly), today.Format(time.DateOnly)).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if stored != insights.WarmDays {
			t.Errorf("%d days stored, want %d", stored, insights.WarmDays)
		}

		p := insights.Period{From: today.AddDate(0, 0, -89), To: today}
		got, err := insights.New(db, insights.Options{Now: s.clock.Now}).Summary(ctx, p, insights.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		want, err := s.in.SummaryFull(ctx, p, insights.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		if string(g) != string(w) || got.Cases == 0 {
			t.Errorf("after Warm:\n%s\nfull computation:\n%s", g, w)
		}
	})
}
