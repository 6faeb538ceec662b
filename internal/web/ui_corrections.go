package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/coach"
	"github.com/calmdesk/calmdesk/internal/desk"
)

// correctionsView is the row of one-click corrections under a message of
// the case page: on a customer message its reading, on a sent reply the
// coach's findings and the promises it tracked.
type correctionsView struct {
	MessageID int64
	Reading   bool // a customer message's reading; else a reply's review
	Offers    []correctionOffer
	Missed    []correctionOffer // "missed signal: …", one per signal not found
}

// correctionOffer is one button. Value is what the form posts:
// "angrier", "missed_signal:legal_threat", "not_finding:deflection",
// "not_promise:12".
type correctionOffer struct {
	Value string
	Label string
	Said  bool // this person already said it
}

// offerCorrections fills each message's corrections row, for a person who
// may correct (nil otherwise), marking what they already said.
func (s *Server) offerCorrections(r *http.Request, u desk.User, d desk.CaseDetail, timeline []messageView) error {
	if !u.Can(desk.PermCorrectionsWrite) {
		return nil
	}
	said, err := s.desk.Corrections(r.Context(), desk.CorrectionQuery{CaseID: d.ID, UserID: u.ID, Limit: 1000})
	if err != nil {
		return err
	}
	for i := range timeline {
		timeline[i].Correct = correctionsFor(timeline[i].Message, d.Promises, said)
	}
	return nil
}

// correctionsFor is what can be said about one message, or nil when
// nothing can.
func correctionsFor(m desk.Message, promises []desk.Promise, said []desk.Correction) *correctionsView {
	v := &correctionsView{MessageID: m.ID}
	saidValues := map[string]bool{}
	for _, c := range said {
		if c.MessageID == m.ID {
			saidValues[correctionValue(c)] = true
		}
	}
	offer := func(list *[]correctionOffer, value, label string) {
		*list = append(*list, correctionOffer{Value: value, Label: label, Said: saidValues[value]})
	}
	switch {
	case m.Direction == desk.Inbound && m.Reading != nil && m.Reading.Supported:
		r := m.Reading
		v.Reading = true
		if r.Level != analyze.Calm {
			offer(&v.Offers, string(desk.CorrectNotAngry), "not angry")
		}
		if r.Level != analyze.Furious {
			offer(&v.Offers, string(desk.CorrectAngrier), "angrier than shown")
		}
		found := map[string]bool{}
		for _, sg := range r.Signals {
			found[sg.Kind] = true
		}
		for _, kind := range desk.SignalKinds {
			if found[kind] {
				offer(&v.Offers, string(desk.CorrectWrongSignal)+":"+kind, "wrong signal: "+signalLabel(kind))
			} else {
				offer(&v.Missed, string(desk.CorrectMissedSignal)+":"+kind, signalLabel(kind))
			}
		}
	case m.Direction == desk.Outbound && len(m.Review) > 0:
		var rv coach.Review
		if json.Unmarshal(m.Review, &rv) != nil {
			return nil
		}
		var rules []string
		for _, f := range rv.Findings {
			if !slices.Contains(rules, f.Rule) {
				rules = append(rules, f.Rule)
				offer(&v.Offers, string(desk.CorrectNotFinding)+":"+f.Rule, "not "+ruleLabel(f.Rule))
			}
		}
		for _, p := range promises {
			if p.MessageID == m.ID {
				offer(&v.Offers, fmt.Sprintf("%s:%d", desk.CorrectNotPromise, p.ID), "not a promise: "+p.Action)
			}
		}
	}
	if len(v.Offers) == 0 && len(v.Missed) == 0 {
		return nil
	}
	return v
}

// correctionValue is how a stored correction is posted by the form.
func correctionValue(c desk.Correction) string {
	switch c.Kind {
	case desk.CorrectMissedSignal, desk.CorrectWrongSignal:
		return string(c.Kind) + ":" + c.Signal
	case desk.CorrectNotFinding:
		return string(c.Kind) + ":" + c.Rule
	case desk.CorrectNotPromise:
		return fmt.Sprintf("%s:%d", c.Kind, c.PromiseID)
	}
	return string(c.Kind)
}

// correctForm records a correction from the case page
// (POST /messages/{id}/corrections, "correction" = a correctionOffer's
// value). htmx gets the message's corrections row back; a plain form the
// case page at the message.
func (s *Server) correctForm(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := formPathID(w, r)
	if err != nil {
		return err
	}
	kind, target, _ := strings.Cut(r.PostForm.Get("correction"), ":")
	in := desk.CorrectionInput{Kind: desk.CorrectionKind(kind), Note: r.PostForm.Get("note")}
	switch in.Kind {
	case desk.CorrectMissedSignal, desk.CorrectWrongSignal:
		in.Signal = target
	case desk.CorrectNotFinding:
		in.Rule = target
	case desk.CorrectNotPromise:
		if in.PromiseID, err = strconv.ParseInt(target, 10, 64); err != nil {
			return invalidField("correction", "names no promise")
		}
	}
	c, created, err := s.desk.Correct(r.Context(), u, id, in)
	if err != nil {
		return err
	}
	if isFragment(r) {
		d, err := s.desk.Case(r.Context(), c.CaseID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(d.Messages, func(m desk.Message) bool { return m.ID == id })
		if i < 0 {
			return &desk.NotFoundError{What: "message"}
		}
		said, err := s.desk.Corrections(r.Context(), desk.CorrectionQuery{MessageID: id, UserID: u.ID, Limit: 1000})
		if err != nil {
			return err
		}
		v := correctionsFor(d.Messages[i], d.Promises, said)
		if v == nil {
			v = &correctionsView{MessageID: id}
		}
		s.renderFragment(w, r, "corrections", v)
		return nil
	}
	switch {
	case !created:
		s.flash(r, "You had already said that; nothing changed.")
	case c.Kind == desk.CorrectNotPromise:
		s.flash(r, "Thanks: noted as not a promise, and no longer tracked.")
	default:
		s.flash(r, "Thanks: noted. calmdesk learns from what the team corrects.")
	}
	http.Redirect(w, r, fmt.Sprintf("/cases/%d#m%d", c.CaseID, id), http.StatusSeeOther)
	return nil
}

// correctionLearningView is the settings page's account of what the desk
// learned from corrections.
type correctionLearningView struct {
	desk.CorrectionStatus
}

// Name says a kind of correction in words.
func (correctionLearningView) Name(a desk.AdjusterInfo) string {
	switch a.Correction {
	case desk.CorrectAngrier:
		return "angrier than shown"
	case desk.CorrectNotAngry:
		return "not angry"
	case desk.CorrectMissedSignal:
		return "missed signal: " + signalLabel(a.Signal)
	}
	return "wrong signal: " + signalLabel(a.Signal)
}

// learnCorrectionsForm relearns from corrections now
// (POST /settings/corrections/learn).
func (s *Server) learnCorrectionsForm(w http.ResponseWriter, r *http.Request, _ desk.User) error {
	res, err := s.desk.LearnCorrections(r.Context())
	if err != nil {
		return err
	}
	if res.Trained {
		applying := 0
		for _, a := range res.Model.Adjusters {
			if a.Applies {
				applying++
			}
		}
		s.flash(r, fmt.Sprintf("Learned from %d corrections: %d of %d kinds adjust new readings.", res.Model.Corrections, applying, len(res.Model.Adjusters)))
	} else {
		s.flash(r, "Nothing new learned: "+res.Skipped+".")
	}
	http.Redirect(w, r, "/settings#corrections-title", http.StatusSeeOther)
	return nil
}
