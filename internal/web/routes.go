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
		{"POST /api/v1/cases/{id}/status", desk.PermCasesReply, s.setCaseStatus},
		{"GET /api/v1/saved-replies", desk.PermCasesReply, s.listSavedReplies},
		{"POST /api/v1/saved-replies", desk.PermCasesReply, s.createSavedReply},
		{"PUT /api/v1/saved-replies/{id}", desk.PermCasesReply, s.updateSavedReply},
		{"DELETE /api/v1/saved-replies/{id}", desk.PermCasesReply, s.deleteSavedReply},
		{"POST /api/v1/cases/{id}/escalate", desk.PermCasesEscalate, s.escalateCase},
		{"POST /api/v1/cases/{id}/deescalate", desk.PermCasesEscalate, s.deescalateCase},
		{"POST /api/v1/cases/{id}/assign", desk.PermCasesAssign, s.assignCase},
		{"POST /api/v1/cases/{id}/goodwill", desk.PermCasesReply, s.offerGoodwill},
		{"POST /api/v1/cases/{id}/category", desk.PermCasesReply, s.setCategory},
		{"GET /api/v1/cases/{id}/audit", desk.PermCasesRead, s.caseAudit},
		{"GET /api/v1/categories", desk.PermCasesRead, s.categories},
		{"POST /api/v1/categories/learn", desk.PermSettingsManage, s.learnCategories},
		{"POST /api/v1/messages/{id}/corrections", desk.PermCorrectionsWrite, s.correctMessage},
		{"GET /api/v1/corrections", desk.PermCasesRead, s.listCorrections},
		{"GET /api/v1/corrections/learning", desk.PermCasesRead, s.correctionLearning},
		{"POST /api/v1/corrections/learn", desk.PermSettingsManage, s.learnCorrections},
		{"GET /api/v1/customers/{id}", desk.PermCasesRead, s.getCustomer},
		{"GET /api/v1/attachments/{id}", desk.PermCasesRead, s.getAttachment},
		{"GET /api/v1/commitments", desk.PermPromisesRead, s.listPromises},
		{"GET /api/v1/commitments/stats", desk.PermPromisesRead, s.promiseStats},
		{"POST /api/v1/commitments/{id}/kept", desk.PermCasesReply, s.closePromise("kept")},
		{"POST /api/v1/commitments/{id}/cancel", desk.PermCasesReply, s.closePromise("cancelled")},
		{"GET /api/v1/goodwill", desk.PermCasesRead, s.listGoodwill},
		{"GET /api/v1/goodwill/budget", desk.PermGoodwillApprove, s.goodwillBudget},
		{"POST /api/v1/goodwill/{id}/approve", desk.PermGoodwillApprove, s.decideGoodwill(true)},
		{"POST /api/v1/goodwill/{id}/decline", desk.PermGoodwillApprove, s.decideGoodwill(false)},
		{"GET /api/v1/notifications", "", s.notifications},
		{"GET /api/v1/settings/policy", desk.PermSettingsManage, s.getPolicy},
		{"PUT /api/v1/settings/policy", desk.PermSettingsManage, s.putPolicy},
		{"PATCH /api/v1/settings/policy", desk.PermSettingsManage, s.patchPolicy},
		{"GET /api/v1/webhooks/deliveries", desk.PermSettingsManage, s.webhookDeliveries},
		{"POST /api/v1/coach/review", desk.PermCoachUse, s.coachReview},
		{"POST /api/v1/coach/draft", desk.PermCoachUse, s.coachDraft},
		{"GET /api/v1/training/scenarios", desk.PermTrainingPractice, s.trainingScenarios},
		{"POST /api/v1/training/scenarios/from-case/{case_id}", desk.PermTrainingManage, s.scenarioFromCase},
		{"GET /api/v1/training/scenarios/{id}", desk.PermTrainingPractice, s.getTrainingScenario},
		{"PUT /api/v1/training/scenarios/{id}", desk.PermTrainingManage, s.putTrainingScenario},
		{"PUT /api/v1/training/scenarios/{id}/status", desk.PermTrainingManage, s.putTrainingScenarioStatus},
		{"GET /api/v1/training/progress", desk.PermTrainingPractice, s.trainingProgress},
		{"GET /api/v1/training/assignments", desk.PermTrainingPractice, s.listAssignments},
		{"POST /api/v1/training/assignments", desk.PermTrainingManage, s.assignTraining},
		{"GET /api/v1/training/pass-marks", desk.PermTrainingPractice, s.passMarks},
		{"PUT /api/v1/training/pass-marks/{set}", desk.PermSettingsManage, s.putPassMark},
		{"GET /api/v1/training/sessions", desk.PermTrainingPractice, s.listTraining},
		{"POST /api/v1/training/sessions", desk.PermTrainingPractice, s.startTraining},
		{"GET /api/v1/training/sessions/{id}", desk.PermTrainingPractice, s.getTraining},
		{"POST /api/v1/training/sessions/{id}/replies", desk.PermTrainingPractice, s.trainingReply},
		{"GET /api/v1/insights/summary", desk.PermInsightsRead, s.insightsSummary},
		{"GET /api/v1/insights/problems", desk.PermInsightsRead, s.insightsProblems},
		{"GET /api/v1/insights/cases.csv", desk.PermInsightsRead, s.insightsCasesCSV},
		{"GET /api/v1/insights/what-works", desk.PermInsightsRead, s.insightsWhatWorks},
		{"GET /api/v1/insights/coaching", desk.PermCasesReply, s.insightsCoaching},
		// Issue 12: lessons learned and "resolved N like this".
		{"GET /api/v1/insights/lessons", desk.PermInsightsRead, s.insightsLessonsAPI},
		{"GET /api/v1/cases/{id}/similar", desk.PermCasesRead, s.caseSimilar},
		// Issue 16, what was left: people; the inbox's views and bulk actions.
		{"GET /api/v1/users", desk.PermUsersManage, s.listUsers},
		{"PATCH /api/v1/users/{id}", desk.PermUsersManage, s.patchUser},
		{"POST /api/v1/users/{id}/deactivate", desk.PermUsersManage, s.deactivateUser},
		{"POST /api/v1/users/{id}/reactivate", desk.PermUsersManage, s.reactivateUser},
		{"GET /api/v1/goodwill/approvals", desk.PermGoodwillApprove, s.goodwillApprovals},
		{"POST /api/v1/bulk/cases", desk.PermCasesRead, s.bulkCases}, // the desk checks each action's own permission
		// Issue 16: saved inbox views through the API (each person's own).
		{"GET /api/v1/inbox-views", desk.PermCasesRead, s.listInboxViews},
		{"POST /api/v1/inbox-views", desk.PermCasesRead, s.createInboxView},
		{"DELETE /api/v1/inbox-views/{id}", desk.PermCasesRead, s.deleteInboxView},
	}
}

