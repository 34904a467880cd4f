package iys

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
)

// The bulk file's schema, written out independently of the writer (and of
// NormalRecipient) so that it can check the writer's output: what an
// İYS-side validator would hold a file to.
var (
	schemaDate   = regexp.MustCompile(`^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$`)
	schemaMobile = regexp.MustCompile(`^\+905\d{9}$`)
	schemaPhone  = regexp.MustCompile(`^\+90\d{10}$`)
	schemaEmail  = regexp.MustCompile(`^[^@\s;,"]+@[^@\s;,"]+\.[^@\s;,".]+$`)
	schemaEnums  = map[string][]string{FieldSource: Sources, FieldRecipientType: RecipientTypes, FieldStatus: Statuses, FieldType: Types}
)

// ValidateBulk checks a bulk upload file against İYS's schema: one member
// "consents", an array of at most MaxRecords objects, each with exactly the
// six fields, every one a string of its format. It answers how many
// records the file holds.
func ValidateBulk(body []byte) (int, error) {
	var file map[string]json.RawMessage
	if err := json.Unmarshal(body, &file); err != nil {
		return 0, fmt.Errorf("iys: bulk file: %w", err)
	}
	if len(file) != 1 || file["consents"] == nil {
		return 0, fmt.Errorf("iys: bulk file: want exactly the member \"consents\", have %d members", len(file))
	}
	var list []map[string]any
	if err := json.Unmarshal(file["consents"], &list); err != nil {
		return 0, fmt.Errorf("iys: bulk file: consents is not an array of objects: %w", err)
	}
	if len(list) > MaxRecords {
		return 0, fmt.Errorf("iys: bulk file: %d records, at most %d", len(list), MaxRecords)
	}
	for i, r := range list {
		if len(r) != len(Fields) {
			return 0, fmt.Errorf("iys: record %d: %d fields, want %v", i+1, len(r), Fields)
		}
		str := map[string]string{}
		for _, f := range Fields {
			s, ok := r[f].(string)
			if !ok {
				return 0, fmt.Errorf("iys: record %d: %s is missing or not a string", i+1, f)
			}
			str[f] = s
		}
		if !schemaDate.MatchString(str[FieldConsentDate]) {
			return 0, fmt.Errorf("iys: record %d: consentDate %q", i+1, str[FieldConsentDate])
		}
		for f, enum := range schemaEnums {
			if !slices.Contains(enum, str[f]) {
				return 0, fmt.Errorf("iys: record %d: %s %q is not one of %v", i+1, f, str[f], enum)
			}
		}
		pattern := map[string]*regexp.Regexp{"MESAJ": schemaMobile, "ARAMA": schemaPhone, "EPOSTA": schemaEmail}[str[FieldType]]
		if !pattern.MatchString(str[FieldRecipient]) {
			return 0, fmt.Errorf("iys: record %d: recipient %q for %s", i+1, str[FieldRecipient], str[FieldType])
		}
	}
	return len(list), nil
}
