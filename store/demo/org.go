package demo

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"text/tabwriter"

	"kobicrm/store"
)

// The demo firm's organisation: a small firm's departments, teams and
// staff under the shipped security roles, so that every record scope
// (own, team, department, all) has something realistic to reach. The
// customers belong to the salespeople and the administrator (the firm's
// house accounts) and a few to the service staff who took them on at the
// service desk; the assets belong to the service staff and the
// administrator.
//
// It is made only beside an administrator, who becomes the head of the
// firm: in a database without any user, demo users would end the first-run
// setup that creates the administrator. Nor is it made where the firm has
// begun its own (a department, a team, or a user who is not an
// administrator): demo users never mix into real ones.

// orgDomain is the firm's e-mail domain.
const orgDomain = "firma.com.tr"

// orgDepartments are the departments, each after its parent.
var orgDepartments = []struct{ name, parent string }{
	{"Genel Müdürlük", ""},
	{"Satış", "Genel Müdürlük"},
	{"İstanbul Satış", "Satış"},
	{"Ankara Satış", "Satış"},
	{"Servis", "Genel Müdürlük"},
	{"Pazarlama", "Genel Müdürlük"},
}

var orgTeams = []string{"Kurumsal Satış", "Bireysel Satış", "Saha Servisi"}

// staff is one demo user: department, shipped role and teams by name, and
// the shares (in percent) of the customers and assets they own.
type staff struct {
	name, dept, role string
	teams            []string
	customers        int
	assets           int
}

// orgStaff are the demo users. The administrator owns what they leave
// (adminCustomers and adminAssets percent).
var orgStaff = []staff{
	{name: "Mehmet Demir", dept: "Satış", role: "Satış", teams: []string{"Kurumsal Satış", "Bireysel Satış"}, customers: 3},
	{name: "Elif Kaya", dept: "İstanbul Satış", role: "Satış", teams: []string{"Kurumsal Satış"}, customers: 8},
	{name: "Burak Şahin", dept: "İstanbul Satış", role: "Satış", teams: []string{"Kurumsal Satış"}, customers: 6},
	{name: "Zeynep Çelik", dept: "İstanbul Satış", role: "Satış", teams: []string{"Bireysel Satış"}, customers: 7},
	{name: "Oğuz Arslan", dept: "İstanbul Satış", role: "Satış", teams: []string{"Bireysel Satış"}, customers: 4},
	{name: "Emre Aydın", dept: "Ankara Satış", role: "Satış", teams: []string{"Kurumsal Satış", "Bireysel Satış"}, customers: 7},
	{name: "Selin Öztürk", dept: "Ankara Satış", role: "Satış", teams: []string{"Bireysel Satış"}, customers: 5},
	{name: "Hakan Doğan", dept: "Servis", role: "Servis", teams: []string{"Saha Servisi", "Kurumsal Satış"}, customers: 1, assets: 35},
	{name: "Gülay Kılıç", dept: "Servis", role: "Servis", teams: []string{"Saha Servisi"}, customers: 1, assets: 25},
	{name: "Esra Koç", dept: "Servis", role: "Çağrı Merkezi"},
	{name: "Deniz Aslan", dept: "Pazarlama", role: "Pazarlama"},
	{name: "Kemal Yıldız", dept: "Genel Müdürlük", role: "Salt okunur"},
}

const adminCustomers, adminAssets = 58, 40

// owners draws the owner of each new record by weight.
type owners struct {
	ids []any // user ids (int64); none when the records have no owner
	cum []int // cumulative shares, ending at 100
}

// draw picks an owner. It takes one number from r whether or not there
// is anyone to pick, so that the organisation changes only the owners of
// the records, never the rest of the data.
func (o owners) draw(r *rand.Rand) any {
	n := r.IntN(100)
	if len(o.ids) == 0 {
		return nil
	}
	i, _ := slices.BinarySearch(o.cum, n+1)
	return o.ids[i]
}

