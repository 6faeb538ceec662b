// Package web serves calmdesk over HTTP: the JSON API under /api/v1, the
// server-rendered pages, health and metrics. It turns the desk's typed
// errors into HTTP statuses; no other package knows about HTTP.
package web

import (
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/insights"
)

// Config holds the HTTP settings.
type Config struct {
	MaxBodyBytes  int64 // request bodies above this get 413; default 1 MiB
	SecureCookies bool  // set the Secure flag on cookies (on unless serving plain HTTP on loopback)
	Version       string
	// TrustedProxies are the reverse proxies in front of calmdesk whose
	// X-Forwarded-For is believed; without them every client behind a proxy
	// shares the proxy's address in the sign-in and form limits.
	TrustedProxies []netip.Prefix
	// Insights answers /insights and /api/v1/insights; without it they
	// answer 503.
	Insights *insights.Insights
	// Collectors are counted on /metrics besides the web's own, e.g. the
	// mail channel's (mail.Metrics).
	Collectors []prometheus.Collector
	// DemoAccounts are shown on the sign-in page; set only by serve --demo.
	DemoAccounts []DemoAccount
}

// DemoAccount is a demo desk's sign-in, shown to whoever opens it.
type DemoAccount struct{ Email, Name, Role, Password string }

// Server is calmdesk's HTTP front.
type Server struct {
	desk     *desk.Desk
	cfg      Config
	log      *slog.Logger
	sessions *scs.SessionManager
	metrics  *metrics
	handler  http.Handler
}

// New builds the server and its route table.
func New(d *desk.Desk, cfg Config, log *slog.Logger) *Server {
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if log == nil {
		log = slog.Default()
	}
	pages() // parse the templates now: a broken one fails at start, not on a request
	s := &Server{desk: d, cfg: cfg, log: log, metrics: newMetrics(prometheus.NewRegistry(), cfg.Collectors...)}
	s.sessions = scs.New()
	s.sessions.Store = &sessionStore{desk: d}
	s.sessions.Lifetime = 12 * time.Hour
	s.sessions.IdleTimeout = 2 * time.Hour
	s.sessions.Cookie.Name = "calmdesk_session"
	s.sessions.Cookie.HttpOnly = true
	s.sessions.Cookie.SameSite = http.SameSiteLaxMode
	s.sessions.Cookie.Secure = cfg.SecureCookies
	s.sessions.ErrorFunc = s.sessionFailed
	s.handler = s.routes()
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }
