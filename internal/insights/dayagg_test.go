package insights

import (
	"reflect"
	"testing"
	"time"
)

func TestDayAggEncoding(t *testing.T) {
	at := time.Date(2026, 11, 20, 9, 30, 0, 123456000, time.UTC)
	full := &dayAgg{cases: 3, angry: 2, deescalated: 1, firstAnswered: 2, firstMet: 1, resolveDone: 1, resolveMet: 1,
		surveysSent: 2, csat: 1, scoreSum: 5, promisesDue: 3, promisesKept: 2, escalated: 1, repeat: 1, reopened: 1,
		goodwill: 12345, reasons: map[string]int{"manual": 1, "signal:legal_threat": 2},
		calm: []int64{5, 60000, 60000, 1 << 40}, first: []int64{0, 7}, resolve: []int64{86400000},
		firstPending: []time.Time{at}, resolvePending: []time.Time{at, at.Add(time.Hour)}, openPromise: []time.Time{at.Add(-time.Hour)}}
	for _, tc := range []struct {
		name string
		a    *dayAgg
	}{
		{"empty day", &dayAgg{reasons: map[string]int{}}},
		{"every field", full},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := encodeDayAgg(tc.a)
			got, err := decodeDayAgg(b)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.a) {
				t.Fatalf("decoded %+v, want %+v", got, tc.a)
			}
			for _, bad := range [][]byte{nil, b[:len(b)-1], append(append([]byte{}, b...), 0), append([]byte{dayAggFormat + 1}, b[1:]...)} {
				if _, err := decodeDayAgg(bad); err == nil {
					t.Errorf("decoded a malformed aggregate (%d bytes)", len(bad))
				}
			}
		})
	}
}
