package iys

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// jsonRecord is a record as the bulk file holds it, its six fields in
// İYS's order.
type jsonRecord struct {
	ConsentDate   string `json:"consentDate"`
	Source        string `json:"source"`
	Recipient     string `json:"recipient"`
	RecipientType string `json:"recipientType"`
	Status        string `json:"status"`
	Type          string `json:"type"`
}

func toJSON(r Record) jsonRecord {
	return jsonRecord{ConsentDate: FormatDate(r.ConsentDate), Source: r.Source, Recipient: r.Recipient,
		RecipientType: r.RecipientType, Status: r.Status, Type: r.Type}
}

// checkAll refuses a batch İYS would refuse: too many records, or one it
// would not take. Writing nothing is better than a file rejected as a
// whole at the upload.
func checkAll(recs []Record) error {
	if len(recs) > MaxRecords {
		return &Error{Line: 1, Code: CodeTooMany, Value: fmt.Sprint(len(recs))}
	}
	for i, r := range recs {
		if r.Row == 0 {
			r.Row = i + 1
		}
		if e := Check(r); e != nil {
			return e
		}
	}
	return nil
}

// WriteJSON writes a bulk upload file, {"consents": […]}, one record a
// line so that a person can read it too.
func WriteJSON(w io.Writer, recs []Record) error {
	if err := checkAll(recs); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	bw.WriteString(`{"consents": [`)
	for i, r := range recs {
		b, err := json.Marshal(toJSON(r))
		if err != nil {
			return fmt.Errorf("iys: encode record %d: %w", i+1, err)
		}
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n  ")
		bw.Write(b)
	}
	if len(recs) > 0 {
		bw.WriteByte('\n')
	}
	bw.WriteString("]}\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("iys: write json: %w", err)
	}
	return nil
}

// WriteCSV writes the same records as CSV for people and spreadsheets:
// UTF-8 with a byte order mark, ';' between fields, CRLF, a header row of
// the six field names. Values are checked before (Check), so none holds a
// separator or a quote. The phone's leading '+' is kept as it is: İYS
// needs it, and "+905…" is a number, not a formula, to a spreadsheet; an
// e-mail address that starts like a formula is defused with "'".
func WriteCSV(w io.Writer, recs []Record) error {
	if err := checkAll(recs); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	bw.WriteString("\ufeff" + strings.Join(Fields, ";") + "\r\n")
	for _, r := range recs {
		j := toJSON(r)
		recipient := j.Recipient
		if r.Type == "EPOSTA" && strings.ContainsAny(recipient[:1], "=+-@") {
			recipient = "'" + recipient
		}
		bw.WriteString(strings.Join([]string{j.ConsentDate, j.Source, recipient, j.RecipientType, j.Status, j.Type}, ";") + "\r\n")
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("iys: write csv: %w", err)
	}
	return nil
}
