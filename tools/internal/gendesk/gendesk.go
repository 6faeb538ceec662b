// Package gendesk fills a desk database with synthetic cases for the
// benchmarks: customers, cases spread over time with categories, channels
// and SLA targets, customer messages read by the real analyzer (the
// reading stored with each message), replies reviewed by the real coach,
// promises kept and broken, surveys, escalations, reopens and goodwill.
// It writes straight into the database, in batches of multi-row INSERTs,
// on SQLite and PostgreSQL alike. tools/gencases and tools/insightsbench
// both use it: there is one generator.
package gendesk

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/coach"
	"github.com/calmdesk/calmdesk/internal/store"
)

// End is the generated desk's "now": the cases end here.
var End = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

// Options say how much to generate.
type Options struct {
	Cases int // cases to generate
	// Messages is the messages per case (at least 1): customer messages
	// and replies alternate, the customer first; default 5 (3 + 2).
	Messages int
	Days     int // the cases are spread over this many days ending at End (default 365)
	Seed     uint64
	// Progress, when set, is called after each committed batch with the
	// cases written so far.
	Progress func(cases int)
}

// The synthetic desk's words. Problems recur ("promo code %s", the
// courier, the app) with varying details so the clustering has work to do.
var (
	firsts = []string{
		"Your promo code %s doesn't work at checkout. I tried three times.",
		"This is the third time I write. You charged me twice for order %d and nobody answers. Fix it NOW!!!",
		"Where is my parcel? The tracking page for order %d has not moved since Friday.",
		"The courier left the box for order %d in the rain and the lamp is wet.",
		"My refund for the returned kettle (order %d) has not arrived yet.",
		"Your app crashes when I open the wishlist on my tablet, version %d.",
		"I want to speak to your manager. Order %d was cancelled without notice and I was still charged.",
		"The invoice for order %d shows the wrong company name.",
		"The blender from order %d arrived broken and I'm really disappointed. Can you send a replacement?",
		"My loyalty points from order %d are missing from the balance.",
		"I've been waiting three weeks for my refund on order %d. This is unacceptable, I will post a review everywhere.",
		"How do I change the delivery address for order %d?",
	}
	codes     = []string{"WINTER24", "SPRING10", "WELCOME5", "FREESHIP", "BLACKFRIDAY"}
	followups = []string{
		"Still nothing. This is ridiculous, I am done waiting for you people.",
		"Thank you, that helps a lot. Have a nice day.",
		"OK, I will wait for the refund then.",
		"Thanks, everything works now!",
	}
	replies = []string{
		"I'm sorry about this, %s. I have refunded the duplicate charge just now; you will see it within 3 business days.",
		"Thanks for writing. I will check the tracking with the courier and get back to you by tomorrow 5pm.",
		"Hi %s, we received your message.",
		"I understand how frustrating this is. I have sent a replacement today and you'll get the tracking number by email.",
	}
	categories = []string{"billing", "shipping", "refunds", "product", "account", "app", "promotions", ""}
	channels   = []string{"email", "chat", "web"}
)

// texts are every message the generator writes, read once each.
type texts struct {
	firstText [][]string // template → variant → text
	firstRead [][]string // its stored reading (JSON)
	follow    []string   // readings of the follow-ups
	reviews   []string   // coach reviews of the replies (JSON)
}

func prepare() (*texts, error) {
	a := analyze.Default()
	read := func(text string) (string, error) {
		r, err := a.Read(text)
		if err != nil {
			return "", err
		}
		b, err := json.Marshal(r)
		return string(b), err
	}
	t := &texts{}
	// Every first message variant: 12 templates × 40 details.
	for _, f := range firsts {
		var ts, rs []string
		for v := range 40 {
			var text string
			if strings.Contains(f, "%s") {
				text = fmt.Sprintf(f, codes[v%len(codes)])
			} else {
				text = fmt.Sprintf(f, 4000+v*37)
			}
			r, err := read(text)
			if err != nil {
				return nil, err
			}
			ts, rs = append(ts, text), append(rs, r)
		}
		t.firstText, t.firstRead = append(t.firstText, ts), append(t.firstRead, rs)
	}
	for _, f := range followups {
		r, err := read(f)
		if err != nil {
			return nil, err
		}
		t.follow = append(t.follow, r)
	}
	co := coach.New(nil)
	for _, r := range replies {
		rv, err := co.Review(strings.ReplaceAll(r, "%s", "Dana"), coach.Context{CustomerName: "Dana Reyes"})
		if err != nil {
			return nil, err
		}
		b, err := json.Marshal(rv)
		if err != nil {
			return nil, err
		}
		t.reviews = append(t.reviews, string(b))
	}
	return t, nil
}

// batch collects rows for one multi-row INSERT.
type batch struct {
	head  string // INSERT INTO t (cols)
	tail  string // e.g. OVERRIDING SYSTEM VALUE
	cols  int
	rows  int
	args  []any
	limit int
	after []*batch // flushed first: the rows these rows name
	mark  string   // "$" (PostgreSQL: $1, $2, …) or "?" (SQLite: ?, ?, …)
}

