package web

import (
	"net/http"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// setCategory files a case under a category (POST /api/v1/cases/{id}/category);
// what agents file is what the desk learns its categories from.
func (s *Server) setCategory(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Category string `json:"category"`
	}
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	c, err := s.desk.SetCategory(r.Context(), desk.UserActor(u), id, req.Category)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

// categories lists the categories in use and the learned model
// (GET /api/v1/categories).
func (s *Server) categories(w http.ResponseWriter, r *http.Request, _ desk.User) error {
	names, err := s.desk.Categories(r.Context())
	if err != nil {
		return err
	}
	m, err := s.desk.CategoryModel(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"categories": names, "model": m})
	return nil
}

// learnCategories retrains the category model now (POST /api/v1/categories/learn).
func (s *Server) learnCategories(w http.ResponseWriter, r *http.Request, _ desk.User) error {
	res, err := s.desk.LearnCategories(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}