func (o *owners) add(id int64, share int) {
	if share <= 0 {
		return
	}
	total := share
	if len(o.cum) > 0 {
		total += o.cum[len(o.cum)-1]
	}
	o.ids = append(o.ids, id)
	o.cum = append(o.cum, total)
}

func soleOwner(id int64) owners { return owners{ids: []any{id}, cum: []int{100}} }

// organisation finds the administrator and, where the database has no
// organisation yet, makes the demo firm's; it says what it did on
// progress and returns who owns the customers and the assets.
func organisation(ctx context.Context, st *store.Store, a *store.Actor, progress io.Writer, sum *Summary) (customers, assets owners, err error) {
	users, err := listAll(ctx, st, a, store.Users)
	if err != nil {
		return owners{}, owners{}, err
	}
	var admin *store.User
	others := 0
	for _, r := range users {
		u, err := st.UserByID(ctx, a, r.ID)
		if err != nil {
			return owners{}, owners{}, err
		}
		switch {
		case u.Admin && u.Active && (admin == nil || u.ID < admin.ID):
			admin = u
		case !u.Admin:
			others++
		}
	}
	if admin == nil {
		fmt.Fprintln(progress, "organisation: none, as there is no administrator yet (create one first, with `kobicrm user add -admin`, for the demo firm's departments, teams and users); the records have no owner")
		return owners{}, owners{}, nil
	}
	depts, err := listAll(ctx, st, a, store.Departments)
	if err != nil {
		return owners{}, owners{}, err
	}
	teams, err := listAll(ctx, st, a, store.Teams)
	if err != nil {
		return owners{}, owners{}, err
	}
	if len(depts) > 0 || len(teams) > 0 || others > 0 {
		fmt.Fprintf(progress, "organisation: the firm's own, left as it is; the records belong to %s\n", admin.Name)
		return soleOwner(admin.ID), soleOwner(admin.ID), nil
	}
	roles, err := listAll(ctx, st, a, store.Roles)
	if err != nil {
		return owners{}, owners{}, err
	}
	roleID := map[string]int64{}
	for _, r := range roles {
		roleID[r.Title()] = r.ID
	}
	for _, s := range orgStaff {
		if roleID[s.role] == 0 {
			fmt.Fprintf(progress, "organisation: none, as the shipped role %q is gone; the records belong to %s\n", s.role, admin.Name)
			return soleOwner(admin.ID), soleOwner(admin.ID), nil
		}
	}

	deptID := map[string]int64{}
	for _, d := range orgDepartments {
		v := store.Values{"name": d.name}
		if d.parent != "" {
			v["parent_id"] = deptID[d.parent]
		}
		r, err := st.Create(ctx, a, store.Departments, v)
		if err != nil {
			return owners{}, owners{}, fmt.Errorf("demo department %s: %w", d.name, err)
		}
		deptID[d.name] = r.ID
	}
	teamID := map[string]int64{}
	for _, t := range orgTeams {
		r, err := st.Create(ctx, a, store.Teams, store.Values{"name": t})
		if err != nil {
			return owners{}, owners{}, fmt.Errorf("demo team %s: %w", t, err)
		}
		teamID[t] = r.ID
	}
	// The administrator heads the firm.
	if _, _, err := st.Update(ctx, a, store.Users, admin.ID, store.Values{"department_id": deptID[orgDepartments[0].name]}); err != nil {
		return owners{}, owners{}, fmt.Errorf("demo: place the administrator: %w", err)
	}
	taken := map[string]bool{}
	for _, r := range users {
		taken[r.Values.Str("email")] = true
	}
	customers.add(admin.ID, adminCustomers)
	assets.add(admin.ID, adminAssets)
	ids := make([]int64, len(orgStaff))
	emails := make([]string, len(orgStaff))
	for i, s := range orgStaff {
		first, last, _ := strings.Cut(s.name, " ")
		email := slug(first) + "." + slug(last) + "@" + orgDomain
		for n := 2; taken[email]; n++ {
			email = fmt.Sprintf("%s.%s%d@%s", slug(first), slug(last), n, orgDomain)
		}
		taken[email] = true
		var tids []int64
		for _, t := range s.teams {
			tids = append(tids, teamID[t])
		}
		r, err := st.Create(ctx, a, store.Users, store.Values{
			"name": s.name, "email": email, "active": true,
			"department_id": deptID[s.dept], "teams": tids, "roles": []int64{roleID[s.role]},
		})
		if err != nil {
			return owners{}, owners{}, fmt.Errorf("demo user %s: %w", s.name, err)
		}
		ids[i], emails[i] = r.ID, email
		customers.add(r.ID, s.customers)
		assets.add(r.ID, s.assets)
	}
	sum.Departments, sum.Teams, sum.Users = len(orgDepartments), len(orgTeams), len(orgStaff)
	if customers.cum[len(customers.cum)-1] != 100 || assets.cum[len(assets.cum)-1] != 100 {
		panic("demo: the owners' shares do not add up to 100")
	}

	// The organisation as a tree of departments, each with its people.
	fmt.Fprintf(progress, "organisation: %d departments, %d teams, %d users (a user logs in once given a password: `kobicrm user passwd -email …`)\n",
		sum.Departments, sum.Teams, sum.Users)
	var table bytes.Buffer
	tw := tabwriter.NewWriter(&table, 0, 0, 2, ' ', 0)
	adminRoles := roleNames(roles, users, admin.ID)
	for _, d := range orgDepartments {
		indent := strings.Repeat("  ", 1+depth(d.name))
		fmt.Fprintf(tw, "%s%s\t\t\t\t\n", indent, d.name)
		if d.name == orgDepartments[0].name {
			fmt.Fprintf(tw, "%s  %s\t%s\t%s\t\t%s\n", indent, admin.Name, admin.Email, adminRoles,
				shares(adminCustomers, adminAssets))
		}
		for i, s := range orgStaff {
			if s.dept == d.name {
				fmt.Fprintf(tw, "%s  %s\t%s\t%s\t%s\t%s\n", indent, s.name, emails[i], s.role,
					strings.Join(s.teams, ", "), shares(s.customers, s.assets))
			}
		}
	}
	if err := tw.Flush(); err != nil {
		return owners{}, owners{}, err
	}
	for line := range strings.Lines(table.String()) {
		fmt.Fprintln(progress, strings.TrimRight(line, " \n"))
	}
	return customers, assets, nil
}

