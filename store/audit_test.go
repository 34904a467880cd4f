package store

import (
	"context"
	"fmt"
	"testing"
)

func TestEveryWriteIsInTheHistory(t *testing.T) {
	st := newTestStore(t)
	admin := mustAdmin(t, st)
	a := ActorFor(admin)
	ctx := context.Background()
	p := mustCreate(t, st, a, Customers, person("Ali", "Veli", Values{"stage": "lead", "tags": []string{"fuar"}}))
	if _, _, err := st.Update(ctx, a, Customers, p.ID, Values{"last_name": "Kaya"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.Update(ctx, a, Customers, p.ID, Values{"last_name": "Kaya"}); err != nil { // no change: no entry
		t.Fatal(err)
	}
	_, c, err := st.ConvertLead(ctx, a, p.ID, ConvertInput{CompanyTitle: "Veli Ltd.", Role: "purchasing"})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.RemoveContact(ctx, a, c.ID, p.ID); err != nil {
		t.Fatal(err)
	}
	if err := st.BulkAddTag(ctx, a, Customers, []int64{p.ID}, "tags", "vip"); err != nil {
		t.Fatal(err)
	}
	if err := st.Delete(ctx, a, Customers, p.ID); err != nil {
		t.Fatal(err)
	}
	if err := st.Restore(ctx, a, Customers, p.ID); err != nil {
		t.Fatal(err)
	}
	h, err := st.History(ctx, a, Customers, p.ID, 50)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range h {
		got = append(got, e.Action)
		if e.Actor != admin.Name || e.UserID != admin.ID || e.At.IsZero() {
			t.Errorf("entry %+v: wrong actor or time", e)
		}
	}
	// Newest first: restore, delete, the bulk tag, unlink, the conversion's
	// stage change and link, the edit, the creation.
	want := "[restore delete update unlink update link update create]"
	if fmt.Sprint(got) != want {
		t.Fatalf("history %v\nwant %s", got, want)
	}
	edit := h[len(h)-2]
	if len(edit.Changes) != 2 || edit.Changes[0].Field != "display_name" && edit.Changes[0].Field != "last_name" {
		t.Errorf("the edit's changes: %+v", edit.Changes)
	}
	for _, c := range edit.Changes {
		if c.Field == "last_name" && (c.Old != "Veli" || c.New != "Kaya") {
			t.Errorf("last_name change: %+v", c)
		}
		if c.Field == SortKeyField {
			t.Error("an internal key is in the history")
		}
	}
	created := h[len(h)-1]
	fields := map[string]any{}
	for _, c := range created.Changes {
		fields[c.Field] = c.New
	}
	if fields["first_name"] != "Ali" || fmt.Sprint(fields["tags"]) != "[fuar]" {
		t.Errorf("the creation entry holds %v", fields)
	}
	if ch, _ := st.History(ctx, a, Customers, c.ID, 10); len(ch) != 3 { // create, link, unlink
		t.Errorf("the company's history has %d entries, want 3", len(ch))
	}
}

func TestAuditTrailIsAppendOnly(t *testing.T) {
	st := newTestStore(t)
	a := ActorFor(mustAdmin(t, st))
	mustCreate(t, st, a, Customers, person("Ali", "Veli", nil))
	for _, q := range []string{"UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"} {
		if _, err := st.writer.Exec(q); err == nil {
			t.Errorf("%s went through", q)
		}
	}
	var n int
	if err := st.reader.QueryRow("SELECT count(*) FROM audit_log").Scan(&n); err != nil || n != 1 {
		t.Errorf("audit rows: %d, %v", n, err)
	}
}
