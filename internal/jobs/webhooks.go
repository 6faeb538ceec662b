package jobs

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/riverqueue/river"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// Webhooks are fed from the audit log, which is written in the same
// transaction as every change: a periodic job posts the events after each
// webhook's cursor and advances the cursor only on a 2xx answer. Delivery
// is at least once and in order; an endpoint that fails is retried with
// growing pauses without holding up the others.

// staleEvent is the age past which an event is history, not news.
const staleEvent = 24 * time.Hour

// webhookArgs is the periodic job that delivers webhook events.
type webhookArgs struct{}

// Kind implements river.JobArgs.
func (webhookArgs) Kind() string { return "calmdesk.webhooks" }

type webhookWorker struct {
	river.WorkerDefaults[webhookArgs]
	desk   *desk.Desk
	client *http.Client
	log    *slog.Logger
}

// webhookCursor is a webhook's delivery position, kept in the settings.
type webhookCursor struct {
	AfterID     int64     `json:"after_id"`
	Failures    int       `json:"failures"`
	NextAttempt time.Time `json:"next_attempt"`
	// Gaps are ids below AfterID not seen yet: on PostgreSQL a transaction
	// can commit its event after a later id's (desk.EventGaps).
	Gaps desk.EventGaps `json:"gaps,omitempty"`
}

// webhookPayload is what an endpoint receives.
type webhookPayload struct {
	ID     int64           `json:"id"`
	Event  string          `json:"event"`
	CaseID *int64          `json:"case_id,omitempty"`
	At     time.Time       `json:"at"`
	Actor  string          `json:"actor"`
	Detail json.RawMessage `json:"detail"`
}

func (w *webhookWorker) Work(ctx context.Context, _ *river.Job[webhookArgs]) error {
	policy, err := w.desk.Policy(ctx)
	if err != nil {
		return err
	}
	for _, hook := range policy.Webhooks {
		if err := w.deliver(policy.WebhookContext(ctx, hook), hook); err != nil {
			return err
		}
	}
	return nil
}

func cursorKey(url string) string {
	sum := sha256.Sum256([]byte(url))
	return "webhook_cursor:" + hex.EncodeToString(sum[:8])
}

// deliver posts the pending events of one webhook; a failing endpoint is
// recorded in its cursor, not returned as the job's error.
func (w *webhookWorker) deliver(ctx context.Context, hook desk.Webhook) error {
	var cur webhookCursor
	found, err := w.desk.LoadSetting(ctx, cursorKey(hook.URL), &cur)
	if err != nil {
		return err
	}
	if !found {
		// A new webhook starts with what happens from now on, not with history.
		if cur.AfterID, err = w.desk.LastEventID(ctx); err != nil {
			return err
		}
		return w.desk.SaveSetting(ctx, cursorKey(hook.URL), cur)
	}
	if time.Now().Before(cur.NextAttempt) {
		return nil
	}
	if cur.Gaps == nil {
		cur.Gaps = desk.EventGaps{}
	}
	awaited := len(cur.Gaps)
	var late []desk.AuditEvent
	if ids := cur.Gaps.Awaited(time.Now()); len(ids) > 0 {
		if late, err = w.desk.EventsByID(ctx, ids); err != nil {
			return err
		}
	}
	changed := len(late) > 0 || len(cur.Gaps) != awaited // some turned up, or some were given up
	events, err := w.desk.EventsAfter(ctx, cur.AfterID, 100)
	if err != nil {
		return err
	}
	// The late events are older than AfterID, so they go first.
	for _, e := range append(late, events...) {
		isLate := e.ID <= cur.AfterID
		// Webhooks report what happens now: history brought in by
		// `calmdesk import` is written at its own (past) times and skipped.
		if hook.Wants(e.Action) && time.Since(e.At) < staleEvent {
			started := time.Now()
			code, err := w.post(ctx, hook, e)
			logged := desk.WebhookDelivery{URL: hook.URL, EventID: e.ID, Event: e.Action, StatusCode: code, At: started,
				DurationMS: time.Since(started).Milliseconds()}
			if err != nil {
				logged.Error = err.Error()
			}
			if logErr := w.desk.RecordWebhookDelivery(ctx, logged); logErr != nil {
				return logErr
			}
			if err != nil {
				cur.Failures++
				cur.NextAttempt = time.Now().Add(min(time.Hour, time.Second<<min(cur.Failures, 12)))
				for id, until := range cur.Gaps { // still owed: awaited past the back-off
					if later := cur.NextAttempt.Add(desk.GapWait); until.Before(later) {
						cur.Gaps[id] = later
					}
				}
				w.log.WarnContext(ctx, "webhook failed", "url", hook.URL, "event", e.ID, "failures", cur.Failures, "err", err)
				return w.desk.SaveSetting(ctx, cursorKey(hook.URL), cur)
			}
		}
		if isLate {
			delete(cur.Gaps, e.ID)
		} else {
			cur.Gaps.Skipped(cur.AfterID, []desk.AuditEvent{e}, time.Now())
			cur.AfterID = e.ID
		}
		cur.Failures, cur.NextAttempt = 0, time.Time{}
	}
	if len(events) == 0 && !changed {
		return nil
	}
	return w.desk.SaveSetting(ctx, cursorKey(hook.URL), cur)
}

// post sends one event and returns the HTTP status (0 when none came back).
func (w *webhookWorker) post(ctx context.Context, hook desk.Webhook, e desk.AuditEvent) (int, error) {
	body, err := json.Marshal(webhookPayload{ID: e.ID, Event: e.Action, CaseID: e.CaseID, At: e.At, Actor: e.Actor, Detail: e.Detail})
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook.URL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "calmdesk-webhooks")
	req.Header.Set("X-Calmdesk-Event", e.Action)
	req.Header.Set("X-Calmdesk-Delivery", strconv.FormatInt(e.ID, 10))
	if hook.Secret != "" {
		mac := hmac.New(sha256.New, []byte(hook.Secret))
		mac.Write(body)
		req.Header.Set("X-Calmdesk-Signature", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("answered %s", resp.Status)
	}
	return resp.StatusCode, nil
}
