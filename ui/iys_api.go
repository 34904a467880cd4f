package ui

import (
	"errors"
	"net/http"
	"slices"
	"strconv"

	"github.com/gorilla/mux"

	"kobicrm/store"
)

// apiIYSRoutes are the ETK endpoints beside the generic module API:
// registered before /api/v1/{module}/{id}, so that its patterns never
// take them.
func (s *Server) apiIYSRoutes(r *mux.Router) {
	r.HandleFunc(apiBase+"/customers/{id:[0-9]+}/contactable", s.apiContactable)
	r.HandleFunc(apiBase+"/iys/export", s.apiIYSExport)
}

// apiContactable answers the one ETK rule for a customer, a channel and a
// purpose: {"allowed": …, "reason": …} and what the answer rests on.
func (s *Server) apiContactable(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		s.apiMethodNotAllowed(w, r, "GET, HEAD")
		return
	}
	id, err := strconv.ParseInt(mux.Vars(r)["id"], 10, 64)
	if err != nil || id <= 0 {
		s.apiError(w, r, http.StatusNotFound, "api.not_found")
		return
	}
	q := r.URL.Query()
	channel, purpose := q.Get("channel"), q.Get("purpose")
	if !slices.Contains(store.Channels, channel) {
		s.apiError(w, r, http.StatusBadRequest, "api.contactable_channel")
		return
	}
	if purpose != store.PurposeCommercial && purpose != store.PurposeTransactional {
		s.apiError(w, r, http.StatusBadRequest, "api.contactable_purpose")
		return
	}
	c, err := s.store.Contactable(r.Context(), apiState(r).actor, id, channel, purpose)
	if err != nil {
		s.apiStoreError(w, r, err)
		return
	}
	out := struct {
		Allowed   bool   `json:"allowed"`
		Reason    string `json:"reason"`
		Message   string `json:"message"`
		Channel   string `json:"channel"`
		Recipient string `json:"recipient"`
		Status    string `json:"status"`
	}{c.Allowed, c.Reason, s.apiLocale(r).T("consent.reason." + c.Reason), c.Channel, c.Recipient, c.Status}
	s.apiJSON(w, http.StatusOK, out)
}