func depth(dept string) int {
	for _, d := range orgDepartments {
		if d.name == dept && d.parent != "" {
			return 1 + depth(d.parent)
		}
	}
	return 0
}

func shares(customers, assets int) string {
	var out []string
	if customers > 0 {
		out = append(out, fmt.Sprintf("%d%% of customers", customers))
	}
	if assets > 0 {
		out = append(out, fmt.Sprintf("%d%% of assets", assets))
	}
	if out == nil {
		return ""
	}
	return "owns " + strings.Join(out, ", ")
}

// roleNames are the names of the roles of a listed user.
func roleNames(roles, users []*store.Record, id int64) string {
	var out []string
	for _, u := range users {
		if u.ID != id {
			continue
		}
		ids, _ := u.Values["roles"].([]int64)
		for _, r := range roles {
			if slices.Contains(ids, r.ID) {
				out = append(out, r.Title())
			}
		}
	}
	return strings.Join(out, ", ")
}

// listAll reads every live record of a small module.
func listAll(ctx context.Context, st *store.Store, a *store.Actor, m *store.Module) ([]*store.Record, error) {
	var out []*store.Record
	q := store.ListQuery{Limit: store.MaxLimit}
	for {
		p, err := st.List(ctx, a, m, q)
		if err != nil {
			return nil, fmt.Errorf("demo: read %s: %w", m.Key, err)
		}
		out = append(out, p.Records...)
		if p.Next == "" {
			return out, nil
		}
		q.Cursor = p.Next
	}
}
