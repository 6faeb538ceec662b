package web

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"html/template"
	"net/http"
	"net/mail"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// formTemplate is the public contact form, standalone at /contact and
// compact for an iframe at /contact/embed: no agent chrome, no script.
var formTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("public_form.html").Funcs(template.FuncMap{"asset": asset}).ParseFS(templateFS, "templates/public_form.html"))
})

// Limits of the contact form, in characters a person sees.
const (
	formMaxName    = 200
	formMaxSubject = 200
	formMaxMessage = 10_000
)

// contactForm is what a visitor typed, echoed back when something is wrong.
type contactForm struct {
	Name, Email, Subject, Message string
	Token                         string // one per form shown: a resubmission is not a second case
}

type formView struct {
	Embed  bool
	Action string
	Form   contactForm
	Errors map[string]string // field -> what to fix
	Failed bool              // the desk could not store it: try again
	Busy   bool              // over the rate limit: wait a minute
	CaseID int64             // set once stored
	Thanks bool              // confirmation (also shown to a bot caught by the honeypot)
}

func (s *Server) renderForm(w http.ResponseWriter, r *http.Request, status int, v formView) {
	v.Action = "/contact"
	if v.Embed {
		v.Action = "/contact/embed"
		// Any company site served over HTTPS may frame the embeddable form;
		// the desk cannot know those sites yet. Admins will list them in the
		// settings, and this header will then name them instead of https:.
		// Only this route relaxes frame-ancestors: the standalone form and
		// every agent page stay unframeable (clickjacking).
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'self' https:; form-action 'self'")
		w.Header().Del("X-Frame-Options")
	}
	var buf bytes.Buffer
	if err := formTemplate().Execute(&buf, v); err != nil {
		s.log.ErrorContext(r.Context(), "render contact form", "err", err)
		writeText(w, http.StatusInternalServerError, "internal error")
		return
	}
	writeHTML(w, r, status, buf.Bytes())
}

func (s *Server) contactPage(w http.ResponseWriter, r *http.Request) {
	s.renderForm(w, r, http.StatusOK, formView{Form: contactForm{Token: newFormToken()}})
}

func (s *Server) contactEmbedPage(w http.ResponseWriter, r *http.Request) {
	s.renderForm(w, r, http.StatusOK, formView{Embed: true, Form: contactForm{Token: newFormToken()}})
}

// contactSubmit handles the standalone form's sends, limited by lim.
func (s *Server) contactSubmit(lim *ipLimiter) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { s.submitForm(w, r, lim, false) }
}

// contactEmbedSubmit handles the embedded form's sends, limited by lim.
func (s *Server) contactEmbedSubmit(lim *ipLimiter) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { s.submitForm(w, r, lim, true) }
}

