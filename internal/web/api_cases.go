package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/calmdesk/calmdesk/internal/desk"
)

type ingestRequest struct {
	Customer struct {
		Email string `json:"email"`
		Name  string `json:"name"`
		Tier  string `json:"tier"`
	} `json:"customer"`
	Subject    string     `json:"subject"`
	Text       string     `json:"text"`
	RawText    string     `json:"raw_text"`
	Channel    string     `json:"channel"`
	ExternalID string     `json:"external_id"`
	CaseID     int64      `json:"case_id"`
	Category   string     `json:"category"`
	InReplyTo  []string   `json:"in_reply_to"`
	ReceivedAt *time.Time `json:"received_at"`
}

// ingestMessage stores a customer message sent through the API. The caller
// is recorded as having entered it: the customer did not send it to the
// desk themselves (an agent logging a phone call, an integration).
func (s *Server) ingestMessage(w http.ResponseWriter, r *http.Request, u desk.User) error {
	var req ingestRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	in := desk.InboundMessage{
		CustomerEmail: req.Customer.Email, CustomerName: req.Customer.Name, CustomerTier: req.Customer.Tier,
		Subject: req.Subject, Text: req.Text, RawText: req.RawText, Channel: req.Channel,
		ExternalID: req.ExternalID, CaseID: req.CaseID, Category: req.Category, InReplyTo: req.InReplyTo,
		EnteredBy: u.ID,
	}
	if req.ReceivedAt != nil {
		in.ReceivedAt = *req.ReceivedAt
	}
	res, err := s.desk.Ingest(r.Context(), in)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if res.Duplicate {
		status = http.StatusOK
	} else {
		s.metrics.ingested.WithLabelValues(in.Channel).Inc()
	}
	writeJSON(w, status, res)
	return nil
}

func (s *Server) listCases(w http.ResponseWriter, r *http.Request, u desk.User) error {
	q := r.URL.Query()
	query := desk.CaseQuery{Status: desk.Status(q.Get("status")), Category: q.Get("category"), Cursor: q.Get("cursor"),
		Search: q.Get("q"), Breaching: q.Get("breaching") == "true" || q.Get("breaching") == "1"}
	fields := map[string]string{}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			fields["limit"] = "must be an integer"
		}
		query.Limit = n
	}
	switch v := q.Get("assignee"); v {
	case "":
	case "me":
		query.AssigneeID = u.ID
	case "none":
		query.Unassigned = true
	case "inactive":
		query.AssigneeInactive = true
	default:
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			fields["assignee"] = "must be me, none, inactive or a user id"
		}
		query.AssigneeID = id
	}
	if len(fields) > 0 {
		return &desk.ValidationError{Fields: fields}
	}
	page, err := s.desk.Cases(r.Context(), query)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

// getCase answers one case with its messages; the desk checks the
// caller's permission and keeps the encoded answer of an unchanged case
// (desk.CaseAnswer). ?include= names the parts wanted beyond the case
// itself (desk.ParseCaseParts); without it, the whole case. The answer
// carries an ETag (see writeTagged): a client that sends it back in
// If-None-Match gets 304 while nothing in the case has changed.
func (s *Server) getCase(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	parts := desk.AllCaseParts
	if q := r.URL.Query(); q.Has("include") {
		if parts, err = desk.ParseCaseParts(q.Get("include")); err != nil {
			return err
		}
	}
	a, err := s.desk.CaseAnswer(r.Context(), u, id, parts)
	if err != nil {
		return err
	}
	writeTagged(w, r, a.Body, a.ETag)
	return nil
}

func (s *Server) postReply(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Text   string      `json:"text"`
		Note   bool        `json:"note"`
		Status desk.Status `json:"status"` // the status the case takes with it
	}
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	res, err := s.desk.Reply(r.Context(), u, desk.ReplyInput{CaseID: id, Text: req.Text, Note: req.Note, Then: req.Status})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, res)
	return nil
}

func (s *Server) resolveCase(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Lesson string `json:"lesson"` // optional: what caused it, what would have prevented it
	}
	if err := s.decodeOptional(w, r, &req); err != nil {
		return err
	}
	c, err := s.desk.ResolveWithLesson(r.Context(), desk.UserActor(u), id, req.Lesson)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) escalateCase(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Reason string `json:"reason"`
	}
	if err := s.decodeOptional(w, r, &req); err != nil {
		return err
	}
	if req.Reason == "" {
		req.Reason = "escalated by " + u.Name
	}
	c, err := s.desk.Escalate(r.Context(), desk.UserActor(u), id, "manual", req.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) listPromises(w http.ResponseWriter, r *http.Request, _ desk.User) error {
	list, err := s.desk.Promises(r.Context(), desk.PromiseQuery{Status: r.URL.Query().Get("status")})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"commitments": list})
	return nil
}
