package ui

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/mux"

	"kobicrm/store"
)

// The JSON API's part for the sales documents (quotes, orders,
// invoices): they carry their lines and read-only totals beside the
// declared fields, are saved with their lines in one write, and convert
// (quote → order → invoice) or reissue (a cancelled invoice).

// apiLine is a document line as the API shows it.
type apiLine struct {
	ProductID   *int64      `json:"product_id"`
	Description string      `json:"description"`
	Quantity    json.Number `json:"quantity"`
	Unit        string      `json:"unit"`
	UnitPrice   int64       `json:"unit_price"`
	DiscountPct json.Number `json:"discount_pct"`
	KDVRate     int64       `json:"kdv_rate"`
	Net         int64       `json:"net"` // read-only: after the line discount
	KDV         int64       `json:"kdv"` // read-only
}

// apiRate is one row of a document's KDV breakdown.
type apiRate struct {
	Rate int64 `json:"rate"` // basis points
	Base int64 `json:"base"`
	KDV  int64 `json:"kdv"`
}

// apiDocument is a document as the API shows it: its record, then
// lines and kdv_breakdown.
func apiDocument(d *store.Document) apiObject {
	o := apiRecord(d.Record)
	lines := make([]apiLine, len(d.Lines))
	for i, l := range d.Lines {
		al := apiLine{Description: l.Description, Quantity: l.Quantity.JSON(), Unit: l.Unit, UnitPrice: l.UnitPrice,
			DiscountPct: store.PercentJSON(l.DiscountBP), KDVRate: l.KDVRateBP}
		if l.ProductID > 0 {
			id := l.ProductID
			al.ProductID = &id
		}
		if i < len(d.Totals.Lines) {
			al.Net, al.KDV = d.Totals.Lines[i].Net, d.Totals.Lines[i].KDV
		}
		lines[i] = al
	}
	rates := make([]apiRate, len(d.Totals.Breakdown))
	for i, b := range d.Totals.Breakdown {
		rates[i] = apiRate{Rate: b.RateBP, Base: b.Base, KDV: b.KDV}
	}
	// Before the times, with the fields.
	n := len(o) - 2
	out := make(apiObject, 0, len(o)+2)
	out = append(out, o[:n]...)
	out = append(out, apiMember{"lines", lines}, apiMember{"kdv_breakdown", rates})
	return append(out, o[n:]...)
}

// apiDocumentValues splits a document body into its header values and
// its lines (nil when the body has none).
func apiDocumentValues(m *store.Module, obj map[string]json.RawMessage) (store.Values, []store.DocLine, *store.ValidationError) {
	raw, hasLines := obj["lines"]
	delete(obj, "lines")
	delete(obj, "kdv_breakdown") // read-only, so a GET body can be sent back
	vals, verr := m.ParseJSON(obj)
	if !hasLines {
		return vals, nil, verr
	}
	lines, lerr := store.ParseJSONLines(raw)
	for f, msg := range lerr.Fields {
		verr.Add(f, msg.Key, msg.Args...)
	}
	if lines == nil {
		lines = []store.DocLine{}
	}
	return vals, lines, verr
}

func (s *Server) apiCreateDocument(w http.ResponseWriter, r *http.Request, m *store.Module, obj map[string]json.RawMessage) {
	vals, lines, verr := apiDocumentValues(m, obj)
	if verr.Err() != nil {
		s.apiValidation(w, r, verr)
		return
	}
	d, err := s.store.CreateDocument(r.Context(), apiState(r).actor, m, vals, lines)
	if err != nil {
		s.apiStoreError(w, r, err)
		return
	}
	s.apiDocumentCreated(w, d)
}

func (s *Server) apiDocumentCreated(w http.ResponseWriter, d *store.Document) {
	w.Header().Set("Location", apiBase+"/"+d.Module.Key+"/"+strconv.FormatInt(d.ID, 10))
	s.apiJSON(w, http.StatusCreated, apiDocument(d))
}

func (s *Server) apiUpdateDocument(w http.ResponseWriter, r *http.Request, m *store.Module, id int64, obj map[string]json.RawMessage, seen time.Time) {
	vals, lines, verr := apiDocumentValues(m, obj)
	if verr.Err() != nil {
		s.apiValidation(w, r, verr)
		return
	}
	d, err := s.store.UpdateDocument(r.Context(), apiState(r).actor, m, id, vals, lines, seen)
	if err != nil {
		s.apiStoreError(w, r, err)
		return
	}
	s.apiJSON(w, http.StatusOK, apiDocument(d))
}

