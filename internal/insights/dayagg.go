package insights

import (
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"
)

// The day aggregates are persisted in rollup_day_aggs (migration 00022)
// under the day's version, so that a request after a start reads one row
// per day and slice instead of every case of the day. A row is used only
// when its version is the day's current one (read before the rows), so it
// is as exact as the aggregate kept in memory.

// sliceKey names f in rollup_day_aggs: its JSON ("{}" for all cases).
func sliceKey(f Filter) string {
	b, _ := json.Marshal(f) // a struct of strings cannot fail
	return string(b)
}

// storedDays reads the persisted aggregates of f for the days in
// [first, last] (YYYY-MM-DD) whose stored version is want[day].
func (in *Insights) storedDays(ctx context.Context, f Filter, first, last string, want map[string]int64) (map[string]*dayAgg, error) {
	out := map[string]*dayAgg{}
	err := in.query(ctx, `SELECT day, version, agg FROM rollup_day_aggs WHERE slice = $1 AND day >= $2 AND day <= $3`,
		[]any{sliceKey(f), first, last}, func(rows *sql.Rows) error {
			var day string
			var v int64
			var b []byte
			if err := rows.Scan(&day, &v, &b); err != nil {
				return err
			}
			if w, ok := want[day]; !ok || w != v {
				return nil // stale: the day changed since
			}
			a, err := decodeDayAgg(b)
			if err != nil {
				return nil // unreadable (another encoding): recomputed and stored again
			}
			a.version = v
			out[day] = a
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("insights: stored day aggregates: %w", err)
	}
	return out, nil
}

// storeDays persists the aggregates of f, each under its version.
func (in *Insights) storeDays(ctx context.Context, f Filter, days map[string]*dayAgg) error {
	versions, blobs := map[string]int64{}, map[string][]byte{}
	for k, a := range days {
		versions[k], blobs[k] = a.version, encodeDayAgg(a)
	}
	return in.storeBlobs(ctx, sliceKey(f), versions, blobs)
}

// storeBlobs persists the rows of one slice of rollup_day_aggs, each day
// under its version. A row already stored under a newer version stays: a
// slower request that read an older version must not replace it.
func (in *Insights) storeBlobs(ctx context.Context, slice string, versions map[string]int64, blobs map[string][]byte) error {
	if len(blobs) == 0 {
		return nil
	}
	keys := slices.Sorted(maps.Keys(blobs)) // one lock order for concurrent writers
	return in.db.Tx(ctx, func(tx *sql.Tx) error {
		for _, k := range keys {
			if _, err := tx.ExecContext(ctx, `INSERT INTO rollup_day_aggs (slice, day, version, agg) VALUES ($1, $2, $3, $4)
			  ON CONFLICT (slice, day) DO UPDATE SET version = excluded.version, agg = excluded.agg
			  WHERE excluded.version > rollup_day_aggs.version`, slice, k, versions[k], blobs[k]); err != nil {
				return fmt.Errorf("insights: store day aggregate: %w", err)
			}
		}
		return nil
	})
}

// dayAggFormat is the first byte of an encoded aggregate; a new layout
// takes a new one, and rows of another are recomputed.
const dayAggFormat = 1

// encodeDayAgg writes a as varints; the sorted lists as deltas, so a day
// of a few thousand cases takes a few kB.
func encodeDayAgg(a *dayAgg) []byte {
	b := []byte{dayAggFormat}
	for _, n := range []int{a.cases, a.angry, a.deescalated, a.firstAnswered, a.firstMet, a.resolveDone, a.resolveMet,
		a.surveysSent, a.csat, a.scoreSum, a.promisesDue, a.promisesKept, a.escalated, a.repeat, a.reopened} {
		b = binary.AppendVarint(b, int64(n))
	}
	b = binary.AppendVarint(b, a.goodwill)
	reasons := slices.Sorted(maps.Keys(a.reasons))
	b = binary.AppendUvarint(b, uint64(len(reasons)))
	for _, r := range reasons {
		b = binary.AppendUvarint(b, uint64(len(r)))
		b = append(b, r...)
		b = binary.AppendVarint(b, int64(a.reasons[r]))
	}
	for _, l := range [][]int64{a.calm, a.first, a.resolve} {
		b = appendSorted(b, l)
	}
	for _, ts := range [][]time.Time{a.firstPending, a.resolvePending, a.openPromise} {
		ns := make([]int64, len(ts))
		for i, t := range ts {
			ns[i] = t.UnixNano()
		}
		b = appendSorted(b, ns)
	}
	return b
}

func appendSorted(b []byte, l []int64) []byte {
	b = binary.AppendUvarint(b, uint64(len(l)))
	prev := int64(0)
	for _, v := range l {
		b = binary.AppendVarint(b, v-prev)
		prev = v
	}
	return b
}

var errDayAgg = errors.New("insights: malformed day aggregate")

// decodeDayAgg reads what encodeDayAgg wrote.
func decodeDayAgg(b []byte) (*dayAgg, error) {
	if len(b) == 0 || b[0] != dayAggFormat {
		return nil, errDayAgg
	}
	b = b[1:]
	bad := false
	varint := func() int64 {
		v, n := binary.Varint(b)
		if n <= 0 {
			bad = true
			return 0
		}
		b = b[n:]
		return v
	}
	count := func() int {
		v, n := binary.Uvarint(b)
		if n <= 0 || v > uint64(len(b)) { // every item takes a byte at least
			bad = true
			return 0
		}
		b = b[n:]
		return int(v)
	}
	a := &dayAgg{reasons: map[string]int{}}
	for _, p := range []*int{&a.cases, &a.angry, &a.deescalated, &a.firstAnswered, &a.firstMet, &a.resolveDone, &a.resolveMet,
		&a.surveysSent, &a.csat, &a.scoreSum, &a.promisesDue, &a.promisesKept, &a.escalated, &a.repeat, &a.reopened} {
		*p = int(varint())
	}
	a.goodwill = varint()
	for range count() {
		n := count()
		if bad {
			break
		}
		r := string(b[:n])
		b = b[n:]
		a.reasons[r] = int(varint())
	}
	sorted := func() []int64 {
		n := count()
		if n == 0 {
			return nil
		}
		l := make([]int64, n)
		prev := int64(0)
		for i := range l {
			prev += varint()
			l[i] = prev
		}
		return l
	}
	a.calm, a.first, a.resolve = sorted(), sorted(), sorted()
	times := func() []time.Time {
		ns := sorted()
		if ns == nil {
			return nil
		}
		ts := make([]time.Time, len(ns))
		for i, v := range ns {
			ts[i] = time.Unix(0, v).UTC()
		}
		return ts
	}
	a.firstPending, a.resolvePending, a.openPromise = times(), times(), times()
	if bad || len(b) != 0 {
		return nil, errDayAgg
	}
	return a, nil
}