// apiIYSExport hands out the İYS bulk file: without parameters it makes
// the next batch (marking its records as sent, as the page's button does);
// with ?batch=N it returns an earlier batch again and changes nothing.
func (s *Server) apiIYSExport(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet { // not HEAD: a HEAD must not make a batch
		s.apiMethodNotAllowed(w, r, "GET")
		return
	}
	a := apiState(r).actor
	var body []byte
	var batch int64
	var err error
	if v := r.URL.Query().Get("batch"); v != "" {
		if batch, err = strconv.ParseInt(v, 10, 64); err != nil || batch <= 0 {
			s.apiError(w, r, http.StatusBadRequest, "api.param_invalid", "batch")
			return
		}
		body, err = s.store.IYSBatchFile(r.Context(), a, batch, "json")
	} else {
		var b *store.IYSBatch
		b, body, err = s.store.IYSExport(r.Context(), a)
		if errors.Is(err, store.ErrNothingToExport) {
			body, err = []byte(`{"consents": []}`+"\n"), nil // nothing waits: an empty file, no batch
		} else if err == nil {
			batch = b.ID
		}
	}
	if err != nil {
		s.apiStoreError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	if batch > 0 {
		h.Set("X-IYS-Batch", strconv.FormatInt(batch, 10))
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// oaIYSPaths describes the ETK endpoints in the OpenAPI document.
func oaIYSPaths(paths oaMap) {
	str := func(desc string) oaMap { return oaMap{"type": "string", "description": desc} }
	paths[apiBase+"/customers/{id}/contactable"] = oaMap{
		"get": oaMap{
			"operationId": "customer_contactable",
			"summary":     "May the firm contact this customer on a channel for a purpose (ETK, Law 6563)?",
			"description": "The one contactability rule: transactional messages are always allowed; otherwise the latest decision " +
				"in the consent ledger for the customer's main address on the channel wins; without one, traders (TACIR) may be " +
				"contacted until they refuse and individuals (BIREYSEL) only after they grant.",
			"tags": []string{"consents"},
			"parameters": []any{
				oaMap{"name": "id", "in": "path", "required": true, "schema": oaMap{"type": "integer", "format": "int64", "minimum": 1}},
				oaMap{"name": "channel", "in": "query", "required": true, "schema": oaMap{"type": "string", "enum": store.Channels}},
				oaMap{"name": "purpose", "in": "query", "required": true,
					"schema": oaMap{"type": "string", "enum": []string{store.PurposeCommercial, store.PurposeTransactional}}},
			},
			"responses": oaMap{
				"200": oaMap{"description": "The answer", "content": oaMap{"application/json": oaMap{"schema": oaMap{
					"type":     "object",
					"required": []string{"allowed", "reason"},
					"properties": oaMap{
						"allowed": oaMap{"type": "boolean"},
						"reason": oaMap{"type": "string", "enum": []string{"transactional", "granted", "trader", "refused", "no_consent", "no_address"},
							"description": "Why, as a code."},
						"message":   str("Why, for people, in the language of Accept-Language."),
						"channel":   str("The channel asked about."),
						"recipient": str("The address the answer is about: +90… or an e-mail; \"\" when the customer has none for the channel."),
						"status":    oaMap{"type": "string", "enum": []string{"ONAY", "RET", ""}, "description": "The latest decision on the address; \"\" for none."},
					},
				}}}},
				"400": oaResponseRef("BadRequest"),
				"401": oaResponseRef("Unauthorized"),
				"404": oaResponseRef("NotFound"),
			},
		},
	}
	paths[apiBase+"/iys/export"] = oaMap{
		"get": oaMap{
			"operationId": "iys_export",
			"summary":     "The İYS bulk upload file of the consents not yet sent",
			"description": "Without batch, this makes the next batch and MARKS ITS RECORDS AS EXPORTED: the same records are not " +
				"offered again, so keep the file (or fetch it again with ?batch=N). A batch holds the oldest waiting ledger records, " +
				"at most 10,000; call again for the rest. A RET whose address has no ONAY in İYS yet, and an address İYS does not take " +
				"for the channel (a landline for MESAJ), are left out of the file and marked handled. With nothing waiting the answer is " +
				"{\"consents\": []} and no batch is made. With batch, an earlier batch is returned as it was, with no side effects. " +
				"Needs the consents export right for all records; every call is in the audit trail.",
			"tags": []string{"consents"},
			"parameters": []any{
				oaMap{"name": "batch", "in": "query", "description": "An earlier batch's number (X-IYS-Batch) to fetch again.",
					"schema": oaMap{"type": "integer", "format": "int64", "minimum": 1}},
			},
			"responses": oaMap{
				"200": oaMap{
					"description": "İYS's bulk format",
					"headers": oaMap{"X-IYS-Batch": oaMap{"description": "The batch's number; absent when nothing was waiting.",
						"schema": oaMap{"type": "integer"}}},
					"content": oaMap{"application/json": oaMap{"schema": oaMap{
						"type": "object", "required": []string{"consents"}, "additionalProperties": false,
						"properties": oaMap{"consents": oaMap{"type": "array", "maxItems": 10000, "items": oaMap{
							"type": "object", "additionalProperties": false,
							"required": []string{"consentDate", "source", "recipient", "recipientType", "status", "type"},
							"properties": oaMap{
								"consentDate":   oaMap{"type": "string", "pattern": `^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$`, "description": "Istanbul time."},
								"source":        oaMap{"type": "string", "enum": store.ConsentSources},
								"recipient":     str("+905XXXXXXXXX for MESAJ, +90 and 10 digits for ARAMA, an e-mail address for EPOSTA."),
								"recipientType": oaMap{"type": "string", "enum": []string{"BIREYSEL", "TACIR"}},
								"status":        oaMap{"type": "string", "enum": []string{"ONAY", "RET"}},
								"type":          oaMap{"type": "string", "enum": store.Channels},
							},
						}}},
					}}},
				},
				"400": oaResponseRef("BadRequest"),
				"401": oaResponseRef("Unauthorized"),
				"403": oaResponseRef("Forbidden"),
				"404": oaResponseRef("NotFound"),
			},
		},
	}
}
