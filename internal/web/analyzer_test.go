package web_test

import (
	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
)

// testDesk is a desk on db with the real analysis engine.
func testDesk(db *store.DB) *desk.Desk {
	return desk.New(db, desk.Options{Analyzer: analyze.Default()})
}