func newBatch(engine store.Engine, head, tail string, cols int) *batch {
	mark := "$"
	if engine == store.SQLite {
		// Plain ?: the driver looks every named or numbered parameter up
		// by name, in a time that grows with the number of parameters.
		mark = "?"
	}
	return &batch{head: head, tail: tail, cols: cols, limit: max(1, 4000/cols), mark: mark}
}

func (b *batch) add(ctx context.Context, tx *sql.Tx, vals ...any) error {
	b.args = append(b.args, vals...)
	b.rows++
	if b.rows >= b.limit {
		return b.flush(ctx, tx)
	}
	return nil
}

func (b *batch) flush(ctx context.Context, tx *sql.Tx) error {
	if b.rows == 0 {
		return nil
	}
	for _, d := range b.after {
		if err := d.flush(ctx, tx); err != nil {
			return err
		}
	}
	var q strings.Builder
	q.WriteString(b.head)
	q.WriteString(b.tail)
	q.WriteString(" VALUES ")
	n := 0
	for r := range b.rows {
		if r > 0 {
			q.WriteByte(',')
		}
		q.WriteByte('(')
		for c := range b.cols {
			if c > 0 {
				q.WriteByte(',')
			}
			n++
			if b.mark == "?" {
				q.WriteByte('?')
			} else {
				fmt.Fprintf(&q, "$%d", n)
			}
		}
		q.WriteByte(')')
	}
	_, err := tx.ExecContext(ctx, q.String(), b.args...)
	b.rows, b.args = 0, b.args[:0]
	if err != nil {
		return fmt.Errorf("gendesk: %s: %w", b.head, err)
	}
	return nil
}

