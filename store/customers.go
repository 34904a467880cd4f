package store

import (
	"encoding/hex"
	"strings"

	"kobicrm/store/tr"
)

// Customers is the roof table: every party the firm deals with, a person
// (Bireysel) or a company (Kurumsal), from lead (Aday) to former customer.
// Every related module points here with a real foreign key.
var Customers = register(&Module{
	Key: "customers", Table: "customers", Label: "module.customers",
	SearchID: 1, TitleField: "display_name", DefaultSort: "display_name",
	Discriminator: "kind", Personal: true,
	Fields: []Field{
		{Name: "kind", Kind: Choice, Choices: []string{"person", "company"}, Default: "person", Required: true, List: true, Filter: true, Sort: true},
		{Name: "display_name", Kind: Text, Computed: true, List: true, Sort: true, Max: 300},
		{Name: SortKeyField, Kind: Text, Computed: true, Internal: true, Max: 2000},
		{Name: NameFoldField, Kind: Text, Computed: true, Internal: true, Max: 300},

		{Name: "first_name", Kind: Text, Group: "person", Required: true, Search: true, Max: 100},
		{Name: "last_name", Kind: Text, Group: "person", Required: true, Search: true, Max: 100},
		{Name: "title", Kind: Text, Group: "company", Required: true, Search: true, Max: 250},
		{Name: "stage", Kind: Choice, Choices: []string{"lead", "customer", "former"}, Default: "customer", Required: true, List: true, Filter: true, Sort: true},
		{Name: "lead_status", Kind: Choice, Choices: []string{"new", "contacted", "qualified", "disqualified"}, Filter: true},

		{Name: "tckn", Kind: TCKN, Group: "person", Search: true, Sensitive: true},
		{Name: "birth_date", Kind: Date, Group: "person", Sensitive: true},

		{Name: "vkn", Kind: VKN, Group: "company", Search: true},
		{Name: "tax_office", Kind: Text, Group: "company", Max: 100},
		{Name: "sector", Kind: Text, Group: "company", Search: true, Max: 100},
		{Name: "website", Kind: URL, Group: "company"},
		{Name: "employee_count", Kind: Int, Group: "company"},

		{Name: "email", Kind: Email, Search: true, List: true, Sort: true},
		{Name: "phone", Kind: Phone, Search: true, List: true, Sort: true},
		{Name: "phones", Kind: PhoneList, Search: true},
		{Name: "province", Kind: Province, Search: true, List: true, Filter: true, Sort: true},
		{Name: "province" + keySuffix, Kind: Text, Computed: true, Internal: true, Max: 200},
		{Name: "district", Kind: Text, Search: true, Max: 100},
		{Name: "address", Kind: Text, Max: 300},
		{Name: "postal_code", Kind: PostalCode},
		{Name: "source", Kind: Choice, Choices: []string{"website", "referral", "phone", "visit", "fair", "social_media", "advertisement", "campaign", "other"}, Filter: true},
		{Name: "tags", Kind: Tags, Search: true, Filter: true, List: true},
		{Name: "owner_id", Kind: Ref, Ref: "users", List: true, Filter: true},
		// The marketing campaign the customer (a lead) came from.
		{Name: "campaign_id", Kind: Ref, Ref: "campaigns", Filter: true},
		{Name: "notes", Kind: LongText},
		{Name: QualityField, Kind: Int, Computed: true, List: true, Sort: true, Filter: true, Bands: QualityBands},
	},
	// The ETK decision at the main addresses, by channel, that triggers
	// keep (migration 0015): a list's consent badges come with its rows.
	Derived: []Field{
		{Name: "etk_arama", Kind: Text, Computed: true, Internal: true},
		{Name: "etk_mesaj", Kind: Text, Computed: true, Internal: true},
		{Name: "etk_eposta", Kind: Text, Computed: true, Internal: true},
	},
	Prepare: prepareCustomer,
	// A customer attributed to a campaign (its lead) is its member's
	// response.
	AfterSave: attributedResponse(""),
})

func prepareCustomer(v Values, errs *ValidationError) {
	if v.Str("stage") == "" {
		v["stage"] = "customer"
	}
	if v.Str("stage") == "lead" && v.Str("lead_status") == "" {
		v["lead_status"] = "new"
	}
	name := v.Str("title")
	if v.Str("kind") == "person" {
		name = strings.TrimSpace(v.Str("first_name") + " " + v.Str("last_name"))
	}
	v["display_name"] = name
	v[SortKeyField] = hex.EncodeToString(tr.SortKey(name))
	v[NameFoldField] = nameFold(name)
	// A postal code starts with its province's plate number; a mismatch is
	// almost always a typo in one of the two.
	if pc, prov := v.Str("postal_code"), v.Str("province"); len(pc) >= 2 && prov != "" {
		if p, ok := tr.ProvinceByName(prov); ok && pc[:2] != twoDigits(p.Code) {
			errs.Add("postal_code", "error.postal_province", prov)
		}
	}
	v[QualityField] = int64(CustomerQuality(v).Score)
}

func twoDigits(n int) string {
	return string([]byte{byte('0' + n/10), byte('0' + n%10)})
}

// Assets are the things a customer owns and the firm serves: the seeds'
// vehicles, or devices.
var Assets = register(&Module{
	Key: "assets", Table: "assets", Label: "module.assets",
	SearchID: 2, TitleField: "name", DefaultSort: "name",
	Fields: []Field{
		{Name: "customer_id", Kind: Ref, Ref: "customers", Required: true, Parent: true, List: true, Filter: true},
		{Name: "kind", Kind: Choice, Choices: []string{"vehicle", "device", "other"}, Default: "vehicle", Required: true, List: true, Filter: true, Sort: true},
		{Name: "name", Kind: Text, Required: true, Search: true, List: true, Sort: true, Max: 150},
		{Name: SortKeyField, Kind: Text, Computed: true, Internal: true, Max: 2000},
		{Name: "serial_no", Kind: Text, Search: true, List: true, Sort: true, Max: 60},
		{Name: "plate", Kind: Plate, Search: true, List: true, Sort: true},
		{Name: "purchase_date", Kind: Date},
		{Name: "warranty_end", Kind: Date, List: true, Sort: true},
		{Name: "owner_id", Kind: Ref, Ref: "users", Filter: true},
		{Name: "notes", Kind: LongText},
	},
	Prepare: func(v Values, errs *ValidationError) {
		if v.Str("kind") == "" {
			v["kind"] = "vehicle"
		}
		v["serial_no"] = strings.ToUpper(v.Str("serial_no"))
		v[SortKeyField] = hex.EncodeToString(tr.SortKey(v.Str("name")))
		if p, w := v.Str("purchase_date"), v.Str("warranty_end"); p != "" && w != "" && w < p {
			errs.Add("warranty_end", "error.warranty_before_purchase")
		}
	},
})
