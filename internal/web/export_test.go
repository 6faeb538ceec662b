package web

import "github.com/calmdesk/calmdesk/internal/desk"

// RouteDecisions lists every route the server registers with its access
// decision: the permission of an API or page route, or public. The RBAC
// matrix test reads it, so a route cannot be added without a decision.
func RouteDecisions(s *Server) (api, pages map[string]desk.Permission, public []string) {
	api, pages = map[string]desk.Permission{}, map[string]desk.Permission{}
	for _, rt := range s.apiRoutes() {
		api[rt.pattern] = rt.perm
	}
	for _, rt := range s.pageRoutes() {
		pages[rt.pattern] = rt.perm
	}
	for _, rt := range s.publicRoutes(nil) {
		public = append(public, rt.pattern)
	}
	return api, pages, public
}