// submitForm turns a filled form into a message on a new case and shows
// the case number. Over the rate limit, the form comes back with what was
// typed still in it: an upset customer must not lose their words.
func (s *Server) submitForm(w http.ResponseWriter, r *http.Request, lim *ipLimiter, embed bool) {
	formErr := parseForm(w, r, 64<<10)
	hasNUL := formErr != nil && errors.Is(formErr, errNUL)
	if formErr != nil && !hasNUL {
		s.renderForm(w, r, http.StatusBadRequest, formView{Embed: embed, Form: contactForm{Token: newFormToken()},
			Errors: map[string]string{"message": "We could not read the form. Please keep the message under 10,000 characters and send it again."}})
		return
	}
	field := func(name string) string {
		return strings.TrimSpace(strings.ReplaceAll(r.PostForm.Get(name), "\x00", ""))
	}
	f := contactForm{
		Name:    field("name"),
		Email:   field("email"),
		Subject: field("subject"),
		Message: field("message"),
		Token:   r.PostForm.Get("token"),
	}
	if hasNUL {
		// A NUL character (a bad paste): the form comes back with the words
		// kept, the NULs taken out, so sending again works.
		s.renderForm(w, r, http.StatusUnprocessableEntity, formView{Embed: embed, Form: f,
			Errors: map[string]string{"message": "Part of the text could not be read (a hidden control character). We removed it: please check your message and send it again."}})
		return
	}
	if !validFormToken(f.Token) {
		f.Token = newFormToken()
	}
	if !lim.allow(r) {
		w.Header().Set("Retry-After", "60")
		s.renderForm(w, r, http.StatusTooManyRequests, formView{Embed: embed, Form: f, Busy: true})
		return
	}
	if r.PostForm.Get("website") != "" {
		// The honeypot: people never see this field, bots fill every field.
		// Thank the bot as if it had worked, so it learns nothing.
		s.log.InfoContext(r.Context(), "contact form: honeypot filled, message dropped", "ip", s.clientIP(r))
		s.renderForm(w, r, http.StatusOK, formView{Embed: embed, Thanks: true})
		return
	}
	if errs := f.validate(); len(errs) > 0 {
		s.renderForm(w, r, http.StatusUnprocessableEntity, formView{Embed: embed, Form: f, Errors: errs})
		return
	}
	res, err := s.desk.Ingest(r.Context(), desk.InboundMessage{
		CustomerEmail: f.Email, CustomerName: f.Name, Subject: f.Subject, Text: f.Message,
		Channel: "web", ExternalID: f.externalID(),
	})
	var verr *desk.ValidationError
	if errors.As(err, &verr) {
		s.renderForm(w, r, http.StatusUnprocessableEntity, formView{Embed: embed, Form: f, Errors: formErrors(verr)})
		return
	}
	if err != nil {
		s.log.ErrorContext(r.Context(), "contact form", "err", err)
		s.renderForm(w, r, http.StatusServiceUnavailable, formView{Embed: embed, Form: f, Failed: true})
		return
	}
	if !res.Duplicate {
		s.metrics.ingested.WithLabelValues("web").Inc()
	}
	s.renderForm(w, r, http.StatusOK, formView{Embed: embed, Form: f, Thanks: true, CaseID: res.CaseID})
}

// validate says, field by field, what a person must fix, in their words.
func (f contactForm) validate() map[string]string {
	errs := map[string]string{}
	if f.Name == "" {
		errs["name"] = "Please tell us your name."
	} else if utf8.RuneCountInString(f.Name) > formMaxName || strings.ContainsAny(f.Name, "\r\n") {
		errs["name"] = "Please keep your name on one line, under 200 characters."
	}
	if f.Email == "" {
		errs["email"] = "Please give the email address we should answer."
	} else if a, err := mail.ParseAddress(f.Email); err != nil || a.Address != f.Email || len(f.Email) > 254 {
		errs["email"] = "This does not look like an email address; please check it (for example name@example.com)."
	}
	if utf8.RuneCountInString(f.Subject) > formMaxSubject || strings.ContainsAny(f.Subject, "\r\n") {
		errs["subject"] = "Please keep the subject on one line, under 200 characters."
	}
	if f.Message == "" {
		errs["message"] = "Please tell us what happened."
	} else if utf8.RuneCountInString(f.Message) > formMaxMessage {
		errs["message"] = "Please keep the message under 10,000 characters."
	}
	return errs
}

// formErrors words the desk's own objections for the form's fields.
func formErrors(verr *desk.ValidationError) map[string]string {
	errs := map[string]string{}
	for field := range verr.Fields {
		switch field {
		case "customer.email":
			errs["email"] = "This does not look like an email address; please check it."
		case "customer.name":
			errs["name"] = "Please check your name."
		case "subject":
			errs["subject"] = "Please check the subject."
		default:
			errs["message"] = "Please check your message: it could not be stored as written."
		}
	}
	return errs
}

// externalID makes a resubmitted form (a double click, a reload after the
// answer) land once. It mixes in the address so that a token copied from
// someone else's page never reveals their case number.
func (f contactForm) externalID() string {
	sum := sha256.Sum256([]byte(f.Token + "\x00" + strings.ToLower(f.Email)))
	return "web:" + hex.EncodeToString(sum[:16])
}

func newFormToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func validFormToken(t string) bool {
	if len(t) != 32 {
		return false
	}
	_, err := hex.DecodeString(t)
	return err == nil
}
