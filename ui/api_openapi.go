package ui

import (
	"fmt"
	"net/http"
	"strings"

	"kobicrm/store"
	"kobicrm/store/tr"
	"kobicrm/ui/i18n"
)

// apiOpenAPI serves the OpenAPI 3.1 description of the API, generated from
// the module declarations on every request, so that it always says what
// this build (and, later, the admin's custom fields) accepts. Titles are in
// the language Accept-Language asks for.
func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		s.apiMethodNotAllowed(w, r, "GET, HEAD")
		return
	}
	s.apiJSON(w, http.StatusOK, oaDocument(s.apiLocale(r), s.cfg.Version, s.store.Modules()))
}

type oaMap = map[string]any

func oaSchemaRef(name string) oaMap { return oaMap{"$ref": "#/components/schemas/" + name} }

func oaResponseRef(name string) oaMap { return oaMap{"$ref": "#/components/responses/" + name} }

// The shapes of stored values, in the form the store keeps them. Optional
// values may also be "" (empty), so their patterns admit the empty string.
const (
	oaPatternTCKN       = "^[1-9][0-9]{10}$"
	oaPatternVKN        = "^[0-9]{10}$"
	oaPatternPhone      = `^\+90(444[0-9]{4}|[23458][0-9]{9})$`
	oaPatternPostalCode = "^(0[1-9]|[1-7][0-9]|8[01])[0-9]{3}$"
	oaPatternPlate      = "^(0[1-9]|[1-7][0-9]|8[01]) [A-Z]{1,3} [0-9]{2,4}$"
)

// oaOptionalPattern lets an optional field be "" as well.
func oaOptionalPattern(p string, required bool) string {
	if required {
		return p
	}
	return "^$|" + p
}

// oaTextMax mirrors the store's limits for Text and LongText fields
// that declare no Max.
func oaTextMax(f *store.Field) int {
	switch {
	case f.Max > 0:
		return f.Max
	case f.Kind == store.LongText:
		return 20000
	}
	return 200
}

