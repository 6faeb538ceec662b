package web

import (
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// ipLimiter limits requests per client address on public endpoints (survey
// answers, the web form). It is per instance: behind N instances a client
// gets N times the rate, which still stops floods.
type ipLimiter struct {
	mu      sync.Mutex
	every   rate.Limit
	burst   int
	clients map[string]*limited
	swept   time.Time
	ip      func(*http.Request) string // the client's address (Server.clientIP)
}

type limited struct {
	lim  *rate.Limiter
	seen time.Time
}

func newIPLimiter(perMinute, burst int, ip func(*http.Request) string) *ipLimiter {
	return &ipLimiter{every: rate.Limit(float64(perMinute) / 60), burst: burst, clients: map[string]*limited{}, ip: ip}
}

func (l *ipLimiter) allow(r *http.Request) bool {
	ip := l.ip(r)
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > time.Minute {
		for k, c := range l.clients {
			if now.Sub(c.seen) > 10*time.Minute {
				delete(l.clients, k)
			}
		}
		l.swept = now
	}
	c, ok := l.clients[ip]
	if !ok {
		c = &limited{lim: rate.NewLimiter(l.every, l.burst)}
		l.clients[ip] = c
	}
	c.seen = now
	return c.lim.Allow()
}

// limit wraps a public handler with the limiter.
func (l *ipLimiter) limit(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !l.allow(r) {
			w.Header().Set("Retry-After", "60")
			http.Error(w, "Too many requests. Please wait a minute and try again.", http.StatusTooManyRequests)
			return
		}
		h(w, r)
	}
}
