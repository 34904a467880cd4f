package ui

import (
	"net/http"

	"github.com/gorilla/mux"

	"kobicrm/store"
)

// Handler returns the whole web interface with its middleware.
func (s *Server) Handler() http.Handler {
	r := mux.NewRouter()
	r.NotFoundHandler = http.HandlerFunc(s.notFound)
	r.MethodNotAllowedHandler = http.HandlerFunc(s.methodNotAllowed)

	r.PathPrefix("/static/").Handler(s.static)

	r.HandleFunc("/setup", s.setupForm).Methods(http.MethodGet)
	r.HandleFunc("/setup", s.setupSubmit).Methods(http.MethodPost)
	r.HandleFunc("/login", s.loginForm).Methods(http.MethodGet)
	r.HandleFunc("/login", s.loginSubmit).Methods(http.MethodPost)
	r.HandleFunc("/language", s.languageSubmit).Methods(http.MethodPost)
	r.HandleFunc("/invite/{token}", s.inviteForm).Methods(http.MethodGet)
	r.HandleFunc("/invite/{token}", s.inviteSubmit).Methods(http.MethodPost)

	s.calendarFeedRoute(r)
	s.publicRoutes(r)

	in := r.NewRoute().Subrouter()
	in.Use(s.requireLogin)
	in.HandleFunc("/", s.home).Methods(http.MethodGet)
	in.HandleFunc("/logout", s.logout).Methods(http.MethodPost)
	in.HandleFunc("/profile", s.profileForm).Methods(http.MethodGet)
	in.HandleFunc("/profile", s.profileSubmit).Methods(http.MethodPost)
	in.HandleFunc("/profile/password", s.passwordSubmit).Methods(http.MethodPost)
	in.HandleFunc("/profile/tokens", s.tokenCreate).Methods(http.MethodPost)
	in.HandleFunc("/profile/tokens/{id:[0-9]+}/revoke", s.tokenRevoke).Methods(http.MethodPost)

	in.HandleFunc("/notifications", s.notifications).Methods(http.MethodGet)
	in.HandleFunc("/notifications/read", s.notificationsRead).Methods(http.MethodPost)
	in.HandleFunc("/search", s.search).Methods(http.MethodGet)
	in.HandleFunc("/lookup", s.lookup).Methods(http.MethodGet)
	for _, spec := range []*listSpec{customersList, leadsList, assetsList, activitiesList, consentsList} {
		s.listRoutes(in, spec)
	}
	s.importRoutes(in)
	s.calendarRoutes(in)
	s.iysRoutes(in)
	in.HandleFunc("/customers/duplicates", s.duplicatesPage(store.Customers)).Methods(http.MethodGet)
	in.HandleFunc("/customers/merge", s.mergeForm(store.Customers)).Methods(http.MethodGet)
	in.HandleFunc("/customers/merge", s.mergeSubmit(store.Customers)).Methods(http.MethodPost)
	s.recordRoutes(in, store.Customers, s.customerShow)
	s.recordRoutes(in, store.Assets, s.recordShow(store.Assets))
	s.recordRoutes(in, store.Activities, s.recordShow(store.Activities))
	s.recordRoutes(in, store.Consents, s.recordShow(store.Consents))
	in.HandleFunc("/customers/{id:[0-9]+}/contacts", s.contactAdd).Methods(http.MethodPost)
	in.HandleFunc("/customers/{id:[0-9]+}/contacts/remove", s.contactRemove).Methods(http.MethodPost)
	in.HandleFunc("/customers/{id:[0-9]+}/convert", s.convertForm).Methods(http.MethodGet)
	in.HandleFunc("/customers/{id:[0-9]+}/convert", s.convertSubmit).Methods(http.MethodPost)
	in.HandleFunc("/customers/{id:[0-9]+}/vcard", s.customerVCard).Methods(http.MethodGet)

	// The administrators' logs are refused by the store itself (403), not
	// hidden by requireAdmin.
	in.HandleFunc("/admin/audit", s.auditLog).Methods(http.MethodGet)
	in.HandleFunc("/admin/logins", s.loginHistory).Methods(http.MethodGet)
	in.HandleFunc("/admin/sessions", s.activeSessions).Methods(http.MethodGet)
	in.HandleFunc("/admin/sessions/{ref:[0-9a-f]+}/end", s.endSession).Methods(http.MethodPost)

	admin := in.NewRoute().Subrouter()
	admin.Use(s.requireAdmin)
	admin.HandleFunc("/admin/backup", s.backupPage).Methods(http.MethodGet)
	admin.HandleFunc("/admin/backup", s.backupDownload).Methods(http.MethodPost)
	s.orgRoutes(admin)
	admin.HandleFunc("/admin/fields", s.customFields).Methods(http.MethodGet)
	admin.HandleFunc("/admin/fields", s.customFieldAdd).Methods(http.MethodPost)
	admin.HandleFunc("/admin/fields/{module}/{name}/remove", s.customFieldRemove).Methods(http.MethodPost)
	s.kvkkRoutes(in, admin)
	s.opportunityRoutes(in, admin)
	s.segmentRoutes(in)
	s.campaignRoutes(in)
	s.mailRoutes(r, in, admin)
	s.firmRoutes(in, admin)
	s.serviceRoutes(in, admin)
	s.salesRoutes(in)
	s.productRoutes(in, admin)
	admin.HandleFunc("/recycle", s.recycleBin).Methods(http.MethodGet)
	admin.HandleFunc("/recycle/{module}/{id:[0-9]+}/{action}", s.recycleAction).Methods(http.MethodPost)

	// Innermost first: recoverPanics wraps everything, so a panic anywhere
	// still becomes a 500 page with the security headers set.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(s.csrfFailed))
	for _, p := range csrfExempt {
		cop.AddInsecureBypassPattern(http.MethodPost + " " + p)
	}
	var web http.Handler = r
	web = s.setupGate(web)
	web = s.checkCSRF(web)
	web = cop.Handler(web)
	web = s.loadSession(web)
	// The JSON API (/api/…) authenticates itself and answers in JSON: it
	// shares only the three outer wrappers with the web interface.
	h := apiOrWeb(s.apiHandler(), web)
	h = s.admission.wrap(h)
	h = limitBody(h)
	h = s.securityHeaders(h)
	h = s.recoverPanics(h)
	return h
}

