package desk

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/calendar"
)

// Policy is the workflow an admin can change without editing files:
// escalation rules, SLA targets, business hours, follow-up surveys, goodwill
// limits and assignment. It is stored as one JSON document in the settings
// table; fields left out keep their defaults.
type Policy struct {
	Escalation    EscalationRules  `json:"escalation"`
	SLA           SLAPolicy        `json:"sla"`
	BusinessHours BusinessHours    `json:"business_hours"`
	FollowUp      FollowUpPolicy   `json:"follow_up"`
	Goodwill      GoodwillPolicy   `json:"goodwill"`
	Assignment    AssignmentPolicy `json:"assignment"`
	Webhooks      []Webhook        `json:"webhooks"`
	// WebhooksAllowHosts are hosts (names or IP addresses) a webhook may
	// reach although they are internal: loopback, private or link-local
	// addresses, localhost. Every other internal address is refused when
	// the policy is saved and when a delivery connects.
	WebhooksAllowHosts []string `json:"webhooks_allow_hosts"`
}

// Webhook posts desk events (the audit log's actions, such as
// case.escalated, promise.broken, sla.breach, survey.answered) to a URL,
// signed with HMAC-SHA256 of the body under Secret.
type Webhook struct {
	URL    string   `json:"url"`
	Secret string   `json:"secret,omitempty"`
	Events []string `json:"events,omitempty"` // empty: every event
}

// Wants reports whether the webhook subscribes to an event action.
func (w Webhook) Wants(action string) bool {
	if len(w.Events) == 0 {
		return true
	}
	return slices.Contains(w.Events, action)
}

// EscalationRules say when a case goes to the supervisors' queue by itself.
type EscalationRules struct {
	// Signals that escalate a case the moment a message carrying them arrives.
	Signals []string `json:"signals"`
	// AngerNotFallingAfterReplies escalates when the customer's anger has not
	// fallen below its peak after this many agent replies (0: off).
	AngerNotFallingAfterReplies int  `json:"anger_not_falling_after_replies"`
	BrokenPromise               bool `json:"broken_promise"`
	SLABreach                   bool `json:"sla_breach"`
	GoodwillAboveLimit          bool `json:"goodwill_above_limit"`
}

// SLATarget is a first-response and resolution target, in business time, for
// cases at or above a priority (and of a category, when one is given).
type SLATarget struct {
	Category      string   `json:"category,omitempty"`
	MinPriority   int      `json:"min_priority"`
	FirstResponse Duration `json:"first_response"`
	Resolution    Duration `json:"resolution"`
}

// SLAPolicy lists targets from the most urgent down; the first whose
// category (if any) matches and whose MinPriority the case reaches applies. WarnBefore is how long before a
// breach the owner is warned.
type SLAPolicy struct {
	Targets    []SLATarget `json:"targets"`
	WarnBefore Duration    `json:"warn_before"`
}

// BusinessHours is the support team's calendar.
type BusinessHours struct {
	TimeZone string   `json:"time_zone"`
	Days     []string `json:"days"`  // mon, tue, …
	Open     string   `json:"open"`  // "09:00"
	Close    string   `json:"close"` // "17:00"
	Holidays []string `json:"holidays"`
}

// FollowUpPolicy governs the check-in and satisfaction survey after resolution.
type FollowUpPolicy struct {
	Enabled bool     `json:"enabled"`
	Delay   Duration `json:"delay"` // business time after resolution
	// MaxAnger: the survey waits while the customer's latest message is
	// angrier than this (customers rate how they feel at that moment).
	MaxAnger int      `json:"max_anger"`
	ValidFor Duration `json:"valid_for"` // how long the survey link works
	// ReopenAtOrBelow reopens the case when the score is this low.
	ReopenAtOrBelow int `json:"reopen_at_or_below"`
}

// GoodwillPolicy lists the gestures agents may offer and what may be given
// without a supervisor's approval, in minor units (cents): per role, the
// total on one case (its pending and approved gestures), and per customer,
// the total over the last CustomerPeriodDays across their cases.
type GoodwillPolicy struct {
	Kinds              []string         `json:"kinds"`
	Currency           string           `json:"currency"`
	Limits             map[string]int64 `json:"limits"`
	CustomerLimit      int64            `json:"customer_limit"` // 0: no limit per customer
	CustomerPeriodDays int              `json:"customer_period_days"`
}