// oaFieldSchema is the JSON Schema of one field's value.
func oaFieldSchema(l *i18n.Locale, m *store.Module, f *store.Field) oaMap {
	// A field required for every record is never empty; one required only
	// for its group (a person's first name) is empty on the other group.
	required := f.Required && f.Group == ""
	sc := oaMap{"title": fieldLabel(l, m, f)}
	desc := ""
	switch f.Kind {
	case store.Text:
		sc["type"], sc["maxLength"] = "string", oaTextMax(f)
	case store.LongText:
		sc["type"], sc["maxLength"] = "string", oaTextMax(f)
		desc = "Markdown text."
	case store.Email:
		sc["type"], sc["format"] = "string", "email"
		desc = "Lower-cased e-mail address; \"\" when empty."
	case store.Phone:
		sc["type"], sc["pattern"] = "string", oaOptionalPattern(oaPatternPhone, required)
		desc = "Turkish phone number in E.164 (+905321234567); any usual way of writing it is accepted on input."
	case store.PhoneList:
		sc["type"], sc["items"], sc["maxItems"] = "array", oaSchemaRef("PhoneEntry"), 10
		desc = "More phone numbers with labels, besides the primary one."
	case store.TCKN:
		sc["type"], sc["pattern"] = "string", oaOptionalPattern(oaPatternTCKN, required)
		desc = "T.C. Kimlik No: 11 digits with valid check digits."
	case store.VKN:
		sc["type"], sc["pattern"] = "string", oaOptionalPattern(oaPatternVKN, required)
		desc = "Vergi Kimlik No: 10 digits with a valid check digit."
	case store.PostalCode:
		sc["type"], sc["pattern"] = "string", oaOptionalPattern(oaPatternPostalCode, required)
	case store.Plate:
		sc["type"], sc["pattern"] = "string", oaOptionalPattern(oaPatternPlate, required)
		desc = "Turkish licence plate, stored as \"34 ABC 123\"."
	case store.DateTime:
		sc["type"], sc["format"] = "string", "date-time"
		desc = "A moment in UTC, 2006-01-02T15:04:05Z (any RFC 3339 zone, or Istanbul time as 2006-01-02 15:04, is accepted on input); \"\" when empty."
	case store.Date:
		sc["type"], sc["format"] = "string", "date"
		desc = "A day, YYYY-MM-DD (dd.MM.yyyy is accepted on input); \"\" when empty."
	case store.Int:
		sc["type"], sc["format"] = []string{"integer", "null"}, "int64"
	case store.Money:
		sc["type"], sc["format"] = []string{"integer", "null"}, "int64"
		desc = "Money in kuruş (the minor unit, 1/100 lira) as an integer: 123456 is 1.234,56 ₺. Never a fraction."
	case store.Ref:
		sc["type"], sc["format"], sc["minimum"] = []string{"integer", "null"}, "int64", 1
		if f.Ref == "users" {
			desc = "The id of a user of the firm."
		} else {
			desc = fmt.Sprintf("The id of a record of %s (%s/%s).", f.Ref, apiBase, f.Ref)
		}
	case store.Choice:
		sc["type"], sc["enum"] = "string", oaEnum(f.Choices, required)
		desc = oaChoiceLabels(l, m, f)
	case store.MultiChoice:
		sc["type"], sc["uniqueItems"] = "array", true
		sc["items"] = oaMap{"type": "string", "enum": f.Choices}
		if required {
			sc["minItems"] = 1
		}
		desc = "Some of the choices; a string of them separated by \";\" or \",\" is accepted on input, by value or label." + " " + oaChoiceLabels(l, m, f)
	case store.Province:
		names := make([]string, 0, len(tr.Provinces))
		for _, p := range tr.Provinces {
			names = append(names, p.Name)
		}
		sc["type"], sc["enum"] = "string", oaEnum(names, required)
		desc = "One of the 81 provinces, by its official name; any case and old names are accepted on input."
	case store.Tags:
		sc["type"] = "array"
		sc["items"] = oaMap{"type": "string", "minLength": 1, "maxLength": 40}
		sc["maxItems"], sc["uniqueItems"] = 30, true
	case store.Bool:
		sc["type"] = "boolean"
	case store.URL:
		sc["type"], sc["format"], sc["maxLength"] = "string", "uri", 300
	case store.RefList:
		sc["type"], sc["uniqueItems"], sc["maxItems"] = "array", true, 100
		sc["items"] = oaMap{"type": "integer", "format": "int64", "minimum": 1}
		desc = fmt.Sprintf("The ids of records of %s (%s/%s).", f.Ref, apiBase, f.Ref)
	case store.Grants:
		scopes := oaMap{"type": "string", "enum": store.Scopes}
		actions := oaMap{}
		for _, a := range store.Actions {
			actions[a] = scopes
		}
		sc["type"] = "object"
		sc["properties"] = oaMap{
			"grants": oaMap{"type": "object", "description": "Per module, the scope of each action; an action left out is none.",
				"additionalProperties": oaMap{"type": "object", "properties": actions, "additionalProperties": false}},
			"fields": oaMap{"type": "object", "description": "Per module, the protection of sensitive fields; a field left out is open.",
				"additionalProperties": oaMap{"type": "object", "additionalProperties": oaMap{"type": "string", "enum": []string{"readonly", "hidden"}}}},
		}
		desc = "What the role allows. Each scope includes the narrower ones (none < own < team < department < all); a user with several roles gets the widest."
	default:
		sc["type"] = "string"
	}
	if f.Computed {
		sc["readOnly"] = true
	}
	if f.Group != "" && m.Discriminator != "" {
		desc += fmt.Sprintf(" Only when %s is %q; empty otherwise.", m.Discriminator, f.Group)
	}
	if f.Sensitive {
		desc += " Personal data (KVKK)."
	}
	if f.Custom {
		desc += " A custom field, added by an administrator."
	}
	if desc != "" {
		if desc[0] == ' ' {
			desc = desc[1:]
		}
		sc["description"] = desc
	}
	return sc
}

// oaChoiceLabels names a custom field's choices, as people read them.
func oaChoiceLabels(l *i18n.Locale, m *store.Module, f *store.Field) string {
	if !f.Custom {
		return ""
	}
	var parts []string
	for _, c := range f.Choices {
		parts = append(parts, c+" = "+choiceLabel(l, m, f, c))
	}
	return "Choices: " + strings.Join(parts, ", ") + "."
}

func oaEnum(values []string, required bool) []string {
	out := make([]string, 0, len(values)+1)
	if !required {
		out = append(out, "")
	}
	return append(out, values...)
}

