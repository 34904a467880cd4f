package store

import (
	"encoding/hex"
	"errors"

	"kobicrm/store/mail"
	"kobicrm/store/tr"
)

// EmailTemplates are the e-mails a campaign sends: a subject and a
// Markdown body with merge fields ({{ad}}, {{firma}} …: mail.Fields),
// filled per customer when each message is written (mailMergeValues). A
// merge field the program does not know is refused, naming it.
var EmailTemplates = register(&Module{
	Key: "email_templates", Table: "email_templates", Label: "module.email_templates",
	TitleField: "name", DefaultSort: "name",
	Fields: []Field{
		{Name: "name", Kind: Text, Required: true, List: true, Sort: true, Max: 200},
		{Name: SortKeyField, Kind: Text, Computed: true, Internal: true, Max: 2000},
		{Name: "subject", Kind: Text, Required: true, List: true, Max: 250},
		{Name: "body", Kind: LongText, Required: true, Max: 50000},
	},
	Prepare: prepareEmailTemplate,
})

func prepareEmailTemplate(v Values, errs *ValidationError) {
	v[SortKeyField] = hex.EncodeToString(tr.SortKey(v.Str("name")))
	for _, f := range []string{"subject", "body"} {
		checkMergeFields(f, v.Str(f), errs)
	}
}

// checkMergeFields adds a template text's problem to errs: the unknown
// merge field by its name, or a "{{" never closed.
func checkMergeFields(field, s string, errs *ValidationError) {
	var fe *mail.FieldError
	if err := mail.Check(s); errors.As(err, &fe) {
		if fe.Unclosed {
			errs.Add(field, "error.merge_unclosed")
		} else {
			errs.Add(field, "error.merge_unknown", "{{"+fe.Field+"}}")
		}
	}
}