// pages: the agent's desk in the browser, each route with its permission
// ("" for any signed-in user; the handler decides what to show).
func (s *Server) pageRoutes() []pageRoute {
	return []pageRoute{
		{"GET /{$}", "", s.inbox},
		{"GET /events", desk.PermCasesRead, s.events},
		{"GET /cases/{id}", desk.PermCasesRead, s.casePage},
		{"GET /cases/{id}/timeline", desk.PermCasesRead, s.caseTimeline},
		{"GET /cases/{id}/similar", desk.PermCasesRead, s.similarCardFragment},
		{"GET /messages/{id}/html", desk.PermCasesRead, s.emailHTML},
		{"GET /settings", desk.PermSettingsManage, s.settingsPage},
		{"POST /settings/policy", desk.PermSettingsManage, s.savePolicy},
		{"POST /settings/basics", desk.PermSettingsManage, s.saveBasics},
		{"POST /settings/users", desk.PermUsersManage, s.addUser},
		{"POST /settings/users/{id}/password", desk.PermUsersManage, s.resetPasswordForm},
		{"POST /settings/categories/learn", desk.PermSettingsManage, s.learnCategoriesForm},
		{"POST /settings/corrections/learn", desk.PermSettingsManage, s.learnCorrectionsForm},
		{"POST /messages/{id}/corrections", desk.PermCorrectionsWrite, s.correctForm},
		{"POST /cases/{id}/coach", desk.PermCasesReply, s.coachPanel},
		{"POST /cases/{id}/draft", desk.PermCasesReply, s.draftReply},
		{"POST /cases/{id}/reply", desk.PermCasesReply, s.sendReply},
		{"POST /cases/{id}/escalate", desk.PermCasesEscalate, s.escalate},
		{"POST /cases/{id}/resolve", desk.PermCasesResolve, s.resolve},
		{"POST /cases/{id}/status", desk.PermCasesReply, s.statusForm},
		{"POST /cases/{id}/saved-reply", desk.PermCasesReply, s.insertSavedReply},
		{"GET /saved-replies", desk.PermCasesReply, s.savedRepliesPage},
		{"POST /saved-replies", desk.PermCasesReply, s.saveSavedReplyForm},
		{"POST /saved-replies/{id}", desk.PermCasesReply, s.saveSavedReplyForm},
		{"POST /saved-replies/{id}/delete", desk.PermCasesReply, s.deleteSavedReplyForm},
		{"POST /cases/{id}/goodwill", desk.PermCasesReply, s.offerGoodwillForm},
		{"POST /cases/{id}/assign", desk.PermCasesAssign, s.assignForm},
		{"POST /cases/{id}/category", desk.PermCasesReply, s.categoryForm},
		{"POST /cases/{id}/deescalate", desk.PermCasesEscalate, s.deescalateForm},
		{"POST /commitments/{id}/kept", desk.PermCasesReply, s.keepPromiseForm},
		{"GET /supervisor", desk.PermGoodwillApprove, s.supervisor},
		{"GET /insights", desk.PermInsightsRead, s.insightsPage},
		{"GET /insights/cases", desk.PermInsightsRead, s.insightsCasesPage},
		{"GET /insights/digest", desk.PermInsightsRead, s.insightsDigest},
		{"GET /coaching", desk.PermCasesReply, s.coachingPage},
		{"GET /insights/lessons", desk.PermInsightsRead, s.insightsLessonsPage},
		{"GET /notifications", "", s.notificationsPage},
		{"GET /account", "", s.accountPage},
		{"POST /account/password", "", s.changePassword},
		{"POST /goodwill/{id}/approve", desk.PermGoodwillApprove, s.decideGoodwillForm(true)},
		{"POST /goodwill/{id}/decline", desk.PermGoodwillApprove, s.decideGoodwillForm(false)},
		{"GET /training", desk.PermTrainingPractice, s.trainingHome},
		{"POST /training/sessions", desk.PermTrainingPractice, s.startTrainingForm},
		{"GET /training/sessions/{id}", desk.PermTrainingPractice, s.practicePage},
		{"POST /training/sessions/{id}/reply", desk.PermTrainingPractice, s.practiceReply},
		{"POST /training/sessions/{id}/coach", desk.PermTrainingPractice, s.practiceCoach},
		{"GET /training/scenarios/{id}", desk.PermTrainingManage, s.scenarioPage},
		{"POST /training/scenarios/{id}", desk.PermTrainingManage, s.saveScenarioForm},
		{"POST /cases/{id}/training-scenario", desk.PermTrainingManage, s.scenarioFromCaseForm},
		{"POST /training/assignments", desk.PermTrainingManage, s.assignTrainingForm},
		{"POST /training/pass-marks", desk.PermSettingsManage, s.passMarkForm},
		{"GET /training/people/{id}", desk.PermTrainingManage, s.personProgressPage},
		// Issue 16, what was left: people; the inbox's views and bulk actions.
		{"POST /settings/users/{id}", desk.PermUsersManage, s.editUserForm},
		{"POST /settings/users/{id}/deactivate", desk.PermUsersManage, s.deactivateUserForm},
		{"POST /settings/users/{id}/reactivate", desk.PermUsersManage, s.reactivateUserForm},
		{"POST /inbox/density", desk.PermCasesRead, s.densityForm},
		{"POST /inbox/views", desk.PermCasesRead, s.saveViewForm},
		{"POST /inbox/views/{id}/delete", desk.PermCasesRead, s.deleteViewForm},
		{"POST /cases/bulk", desk.PermCasesRead, s.bulkForm}, // the desk checks each action's own permission
		{"POST /cases/{id}/typing", desk.PermCasesReply, s.typingForm},
	}
}

