package web

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/calmdesk/calmdesk/internal/desk"
)

func (s *Server) deescalateCase(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, note, err := s.idAndNote(w, r)
	if err != nil {
		return err
	}
	c, err := s.desk.Deescalate(r.Context(), desk.UserActor(u), id, note)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) assignCase(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		UserID *int64 `json:"user_id"`
	}
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	if req.UserID == nil {
		return &desk.ValidationError{Fields: map[string]string{"user_id": "is required (0 unassigns)"}}
	}
	c, err := s.desk.Assign(r.Context(), desk.UserActor(u), id, *req.UserID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) caseAudit(w http.ResponseWriter, r *http.Request, _ desk.User) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.desk.Case(r.Context(), id); err != nil {
		return err
	}
	events, err := s.desk.AuditLog(r.Context(), id, 0)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": events})
	return nil
}

func (s *Server) closePromise(status string) func(http.ResponseWriter, *http.Request, desk.User) error {
	return func(w http.ResponseWriter, r *http.Request, u desk.User) error {
		id, note, err := s.idAndNote(w, r)
		if err != nil {
			return err
		}
		c, err := s.desk.ClosePromise(r.Context(), u, id, status, note)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, c)
		return nil
	}
}

func (s *Server) promiseStats(w http.ResponseWriter, r *http.Request, _ desk.User) error {
	stats, err := s.desk.PromiseStats(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, stats)
	return nil
}

func (s *Server) offerGoodwill(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Kind        string `json:"kind"`
		AmountCents int64  `json:"amount_cents"`
		Reason      string `json:"reason"`
	}
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	g, err := s.desk.OfferGoodwill(r.Context(), u, desk.GoodwillInput{CaseID: id, Kind: req.Kind, AmountCents: req.AmountCents, Reason: req.Reason})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, g)
	return nil
}

func (s *Server) listGoodwill(w http.ResponseWriter, r *http.Request, _ desk.User) error {
	list, err := s.desk.GoodwillOffers(r.Context(), desk.GoodwillQuery{Status: r.URL.Query().Get("status")})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"goodwill": list})
	return nil
}

func (s *Server) decideGoodwill(approve bool) func(http.ResponseWriter, *http.Request, desk.User) error {
	return func(w http.ResponseWriter, r *http.Request, u desk.User) error {
		id, note, err := s.idAndNote(w, r)
		if err != nil {
			return err
		}
		g, err := s.desk.DecideGoodwill(r.Context(), u, id, approve, note)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, g)
		return nil
	}
}

// goodwillBudget reports spending between from and to (RFC 3339 or
// YYYY-MM-DD); by default the current calendar month.
func (s *Server) goodwillBudget(w http.ResponseWriter, r *http.Request, _ desk.User) error {
	now := s.desk.Now()
	from := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 1, 0)
	fields := map[string]string{}
	for name, dst := range map[string]*time.Time{"from": &from, "to": &to} {
		v := r.URL.Query().Get(name)
		if v == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			t, err = time.Parse(time.DateOnly, v)
		}
		if err != nil {
			fields[name] = "must be a date (2026-11-01) or RFC 3339 time"
			continue
		}
		*dst = t
	}
	if len(fields) > 0 {
		return &desk.ValidationError{Fields: fields}
	}
	b, err := s.desk.GoodwillSpent(r.Context(), from, to)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}

func (s *Server) notifications(w http.ResponseWriter, r *http.Request, u desk.User) error {
	list, err := s.desk.Notifications(r.Context(), u, 50)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"notifications": list})
	return nil
}

func (s *Server) getPolicy(w http.ResponseWriter, r *http.Request, _ desk.User) error {
	p, err := s.desk.Policy(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

// putPolicy replaces the policy; fields left out take their defaults, and
// unknown fields and nulls are refused (desk.DecodePolicy).
func (s *Server) putPolicy(w http.ResponseWriter, r *http.Request, u desk.User) error {
	var body json.RawMessage
	if err := s.decode(w, r, &body); err != nil {
		return err
	}
	p, err := desk.DecodePolicy(body)
	if err != nil {
		return err
	}
	if err := s.desk.SetPolicy(r.Context(), desk.UserActor(u), p); err != nil {
		return err
	}
	return s.getPolicy(w, r, u)
}

// patchPolicy changes the fields a JSON merge patch (RFC 7396) names.
func (s *Server) patchPolicy(w http.ResponseWriter, r *http.Request, u desk.User) error {
	var body json.RawMessage
	if err := s.decode(w, r, &body); err != nil {
		return err
	}
	p, err := s.desk.PatchPolicy(r.Context(), desk.UserActor(u), body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) webhookDeliveries(w http.ResponseWriter, r *http.Request, _ desk.User) error {
	list, err := s.desk.WebhookDeliveries(r.Context(), 100)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"deliveries": list})
	return nil
}

func (s *Server) getCustomer(w http.ResponseWriter, r *http.Request, _ desk.User) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	h, err := s.desk.Customer(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, h)
	return nil
}
