package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// sessionStore adapts the desk's session rows to scs.CtxStore.
type sessionStore struct {
	desk *desk.Desk
}

func (s *sessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	return s.desk.FindSession(ctx, token)
}

func (s *sessionStore) CommitCtx(ctx context.Context, token string, data []byte, expiry time.Time) error {
	return s.desk.SaveSession(ctx, token, data, expiry)
}

func (s *sessionStore) DeleteCtx(ctx context.Context, token string) error {
	return s.desk.DeleteSession(ctx, token)
}

// The context-free methods satisfy scs.Store; scs calls the Ctx ones.
func (s *sessionStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}
func (s *sessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}
func (s *sessionStore) Delete(token string) error { return s.DeleteCtx(context.Background(), token) }

// sessionFailed answers a request whose session could not be read or
// saved, which happens when the database is out of reach: in the API's
// envelope under /api/, and as text elsewhere, with the status the error
// deserves (503) rather than scs's bare 500. An event stream is told to
// come back later instead: EventSource gives up for good on any answer but
// 200, and the page would stop updating after a restart of the database.
func (s *Server) sessionFailed(w http.ResponseWriter, r *http.Request, err error) {
	f, ok := s.failure(r, err)
	switch {
	case !ok:
	case r.Header.Get("Accept") == "text/event-stream":
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
		fmt.Fprint(w, "retry: 5000\n\n")
	default:
		if f.status == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", retryAfterSeconds)
		}
		if strings.HasPrefix(r.URL.Path, "/api/") {
			writeError(w, f.status, f.code, f.message, f.fields)
		} else {
			writeText(w, f.status, f.message)
		}
	}
}

const (
	sessionUserKey  = "user_id"
	sessionStampKey = "stamp" // the user's SessionStamp at sign-in
)

// signIn makes the session the user's, with a fresh token (no session
// fixation) and their current password stamp.
func (s *Server) signIn(r *http.Request, u desk.User) error {
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	s.sessions.Put(r.Context(), sessionUserKey, u.ID)
	s.sessions.Put(r.Context(), sessionStampKey, u.SessionStamp())
	return nil
}

// sessionUser returns the signed-in user of a browser request. A session
// from before the user's password last changed is no longer theirs.
func (s *Server) sessionUser(r *http.Request) (desk.User, error) {
	id := s.sessions.GetInt64(r.Context(), sessionUserKey)
	if id == 0 {
		return desk.User{}, desk.ErrUnauthenticated
	}
	u, err := s.desk.User(r.Context(), id)
	if errors.Is(err, desk.ErrNotFound) || (err == nil && (u.Disabled || s.sessions.GetString(r.Context(), sessionStampKey) != u.SessionStamp())) {
		return desk.User{}, desk.ErrUnauthenticated
	}
	return u, err
}