// oaModuleSchemas are a module's record schema (what GET returns and POST
// takes) and its patch schema (what PATCH takes: any input field).
func oaModuleSchemas(l *i18n.Locale, m *store.Module) (record, patch oaMap) {
	props := oaMap{"id": oaMap{"type": "integer", "format": "int64", "readOnly": true}}
	patchProps := oaMap{}
	var required []string
	groups := map[string][]string{}
	var groupOrder []string
	for _, f := range apiFields(m) {
		sc := oaFieldSchema(l, m, f)
		props[f.Name] = sc
		if f.Computed {
			continue
		}
		patchProps[f.Name] = sc
		if !f.Required {
			continue
		}
		if f.Group == "" || m.Discriminator == "" {
			required = append(required, f.Name)
			continue
		}
		if _, ok := groups[f.Group]; !ok {
			groupOrder = append(groupOrder, f.Group)
		}
		groups[f.Group] = append(groups[f.Group], f.Name)
	}
	if store.IsSalesDocument(m) {
		oaDocumentProps(props, patchProps)
	}
	props["created_at"] = oaMap{"type": "string", "format": "date-time", "readOnly": true}
	props["updated_at"] = oaMap{"type": "string", "format": "date-time", "readOnly": true}
	record = oaMap{
		"type":        "object",
		"title":       l.T(m.Label),
		"description": fmt.Sprintf("A record of %s. Unknown fields are refused (422); id, created_at and updated_at are ignored on input.", m.Key),
		"properties":  props,
	}
	if len(required) > 0 {
		record["required"] = required
	}
	if len(groupOrder) > 0 {
		var rules []oaMap
		for _, g := range groupOrder {
			rules = append(rules, oaMap{
				"if": oaMap{
					"properties": oaMap{m.Discriminator: oaMap{"const": g}},
					"required":   []string{m.Discriminator},
				},
				"then": oaMap{"required": groups[g]},
			})
		}
		record["allOf"] = rules
	}
	patch = oaMap{
		"type":        "object",
		"description": fmt.Sprintf("A change to a record of %s: only the fields given change.", m.Key),
		"properties":  patchProps,
	}
	return record, patch
}

// oaFilterSchema is the schema of a filter's query parameter.
func oaFilterSchema(f *store.Field) oaMap {
	if len(f.Bands) > 0 {
		names := make([]string, len(f.Bands))
		for i, b := range f.Bands {
			names[i] = b.Name
		}
		return oaMap{"type": "string", "enum": names}
	}
	switch f.Kind {
	case store.Int, store.Ref, store.RefList:
		return oaMap{"type": "integer", "format": "int64"}
	case store.Bool:
		return oaMap{"type": "string", "enum": []string{"1", "0", "true", "false"}}
	case store.Choice, store.MultiChoice:
		return oaMap{"type": "string", "enum": f.Choices}
	case store.Money:
		return oaMap{"type": "string", "description": "An amount as people write it (1.234,56)."}
	case store.Date, store.DateTime:
		return oaMap{"type": "string", "description": "A day, or a range from..to with either end open (2026-01-01..2026-01-31)."}
	}
	return oaMap{"type": "string"}
}

func oaErrorResponse(description string) oaMap {
	return oaMap{
		"description": description,
		"content":     oaMap{"application/json": oaMap{"schema": oaSchemaRef("Error")}},
	}
}