// AssignmentPolicy says how new cases find an agent.
type AssignmentPolicy struct {
	Mode string `json:"mode"` // off, least_loaded, round_robin
	// ExposureLimit: an agent who handled this many furious (or angry)
	// customers in a row within ExposureWindow gets a calm case next.
	ExposureLimit  int      `json:"exposure_limit"`
	ExposureWindow Duration `json:"exposure_window"`
}

// DefaultPolicy is what a fresh desk runs with.
func DefaultPolicy() Policy {
	return Policy{
		Escalation: EscalationRules{
			Signals:                     []string{analyze.SignalManagerRequest, analyze.SignalLegalThreat, analyze.SignalRegulatorComplaint, analyze.SignalChargeback, analyze.SignalPublicExposure, analyze.SignalSafetyIssue},
			AngerNotFallingAfterReplies: 2,
			BrokenPromise:               true,
			SLABreach:                   true,
			GoodwillAboveLimit:          true,
		},
		SLA: SLAPolicy{
			Targets: []SLATarget{
				{MinPriority: 70, FirstResponse: hours(1), Resolution: hours(8)},
				{MinPriority: 40, FirstResponse: hours(4), Resolution: hours(24)},
				{MinPriority: 0, FirstResponse: hours(8), Resolution: hours(40)},
			},
			WarnBefore: Duration{30 * time.Minute},
		},
		BusinessHours: BusinessHours{TimeZone: "UTC", Days: []string{"mon", "tue", "wed", "thu", "fri"}, Open: "09:00", Close: "17:00"},
		FollowUp:      FollowUpPolicy{Enabled: true, Delay: hours(16), MaxAnger: 50, ValidFor: hours(24 * 14), ReopenAtOrBelow: 2},
		Goodwill: GoodwillPolicy{
			Kinds:    []string{"credit", "refund", "discount", "waived_fee", "free_shipping"},
			Currency: "USD",
			Limits:   map[string]int64{string(RoleAgent): 1500, string(RoleSupervisor): 5000, string(RoleAdmin): 50000},
			// A customer may receive 100.00 in 30 days before a supervisor decides.
			CustomerLimit: 10000, CustomerPeriodDays: 30,
		},
		Assignment: AssignmentPolicy{Mode: "least_loaded", ExposureLimit: 3, ExposureWindow: hours(4)},
	}
}

func hours(n int) Duration { return Duration{time.Duration(n) * time.Hour} }

// Duration is a time.Duration written as "4h30m" in JSON.
type Duration struct{ time.Duration }

// MarshalJSON implements json.Marshaler.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON implements json.Unmarshaler.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return errors.New("durations are strings such as \"4h\" or \"90m\"")
	}
	v, err := time.ParseDuration(s)
	if err != nil || v < 0 {
		return fmt.Errorf("bad duration %q", s)
	}
	d.Duration = v
	return nil
}