// listRoutes serves a list page and what its forms post to.
func (s *Server) listRoutes(r *mux.Router, spec *listSpec) {
	base := "/" + spec.Key
	r.HandleFunc(base, s.list(spec)).Methods(http.MethodGet)
	r.HandleFunc(base+"/bulk", s.bulk(spec)).Methods(http.MethodPost)
	r.HandleFunc(base+"/export", s.listExport(spec)).Methods(http.MethodGet)
	r.HandleFunc(base+"/columns", s.listColumnsSubmit(spec)).Methods(http.MethodPost)
	r.HandleFunc(base+"/views", s.viewSubmit(spec)).Methods(http.MethodPost)
	r.HandleFunc(base+"/views/{id:[0-9]+}/delete", s.viewDelete(spec)).Methods(http.MethodPost)
}

// recordRoutes serves a module's record pages from its declaration; show
// is the module's own record page.
func (s *Server) recordRoutes(r *mux.Router, m *store.Module, show http.HandlerFunc) {
	base := "/" + m.Key
	r.HandleFunc(base, s.recordCreate(m)).Methods(http.MethodPost)
	r.HandleFunc(base+"/new", s.recordNew(m)).Methods(http.MethodGet)
	r.HandleFunc(base+"/{id:[0-9]+}", show).Methods(http.MethodGet)
	r.HandleFunc(base+"/{id:[0-9]+}", s.recordUpdate(m)).Methods(http.MethodPost)
	r.HandleFunc(base+"/{id:[0-9]+}/edit", s.recordEdit(m)).Methods(http.MethodGet)
	r.HandleFunc(base+"/{id:[0-9]+}/delete", s.recordDelete(m)).Methods(http.MethodPost)
}
