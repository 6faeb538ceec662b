package web

import (
	"net/http"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// apiRoute is one JSON API route and the permission it needs. The OpenAPI
// document is tested against this table.
type apiRoute struct {
	pattern string // "METHOD /path/{param}"
	perm    desk.Permission
	handle  func(w http.ResponseWriter, r *http.Request, u desk.User) error
}

func (s *Server) apiRoutes() []apiRoute {
	return []apiRoute{
		{"GET /api/v1/me", "", s.me},
		{"POST /api/v1/messages", desk.PermMessagesIngest, s.ingestMessage},
		{"GET /api/v1/cases", desk.PermCasesRead, s.listCases},
		{"GET /api/v1/cases/{id}", desk.PermCasesRead, s.getCase},
		{"POST /api/v1/cases/{id}/replies", desk.PermCasesReply, s.postReply},
		{"POST /api/v1/cases/{id}/resolve", desk.PermCasesResolve, s.resolveCase},
		{"POST /api/v1/cases/{id}/escalate", desk.PermCasesEscalate, s.escalateCase},
		{"GET /api/v1/commitments", desk.PermCommitmentsRead, s.listCommitments},
		{"POST /api/v1/coach/review", desk.PermCoachUse, s.coachReview},
		{"POST /api/v1/coach/draft", desk.PermCoachUse, s.coachDraft},
	}
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.apiRoutes() {
		mux.Handle(rt.pattern, s.api(rt))
	}
	mux.HandleFunc("GET /api/v1/openapi.json", s.openAPI)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not_found", "no such API route", nil)
	})

	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", s.metrics.handler())

	mux.Handle("GET /static/", staticFiles())
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /logout", s.logout)
	mux.Handle("GET /{$}", s.page(s.shell))

	h := s.observe(mux)
	h = s.sessions.LoadAndSave(h)
	h = http.NewCrossOriginProtection().Handler(h)
	return securityHeaders(h)
}