// Generate writes the desk into db, which must be migrated and hold no
// cases. It returns the messages written.
func Generate(ctx context.Context, db *store.DB, o Options) (int64, error) {
	if o.Messages <= 0 {
		o.Messages = 5
	}
	if o.Days <= 0 {
		o.Days = 365
	}
	n := o.Cases
	rng := rand.New(rand.NewPCG(12+o.Seed, 5))
	t, err := prepare()
	if err != nil {
		return 0, err
	}
	if db.Engine == store.SQLite {
		// One writer connection: bulk loading need not sync every batch.
		if _, err := db.Writer().ExecContext(ctx, `PRAGMA synchronous = OFF`); err != nil {
			return 0, err
		}
		defer db.Writer().ExecContext(context.Background(), `PRAGMA synchronous = FULL`)
	}
	// Rows are written with their ids, so messages and promises can name
	// them; PostgreSQL's identity columns must be told so.
	ov := ""
	if db.Engine == store.Postgres {
		ov = " OVERRIDING SYSTEM VALUE"
	}
	customers := max(1, n/3)
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		for i := 1; i <= 20; i++ {
			if _, err := tx.ExecContext(ctx, `INSERT INTO users (email, name, role, created_at) VALUES ($1, $2, 'agent', $3)`,
				fmt.Sprintf("agent%d@bench.test", i), fmt.Sprintf("Agent %d", i), End.AddDate(-1, 0, 0)); err != nil {
				return err
			}
		}
		cust := newBatch(db.Engine, `INSERT INTO customers (id, email, tier, first_contact_at, last_contact_at)`, ov, 5)
		for i := 1; i <= customers; i++ {
			tier := "standard"
			if i%20 == 0 {
				tier = "vip"
			}
			first := End.AddDate(0, 0, -o.Days)
			if err := cust.add(ctx, tx, i, fmt.Sprintf("c%d@bench.test", i), tier, first, first); err != nil {
				return err
			}
		}
		return cust.flush(ctx, tx)
	})
	if err != nil {
		return 0, err
	}
	span := time.Duration(o.Days) * 24 * time.Hour
	mid := int64(0)
	const perTx = 5000
	for lo := 1; lo <= n; lo += perTx {
		hi := min(n, lo+perTx-1)
		err := db.Tx(ctx, func(tx *sql.Tx) error {
			caseIns := newBatch(db.Engine, `INSERT INTO cases (id, customer_id, subject, status, assignee_id, category, channel, created_at, updated_at,
			  first_response_due_at, first_responded_at, resolution_due_at, resolved_at)`, ov, 13)
			msgIns := newBatch(db.Engine, `INSERT INTO messages (id, case_id, direction, channel, author_user_id, customer_id, raw_text, clean_text, reading, review, created_at)`, ov, 11)
			promIns := newBatch(db.Engine, `INSERT INTO commitments (case_id, message_id, owner_user_id, action, due_at, status, created_at, closed_at)`, "", 8)
			survIns := newBatch(db.Engine, `INSERT INTO surveys (case_id, token_hash, status, due_at, sent_at, answered_at, score, created_at)`, "", 8)
			escIns := newBatch(db.Engine, `INSERT INTO escalations (case_id, rule, reason, created_at)`, "", 4)
			audIns := newBatch(db.Engine, `INSERT INTO audit_events (at, actor, case_id, action)`, "", 4)
			gwIns := newBatch(db.Engine, `INSERT INTO goodwill (case_id, kind, amount_cents, currency, status, requested_by, created_at)`, "", 7)
			msgIns.after = []*batch{caseIns}
			promIns.after = []*batch{msgIns}
			for _, b := range []*batch{survIns, escIns, audIns, gwIns} {
				b.after = []*batch{caseIns}
			}
			for id := lo; id <= hi; id++ {
				at := End.Add(-span + time.Duration(float64(span)*float64(id-1)/float64(n))).Truncate(time.Second)
				tpl := rng.IntN(len(firsts))
				v := rng.IntN(40)
				agent := 1 + rng.IntN(20)
				customer := 1 + rng.IntN(customers)
				status := "resolved"
				var resolved any = at.Add(6 * time.Hour)
				if rng.IntN(10) >= 8 {
					status, resolved = "open", nil
				}
				firstReply := at.Add(time.Duration(10+rng.IntN(120)) * time.Minute)
				first := t.firstText[tpl][v]
				if err := caseIns.add(ctx, tx, id, customer, first[:min(60, len(first))], status, agent,
					categories[tpl%len(categories)], channels[rng.IntN(3)], at, at, at.Add(time.Hour), firstReply, at.Add(24*time.Hour), resolved); err != nil {
					return err
				}
				for k := range o.Messages {
					mid++
					var author, cust, reading, review any
					var text string
					var mat time.Time
					if k%2 == 0 { // the customer
						cust = customer
						switch {
						case k == 0:
							text, reading, mat = first, t.firstRead[tpl][v], at
						case k == o.Messages-1 || k == 4:
							text, reading = followups[1], t.follow[1]
						default:
							f := rng.IntN(len(followups))
							text, reading = followups[f], t.follow[f]
						}
						if k > 0 {
							mat = at.Add(time.Duration(k+1) * time.Hour)
						}
					} else {
						r := rng.IntN(len(replies))
						author, review, text = agent, t.reviews[r], replies[r]
						mat = at.Add(time.Duration(k+1) * time.Hour)
						if k == 1 {
							mat = firstReply
						}
					}
					if err := msgIns.add(ctx, tx, mid, id, map[bool]string{true: "inbound", false: "outbound"}[k%2 == 0], "email",
						author, cust, text, text, reading, review, mat); err != nil {
						return err
					}
					if k == 1 && rng.IntN(10) < 3 { // a promise on the first reply
						due := at.Add(24 * time.Hour)
						st, closed := "kept", any(due.Add(-time.Hour))
						if rng.IntN(4) == 0 {
							st, closed = "broken", any(due.Add(time.Minute))
						}
						if err := promIns.add(ctx, tx, id, mid, agent, "refund", due, st, firstReply, closed); err != nil {
							return err
						}
					}
				}
				if status == "resolved" && rng.IntN(10) < 4 {
					sent := at.Add(30 * time.Hour)
					if err := survIns.add(ctx, tx, id, []byte(fmt.Sprintf("t%d", id)), "answered", sent, sent, sent.Add(time.Hour), 1+rng.IntN(5), sent); err != nil {
						return err
					}
				}
				if rng.IntN(10) == 0 {
					if err := escIns.add(ctx, tx, id, []string{"manual", "anger_not_falling", "signal:legal_threat"}[rng.IntN(3)], "bench", at.Add(time.Hour)); err != nil {
						return err
					}
				}
				if rng.IntN(33) == 0 {
					if err := audIns.add(ctx, tx, at.Add(8*time.Hour), "system", id, "case.reopened"); err != nil {
						return err
					}
				}
				if rng.IntN(20) == 0 {
					if err := gwIns.add(ctx, tx, id, "credit", 500+rng.IntN(5000), "EUR", "approved", 1, at.Add(2*time.Hour)); err != nil {
						return err
					}
				}
			}
			// Cases before what names them; messages before promises.
			for _, b := range []*batch{caseIns, msgIns, promIns, survIns, escIns, audIns, gwIns} {
				if err := b.flush(ctx, tx); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return mid, err
		}
		if o.Progress != nil {
			o.Progress(hi)
		}
	}
	if db.Engine == store.Postgres {
		// Continue the identity sequences after the ids written, and give
		// the planner statistics (autovacuum would, later).
		for _, tbl := range []string{"customers", "cases", "messages"} {
			if _, err := db.Writer().ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+tbl+`', 'id'), (SELECT max(id) FROM `+tbl+`))`); err != nil {
				return mid, err
			}
		}
		if _, err := db.Writer().ExecContext(ctx, `ANALYZE`); err != nil {
			return mid, err
		}
	}
	return mid, nil
}