// oaDocument describes the API of every declared module.
func oaDocument(l *i18n.Locale, version string, mods []*store.Module) oaMap {
	schemas := oaMap{
		"Error": oaMap{
			"type":     "object",
			"required": []string{"error"},
			"properties": oaMap{
				"error": oaMap{
					"type":     "object",
					"required": []string{"message"},
					"properties": oaMap{
						"message": oaMap{"type": "string", "description": "What went wrong, for people, in the language of Accept-Language (tr or en; tr by default)."},
						"fields": oaMap{
							"type":                 "object",
							"description":          "Only with 422: what is wrong with each field, by field name.",
							"additionalProperties": oaMap{"type": "string"},
						},
					},
				},
			},
		},
		"PhoneEntry": oaMap{
			"type":     "object",
			"required": []string{"number"},
			"properties": oaMap{
				"label":  oaMap{"type": "string", "maxLength": 40},
				"number": oaMap{"type": "string", "pattern": oaPatternPhone, "description": "E.164; any usual way of writing it is accepted on input."},
			},
		},
	}
	paths := oaMap{
		apiOpenAPIPath: oaMap{
			"get": oaMap{
				"operationId": "openapi",
				"summary":     "This document",
				"security":    []oaMap{},
				"responses":   oaMap{"200": oaMap{"description": "The OpenAPI document", "content": oaMap{"application/json": oaMap{}}}},
			},
		},
	}
	idParam := oaMap{"name": "id", "in": "path", "required": true, "schema": oaMap{"type": "integer", "format": "int64", "minimum": 1}}
	for _, m := range mods {
		record, patch := oaModuleSchemas(l, m)
		schemas[m.Key] = record
		schemas[m.Key+"_patch"] = patch

		sortNames := []string{"created_at", "updated_at"}
		for i := range m.Fields {
			if m.Sortable(m.Fields[i].Name) {
				sortNames = append(sortNames, m.Fields[i].Name)
			}
		}
		def := m.DefaultSort
		if def == "" {
			def = "created_at"
		}
		params := []any{
			oaMap{"$ref": "#/components/parameters/q"},
			oaMap{"$ref": "#/components/parameters/limit"},
			oaMap{"$ref": "#/components/parameters/cursor"},
			oaMap{"name": "sort", "in": "query", "description": "The field to sort by; " + def + " by default.",
				"schema": oaMap{"type": "string", "enum": sortNames}},
			oaMap{"$ref": "#/components/parameters/desc"},
			oaMap{"$ref": "#/components/parameters/created_from"},
			oaMap{"$ref": "#/components/parameters/created_to"},
		}
		for _, f := range m.FilterFields() {
			desc := "Only records whose " + f.Name + " is this."
			switch {
			case f.Kind == store.Tags:
				desc = "Only records with this tag."
			case len(f.Bands) > 0:
				desc = "Only records whose " + f.Name + " is in this band:"
				for _, b := range f.Bands {
					desc += fmt.Sprintf(" %s %d–%d;", b.Name, b.Lo, b.Hi-1)
				}
				desc = strings.TrimSuffix(desc, ";") + "."
			case f.Kind == store.MultiChoice:
				desc = "Only records whose " + f.Name + " includes this choice."
			}
			params = append(params, oaMap{"name": f.Name, "in": "query", "description": desc, "schema": oaFilterSchema(f)})
		}
		tags := []string{m.Key}
		jsonBody := func(schema string, types ...string) oaMap {
			content := oaMap{}
			for _, t := range types {
				content[t] = oaMap{"schema": oaSchemaRef(schema)}
			}
			return oaMap{"required": true, "content": content}
		}
		recordResponse := func(description string) oaMap {
			return oaMap{"description": description, "content": oaMap{"application/json": oaMap{"schema": oaSchemaRef(m.Key)}}}
		}
		paths[apiBase+"/"+m.Key] = oaMap{
			"get": oaMap{
				"operationId": "list_" + m.Key,
				"summary":     "List " + m.Key,
				"tags":        tags,
				"parameters":  params,
				"responses": oaMap{
					"200": oaMap{
						"description": "One page of records",
						"content": oaMap{"application/json": oaMap{"schema": oaMap{
							"type":     "object",
							"required": []string{"data", "next_cursor"},
							"properties": oaMap{
								"data":        oaMap{"type": "array", "items": oaSchemaRef(m.Key)},
								"next_cursor": oaMap{"type": []string{"string", "null"}, "description": "Pass as cursor for the next page; null on the last page."},
							},
						}}},
					},
					"400": oaResponseRef("BadRequest"),
					"401": oaResponseRef("Unauthorized"),
					"403": oaResponseRef("Forbidden"),
				},
			},
			"post": oaMap{
				"operationId": "create_" + m.Key,
				"summary":     "Create a record of " + m.Key,
				"tags":        tags,
				"requestBody": jsonBody(m.Key, "application/json"),
				"responses": oaMap{
					"201": func() oaMap {
						resp := recordResponse("The new record")
						resp["headers"] = oaMap{"Location": oaMap{"description": "The new record's address", "schema": oaMap{"type": "string"}}}
						return resp
					}(),
					"400": oaResponseRef("BadRequest"),
					"401": oaResponseRef("Unauthorized"),
					"403": oaResponseRef("Forbidden"),
					"413": oaResponseRef("TooLarge"),
					"415": oaResponseRef("UnsupportedMediaType"),
					"422": oaResponseRef("Invalid"),
				},
			},
		}
		paths[apiBase+"/"+m.Key+"/{id}"] = oaMap{
			"parameters": []any{idParam},
			"get": oaMap{
				"operationId": "get_" + m.Key,
				"summary":     "Get a record of " + m.Key,
				"tags":        tags,
				"responses": oaMap{
					"200": recordResponse("The record"),
					"401": oaResponseRef("Unauthorized"),
					"403": oaResponseRef("Forbidden"),
					"404": oaResponseRef("NotFound"),
				},
			},
			"patch": oaMap{
				"operationId": "update_" + m.Key,
				"summary":     "Change some fields of a record of " + m.Key,
				"tags":        tags,
				"requestBody": jsonBody(m.Key+"_patch", "application/json", "application/merge-patch+json"),
				"responses": oaMap{
					"200": recordResponse("The changed record"),
					"400": oaResponseRef("BadRequest"),
					"401": oaResponseRef("Unauthorized"),
					"403": oaResponseRef("Forbidden"),
					"404": oaResponseRef("NotFound"),
					"413": oaResponseRef("TooLarge"),
					"415": oaResponseRef("UnsupportedMediaType"),
					"422": oaResponseRef("Invalid"),
				},
			},
			"delete": oaMap{
				"operationId": "delete_" + m.Key,
				"summary":     "Move a record of " + m.Key + " to the recycle bin",
				"tags":        tags,
				"responses": oaMap{
					"204": oaMap{"description": "Moved to the recycle bin"},
					"401": oaResponseRef("Unauthorized"),
					"403": oaResponseRef("Forbidden"),
					"404": oaResponseRef("NotFound"),
				},
			},
		}
	}

	oaIYSPaths(paths)
	oaSalesPaths(paths)
	return oaMap{
		"openapi": "3.1.0",
		"info": oaMap{
			"title":   "kobicrm API",
			"version": version,
			"description": "Every module of kobicrm, from its declaration. Authenticate with an API token " +
				"(Authorization: Bearer kcrm_…) made on the profile page or with `kobicrm token create -email E`. " +
				"Field names are the declared names; money is in kuruş; times are RFC 3339 in UTC.",
		},
		"security": []oaMap{{"bearerAuth": []string{}}, {"cookieAuth": []string{}}},
		"paths":    paths,
		"components": oaMap{
			"schemas": schemas,
			"securitySchemes": oaMap{
				"bearerAuth": oaMap{"type": "http", "scheme": "bearer", "bearerFormat": "kcrm_…",
					"description": "An API token from the profile page or `kobicrm token create`."},
				"cookieAuth": oaMap{"type": "apiKey", "in": "cookie", "name": sessionName,
					"description": "The browser's login session; POST, PATCH and DELETE also need the session's CSRF token in the " + csrfHeader + " header."},
			},
			"parameters": oaMap{
				"q":      oaMap{"name": "q", "in": "query", "description": "Search text, found the Turkish way (\"isparta\" finds \"ISPARTA\").", "schema": oaMap{"type": "string"}},
				"limit":  oaMap{"name": "limit", "in": "query", "description": "Records per page.", "schema": oaMap{"type": "integer", "minimum": 1, "maximum": store.MaxLimit, "default": 50}},
				"cursor": oaMap{"name": "cursor", "in": "query", "description": "The next_cursor of the previous page.", "schema": oaMap{"type": "string"}},
				"desc":   oaMap{"name": "desc", "in": "query", "description": "1 for descending order.", "schema": oaMap{"type": "string", "enum": []string{"1", "0", "true", "false"}}},
				"created_from": oaMap{"name": "created_from", "in": "query", "description": "Created on or after this day (Istanbul time).",
					"schema": oaMap{"type": "string", "format": "date"}},
				"created_to": oaMap{"name": "created_to", "in": "query", "description": "Created on or before this day (Istanbul time).",
					"schema": oaMap{"type": "string", "format": "date"}},
			},
			"responses": oaMap{
				"BadRequest":           oaErrorResponse("Malformed JSON, or an unknown or invalid query parameter"),
				"Unauthorized":         oaErrorResponse("No valid token or session"),
				"Forbidden":            oaErrorResponse("Not allowed, or a session request without its CSRF token"),
				"NotFound":             oaErrorResponse("No such module or record"),
				"TooLarge":             oaErrorResponse("The body is over 1 MiB"),
				"UnsupportedMediaType": oaErrorResponse("The body is not application/json"),
				"Invalid":              oaErrorResponse("Some fields are not valid: see error.fields"),
			},
		},
	}
}