// end of pages

// publicRoute is a route open without signing in: health, metrics, static
// files, sign-in, and the pages customers reach by link.
type publicRoute struct {
	pattern string
	handler http.Handler
}

func (s *Server) publicRoutes(mux *http.ServeMux) []publicRoute {
	// Public pages customers reach by link, rate-limited per address.
	public := newIPLimiter(30, 10, s.clientIP)
	sends := newIPLimiter(6, 3, s.clientIP) // a person sends a message or two; a bot, hundreds
	return []publicRoute{
		{"GET /api/v1/openapi.json", http.HandlerFunc(s.openAPI)},
		{"/api/", apiFallback(mux)},
		{"GET /healthz", http.HandlerFunc(s.healthz)},
		{"GET /readyz", http.HandlerFunc(s.readyz)},
		{"GET /metrics", s.metrics.handler()},
		{"GET /static/", serveStatic()},
		{"GET /favicon.ico", favicon()},
		{"/", http.HandlerFunc(s.notFoundPage)}, // what no route takes: the styled 404
		{"GET /login", http.HandlerFunc(s.loginPage)},
		{"POST /login", http.HandlerFunc(s.login)},
		{"POST /logout", http.HandlerFunc(s.logout)},
		{"GET /survey/{token}", public.limit(s.surveyPage)},
		{"POST /survey/{token}", public.limit(s.surveyAnswer)},
		{"GET /contact", public.limit(s.contactPage)},
		{"POST /contact", s.contactSubmit(sends)},
		{"GET /contact/embed", public.limit(s.contactEmbedPage)},
		{"POST /contact/embed", s.contactEmbedSubmit(sends)},
	}
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.apiRoutes() {
		mux.Handle(rt.pattern, s.api(rt))
	}
	for _, rt := range s.pageRoutes() {
		mux.Handle(rt.pattern, s.pageWith(rt))
	}
	for _, rt := range s.publicRoutes(mux) {
		mux.Handle(rt.pattern, rt.handler)
	}

	h := refuseNUL(mux)
	h = s.observe(h)
	h = s.sessions.LoadAndSave(h)
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(crossOriginDenied))
	h = csrf.Handler(h)
	return securityHeaders(h)
}