// apiDocumentAction serves POST /api/v1/quotes/{id}/convert,
// /api/v1/orders/{id}/convert and /api/v1/invoices/{id}/reissue: 201
// with the new document.
func (s *Server) apiDocumentAction(w http.ResponseWriter, r *http.Request) {
	vars := mux.Vars(r)
	m, ok := s.store.Module(vars["module"])
	action := vars["action"]
	known := ok && ((action == "convert" && (m.Key == store.Quotes.Key || m.Key == store.Orders.Key)) ||
		(action == "reissue" && m.Key == store.Invoices.Key))
	if !known {
		s.apiError(w, r, http.StatusNotFound, "api.not_found")
		return
	}
	id, err := strconv.ParseInt(vars["id"], 10, 64)
	if err != nil || id <= 0 {
		s.apiError(w, r, http.StatusNotFound, "api.not_found")
		return
	}
	if r.Method != http.MethodPost {
		s.apiMethodNotAllowed(w, r, "POST")
		return
	}
	a := apiState(r).actor
	var d *store.Document
	if action == "convert" {
		d, err = s.store.Convert(r.Context(), a, m, id)
	} else {
		d, err = s.store.ReissueInvoice(r.Context(), a, id)
	}
	if err != nil {
		s.apiStoreError(w, r, err)
		return
	}
	s.apiDocumentCreated(w, d)
}

// oaDocumentProps adds a document's lines and KDV breakdown to its
// OpenAPI schemas.
func oaDocumentProps(props, patchProps oaMap) {
	integer := oaMap{"type": "integer", "format": "int64"}
	line := oaMap{
		"type":     "object",
		"required": []string{"quantity", "unit_price", "kdv_rate"},
		"properties": oaMap{
			"product_id":   oaMap{"type": []string{"integer", "null"}, "format": "int64", "description": "The product sold; null for a free-text line."},
			"description":  oaMap{"type": "string", "maxLength": 1000, "description": "The product's name when empty."},
			"quantity":     oaMap{"type": "number", "exclusiveMinimum": 0, "multipleOf": 0.001, "description": "Up to three decimals."},
			"unit":         oaMap{"type": "string", "enum": store.Units, "description": "The product's unit (or adet) when empty."},
			"unit_price":   oaMap{"type": "integer", "format": "int64", "minimum": 0, "description": "Kuruş."},
			"discount_pct": oaMap{"type": "number", "minimum": 0, "maximum": 100, "multipleOf": 0.01, "description": "The line's discount in percent."},
			"kdv_rate":     oaMap{"type": "integer", "minimum": 0, "maximum": 10000, "description": "Basis points (2000 = 20 %), a rate of kdv_rates."},
			"net":          oaMap{"type": "integer", "format": "int64", "readOnly": true, "description": "After the line discount, kuruş."},
			"kdv":          oaMap{"type": "integer", "format": "int64", "readOnly": true, "description": "Kuruş."},
		},
	}
	lines := oaMap{"type": "array", "maxItems": store.MaxDocLines, "items": line,
		"description": "The document's lines, in order; a PATCH without lines keeps them. Problems are named lines.<index>.<field>."}
	props["lines"] = lines
	patchProps["lines"] = lines
	props["kdv_breakdown"] = oaMap{"type": "array", "readOnly": true, "description": "KDV per rate, ascending.", "items": oaMap{
		"type": "object", "properties": oaMap{"rate": integer, "base": integer, "kdv": integer}}}
}

// oaSalesPaths describes the conversions and the reissue.
func oaSalesPaths(paths oaMap) {
	for _, p := range []struct{ module, action, to, summary string }{
		{"quotes", "convert", "orders", "Make an order of an accepted quote, with every line"},
		{"orders", "convert", "invoices", "Make an invoice of an order, with every line"},
		{"invoices", "reissue", "invoices", "Make a new draft invoice of a cancelled one"},
	} {
		paths[apiBase+"/"+p.module+"/{id}/"+p.action] = oaMap{
			"parameters": []any{oaMap{"name": "id", "in": "path", "required": true, "schema": oaMap{"type": "integer", "format": "int64"}}},
			"post": oaMap{
				"operationId": p.action + "_" + p.module,
				"summary":     p.summary,
				"tags":        []string{p.module},
				"responses": oaMap{
					"201": oaMap{"description": "The new document", "content": oaMap{"application/json": oaMap{"schema": oaSchemaRef(p.to)}}},
					"401": oaResponseRef("Unauthorized"),
					"403": oaResponseRef("Forbidden"),
					"404": oaResponseRef("NotFound"),
					"422": oaResponseRef("Invalid"),
				},
			},
		}
	}
}
