package ui

import (
	"strings"

	"kobicrm/store"
	"kobicrm/ui/i18n"
)

// ImportVocabulary is what the column names and choice words of a
// spreadsheet mean for module m, in every language of the catalogues:
// each importable field's label, its name, the aliases of the catalogue
// key "import.alias.<module>.<field>" ("|"-separated: the words people
// put in their own files), the headers an export writes for a record's
// number and creation date, and every choice's label. The wizard and the
// command line share it, so a file exported by kobicrm comes back with
// every column mapped.
func ImportVocabulary(cat *i18n.Catalog, m *store.Module) *store.ImportVocabulary {
	voc := &store.ImportVocabulary{}
	targets := store.ImportTargets(m)
	langs := cat.Languages()
	// The first word given for a column name wins: the labels, which the
	// export writes, before the aliases, which only guess.
	for _, lang := range langs {
		l := cat.Locale(lang)
		voc.AddHeader(l.T("export.id"), store.ImportIDColumn)
		voc.AddHeader(l.T("field.created_at"), store.CreatedAtKey)
		for _, f := range targets {
			voc.AddHeader(fieldLabel(l, m, f), f.Name)
		}
	}
	for _, f := range targets {
		voc.AddHeader(f.Name, f.Name)
	}
	for _, lang := range langs {
		l := cat.Locale(lang)
		for _, f := range targets {
			key := importAliasKey(m, f)
			if aliases := l.T(key); aliases != key {
				for _, a := range strings.Split(aliases, "|") {
					voc.AddHeader(a, f.Name)
				}
			}
			for _, c := range f.Choices {
				voc.AddChoice(f.Name, choiceLabel(l, m, f, c), c)
			}
		}
	}
	return voc
}

// importAliasKey is the catalogue key of a field's other column names.
func importAliasKey(m *store.Module, f *store.Field) string {
	return "import.alias." + m.Key + "." + f.Name
}
