package importer

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// field names a record's columns (CSV) or keys (JSONL) go by. The first is
// the documented name; the others are what common helpdesk exports call it.
var fieldNames = map[string][]string{
	"external_id":    {"external_id", "id", "message_id"},
	"thread":         {"thread", "case", "ticket", "ticket_id", "conversation_id"},
	"direction":      {"direction", "from_type", "author_type"},
	"customer_email": {"customer_email", "email", "requester_email"},
	"customer_name":  {"customer_name", "name", "requester_name"},
	"agent_email":    {"agent_email", "agent"},
	"subject":        {"subject", "title"},
	"text":           {"text", "body", "message", "description"},
	"at":             {"at", "received_at", "created_at", "date"},
	"category":       {"category", "type", "topic"},
	"status":         {"status", "outcome"},
}

// canonicalField maps a column name to the documented name, "" if unknown.
func canonicalField(name string) string {
	name = strings.ToLower(strings.TrimSpace(name))
	name = strings.ReplaceAll(strings.ReplaceAll(name, " ", "_"), "-", "_")
	for canon, aliases := range fieldNames {
		for _, a := range aliases {
			if a == name {
				return canon
			}
		}
	}
	return ""
}

// set stores one field's text value on the record.
func (rec *Record) set(field, v string) error {
	switch field {
	case "external_id":
		rec.ExternalID = v
	case "thread":
		rec.Thread = v
	case "direction":
		d, err := parseDirection(v)
		if err != nil {
			return err
		}
		rec.Direction = d
	case "customer_email":
		rec.CustomerEmail = v
	case "customer_name":
		rec.CustomerName = v
	case "agent_email":
		rec.AgentEmail = v
	case "subject":
		rec.Subject = v
	case "text":
		rec.Text = v
	case "at":
		t, err := parseTime(v)
		if err != nil {
			return err
		}
		rec.At = t
	case "category":
		rec.Category = v
	case "status":
		s, err := parseStatus(v)
		if err != nil {
			return err
		}
		rec.Status = s
	}
	return nil
}

func parseDirection(v string) (Direction, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "inbound", "in", "customer", "incoming", "requester", "end-user", "end_user":
		return Inbound, nil
	case "outbound", "out", "agent", "outgoing", "reply", "staff", "support":
		return Outbound, nil
	}
	return "", fmt.Errorf("direction %q: want inbound or outbound", v)
}

// parseStatus reduces the many words exports use for a case's state to the
// two outcomes the import acts on.
func parseStatus(v string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "":
		return "", nil
	case "resolved", "solved", "closed", "done", "completed", "complete":
		return "resolved", nil
	case "open", "new", "pending", "on-hold", "on_hold", "hold", "waiting", "escalated", "in progress", "in_progress":
		return "open", nil
	}
	return "", fmt.Errorf("status %q: want resolved or open (or solved, closed, pending, …)", v)
}

// timeLayouts are the formats exports write dates in; times without a zone are UTC.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
	time.RFC1123Z,
	time.RFC1123,
	"01/02/2006 15:04",
	"01/02/2006",
}

func parseTime(v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil && secs > 0 {
		return time.Unix(secs, 0).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("date %q: want RFC 3339 (2024-03-01T09:30:00Z), YYYY-MM-DD HH:MM[:SS] or Unix seconds", v)
}