var weekdays = map[string]time.Weekday{"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday}

// Calendar turns the business hours into a calendar.
func (b BusinessHours) Calendar() (calendar.Calendar, error) {
	c := calendar.Default()
	loc, err := time.LoadLocation(b.TimeZone)
	if err != nil {
		return c, fmt.Errorf("time_zone: %w", err)
	}
	c.Location = loc
	c.Workdays = nil
	for _, d := range b.Days {
		wd, ok := weekdays[strings.ToLower(d)]
		if !ok {
			return c, fmt.Errorf("days: unknown day %q", d)
		}
		c.Workdays = append(c.Workdays, wd)
	}
	if len(c.Workdays) == 0 {
		return c, errors.New("days: at least one working day")
	}
	open, err1 := clockTime(b.Open)
	closing, err2 := clockTime(b.Close)
	if err := errors.Join(err1, err2); err != nil {
		return c, err
	}
	if closing <= open {
		return c, errors.New("close must be after open")
	}
	c.Open, c.Close = open, closing
	for _, h := range b.Holidays {
		d, err := calendar.ParseDate(h)
		if err != nil {
			return c, fmt.Errorf("holidays: %w", err)
		}
		c.Holidays = append(c.Holidays, d)
	}
	return c, nil
}

func clockTime(s string) (time.Duration, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, fmt.Errorf("bad time of day %q (want HH:MM)", s)
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}

// maxPolicyDuration bounds every duration in the policy: a year is more
// than any target, delay or link needs, and keeps every time computed from
// one far inside what the database stores.
const maxPolicyDuration = 366 * 24 * time.Hour

// validate checks a policy before it is stored.
func (p Policy) validate() error {
	v := validator{}
	durations := map[string]Duration{"sla.warn_before": p.SLA.WarnBefore, "follow_up.delay": p.FollowUp.Delay,
		"follow_up.valid_for": p.FollowUp.ValidFor, "assignment.exposure_window": p.Assignment.ExposureWindow}
	for i, t := range p.SLA.Targets {
		durations[fmt.Sprintf("sla.targets[%d].first_response", i)] = t.FirstResponse
		durations[fmt.Sprintf("sla.targets[%d].resolution", i)] = t.Resolution
	}
	for field, d := range durations {
		v.check(d.Duration <= maxPolicyDuration, field, "at most 8784h (366 days)")
	}
	_, err := p.BusinessHours.Calendar()
	v.check(err == nil, "business_hours", fmt.Sprint(err))
	v.check(len(p.SLA.Targets) > 0, "sla.targets", "at least one target")
	for _, t := range p.SLA.Targets {
		v.check(t.FirstResponse.Duration > 0 && t.Resolution.Duration >= t.FirstResponse.Duration, "sla.targets",
			"each target needs first_response > 0 and resolution >= first_response")
	}
	for role, limit := range p.Goodwill.Limits {
		v.check(Role(role).Valid() && limit >= 0, "goodwill.limits", "limits are per role (agent, supervisor, admin, trainee), at least 0")
	}
	v.check(len(p.Goodwill.Currency) == 3, "goodwill.currency", "a three-letter currency code")
	v.check(p.Goodwill.CustomerLimit >= 0, "goodwill.customer_limit", "at least 0 (0: no limit per customer)")
	v.check(p.Goodwill.CustomerPeriodDays >= 1 && p.Goodwill.CustomerPeriodDays <= 366, "goodwill.customer_period_days", "1-366 days")
	switch p.Assignment.Mode {
	case "off", "least_loaded", "round_robin":
	default:
		v.check(false, "assignment.mode", "off, least_loaded or round_robin")
	}
	v.check(p.FollowUp.MaxAnger >= 0 && p.FollowUp.MaxAnger <= 100, "follow_up.max_anger", "0-100")
	signals := analyze.SignalKinds()
	for _, s := range p.Escalation.Signals {
		v.check(slices.Contains(signals, s), "escalation.signals", fmt.Sprintf("unknown signal %q; the signals are %s", s, strings.Join(signals, ", ")))
	}
	for _, k := range p.Goodwill.Kinds {
		v.check(k != "" && len(k) <= 50 && !strings.ContainsAny(k, " \t\r\n"), "goodwill.kinds", "each kind is a name of 1-50 bytes without spaces, such as waived_fee")
	}
	for _, h := range p.WebhooksAllowHosts {
		v.check(validHost(h), "webhooks_allow_hosts", fmt.Sprintf("%q is not a host name or IP address (no scheme, port or path)", h))
	}
	for i, w := range p.Webhooks {
		field := fmt.Sprintf("webhooks[%d].url", i)
		u, err := url.Parse(w.URL)
		v.check(err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "", field, "must be an absolute http(s) URL")
		if err == nil {
			v.check(!internalHost(u.Hostname()) || p.allowsWebhookHost(u.Hostname()), field,
				fmt.Sprintf("%s is an internal address (loopback, private, link-local or localhost); to post there, add it to webhooks_allow_hosts", u.Hostname()))
		}
		for _, e := range w.Events {
			v.check(slices.Contains(auditActions, e), fmt.Sprintf("webhooks[%d].events", i),
				fmt.Sprintf("unknown event %q; the events are %s", e, strings.Join(auditActions, ", ")))
		}
	}
	return v.err()
}

// policyCache keeps the policy for a few seconds: it is read on every
// ingest, and changes made on another instance show up within the TTL.
type policyCache struct {
	mu      sync.Mutex
	policy  Policy
	cal     calendar.Calendar
	fetched time.Time
}

const policyTTL = 5 * time.Second

// Policy returns the current workflow policy.
func (d *Desk) Policy(ctx context.Context) (Policy, error) {
	p, _, err := d.policyAndCalendar(ctx)
	return p, err
}

func (d *Desk) policyAndCalendar(ctx context.Context) (Policy, calendar.Calendar, error) {
	d.policy.mu.Lock()
	defer d.policy.mu.Unlock()
	if !d.policy.fetched.IsZero() && time.Since(d.policy.fetched) < policyTTL {
		return d.policy.policy, d.policy.cal, nil
	}
	p := DefaultPolicy()
	var raw string
	err := d.db.Read().QueryRowContext(ctx, `SELECT value FROM settings WHERE key = 'policy'`).Scan(&raw)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return Policy{}, calendar.Calendar{}, fmt.Errorf("desk: load policy: %w", err)
	default:
		if err := json.Unmarshal([]byte(raw), &p); err != nil {
			return Policy{}, calendar.Calendar{}, fmt.Errorf("desk: stored policy is unreadable: %w", err)
		}
	}
	p = p.normalised()
	cal, err := p.BusinessHours.Calendar()
	if err != nil {
		return Policy{}, calendar.Calendar{}, fmt.Errorf("desk: stored business hours: %w", err)
	}
	d.policy.policy, d.policy.cal, d.policy.fetched = p, cal, time.Now()
	return p, cal, nil
}

