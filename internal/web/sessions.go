package web

import (
	"context"
	"errors"
	"net/http"
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
	u, err := s.desk.UserByID(r.Context(), id)
	if errors.Is(err, desk.ErrNotFound) || (err == nil && (u.Disabled || s.sessions.GetString(r.Context(), sessionStampKey) != u.SessionStamp())) {
		return desk.User{}, desk.ErrUnauthenticated
	}
	return u, err
}