// SetPolicy validates and stores a new policy, replacing the old one.
func (d *Desk) SetPolicy(ctx context.Context, actor Actor, p Policy) error {
	p = p.normalised()
	if err := p.validate(); err != nil {
		return err
	}
	err := d.db.Tx(ctx, func(tx *sql.Tx) error { return d.storePolicy(ctx, tx, actor, p) })
	if err != nil {
		return wrapOp(err, "set policy")
	}
	d.forgetPolicy()
	return nil
}

// PatchPolicy applies a JSON merge patch (see MergePolicy) to the stored
// policy and stores the result. The stored policy is read and written in
// one transaction, so two admins' patches cannot undo each other.
func (d *Desk) PatchPolicy(ctx context.Context, actor Actor, patch []byte) (Policy, error) {
	var p Policy
	err := d.db.Tx(ctx, func(tx *sql.Tx) error {
		// The row must exist to be locked.
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ('policy', $1, $2) ON CONFLICT (key) DO NOTHING`,
			"{}", d.clock()); err != nil {
			return err
		}
		var raw string
		if err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = 'policy'`+d.db.ForUpdate()).Scan(&raw); err != nil {
			return err
		}
		current := DefaultPolicy()
		if err := json.Unmarshal([]byte(raw), &current); err != nil {
			return fmt.Errorf("stored policy is unreadable: %w", err)
		}
		var err error
		if p, err = MergePolicy(current, patch); err != nil {
			return err
		}
		return d.storePolicy(ctx, tx, actor, p)
	})
	if err != nil {
		return Policy{}, wrapOp(err, "patch policy")
	}
	d.forgetPolicy()
	return p, nil
}

// storePolicy writes a validated policy in the caller's transaction.
func (d *Desk) storePolicy(ctx context.Context, tx *sql.Tx, actor Actor, p Policy) error {
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	now := d.clock()
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO settings (key, value, updated_at) VALUES ('policy', $1, $2)
		 ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, string(b), now); err != nil {
		return err
	}
	return audit(ctx, tx, now, actor, 0, "policy.updated", json.RawMessage(b))
}

// forgetPolicy drops the cached policy after a change is committed.
func (d *Desk) forgetPolicy() {
	d.policy.mu.Lock()
	d.policy.fetched = time.Time{}
	d.policy.mu.Unlock()
}
