package demo

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"kobicrm/store"
	"kobicrm/store/tr"
)

// The service desk's demo: knowledge base articles, and requests over two
// years, the old ones resolved or closed with a score, the recent ones open
// in every status, spread over the service team's queue and the
// unassigned one.

var serviceSubjects = []string{"Araç muayene randevusu", "Klima çalışmıyor", "Fatura tutarı hatalı", "Garanti kapsamı sorusu",
	"Teslimat gecikti", "Yedek parça siparişi", "Periyodik bakım talebi", "Servis ücretine itiraz", "Ürün kullanım sorusu",
	"Lastik değişimi", "Kombi arızası", "Web sitesine öneri", "Çalışan davranışı şikayeti", "İade talebi", "Motor arıza lambası"}

var serviceResolutions = []string{"Müşteri arandı, sorun telefonda çözüldü.", "Parça değiştirildi, test edildi.",
	"Fatura düzeltildi ve yeniden gönderildi.", "Garanti kapsamında ücretsiz onarıldı.", "Özür dilendi, indirim tanımlandı."}

var kbTopics = []string{"Garanti süresi nasıl hesaplanır", "Periyodik bakım aralıkları", "Fatura itirazı nasıl yapılır",
	"Yedek parça teslim süreleri", "Randevu nasıl değiştirilir", "İade ve değişim koşulları", "Klima filtresi temizliği",
	"Kombi basıncı düşerse", "Lastik saklama hizmeti", "Arıza lambası yanarsa ne yapılmalı"}

func (g *gen) service(ctx context.Context, st *store.Store, a *store.Actor, requests, articles int, progress io.Writer, start time.Time, sum *Summary) error {
	// The products requests and articles are about: the parts,
	// batteries, tyres, oils and the service's own work.
	var serviced, answered []int64
	for _, p := range g.prods {
		switch p.category {
		case "Yedek Parça", "Akü", "Lastik", "Madeni Yağ", "Servis İşçiliği", "Servis Hizmeti", "Aksesuar":
			serviced = append(serviced, p.id)
		}
	}
	if articles > 0 {
		cats, err := listAll(ctx, st, a, store.ServiceCategories)
		if err != nil {
			return fmt.Errorf("demo service: %w", err)
		}
		rows := make([]store.Values, 0, articles)
		for i := range articles {
			topic := kbTopics[i%len(kbTopics)]
			if i >= len(kbTopics) {
				topic = fmt.Sprintf("%s (%d)", topic, i/len(kbTopics)+1)
			}
			v := store.Values{"title": topic, "category_id": pick(g.r, cats).ID,
				"body": "## " + topic + "\n\n" + pick(g.r, serviceResolutions) + " Ayrıntılar için müşteri hizmetlerini arayın.\n\n1. Kaydı bulun.\n2. Müşteriye bilgi verin."}
			// Most articles are about one to three of the products the
			// desk services.
			if len(serviced) > 0 && g.chance(0.85) {
				var ids []int64
				for range 1 + g.r.IntN(3) {
					if id := pick(g.r, serviced); !slices.Contains(ids, id) {
						ids = append(ids, id)
					}
				}
				v["product_ids"] = ids
				answered = append(answered, ids...)
			}
			rows = append(rows, v)
		}
		if _, err := st.CreateMany(ctx, a, store.KBArticles, rows); err != nil {
			return fmt.Errorf("demo articles: %w", err)
		}
		sum.Articles = articles
	}
	if requests == 0 || len(g.parties) == 0 {
		return nil
	}
	users, err := listAll(ctx, st, a, store.Users)
	if err != nil {
		return fmt.Errorf("demo service: %w", err)
	}
	teams, err := listAll(ctx, st, a, store.Teams)
	if err != nil {
		return fmt.Errorf("demo service: %w", err)
	}
	var team any
	for _, t := range teams {
		if t.Title() == "Saha Servisi" {
			team = t.ID
		}
	}
	var desk []any
	for _, u := range users {
		if ids, _ := u.Values["teams"].([]int64); team != nil && slices.Contains(ids, team.(int64)) {
			desk = append(desk, u.ID)
		}
	}
	from := g.end.AddDate(-2, 0, 0)
	open := []string{store.ServiceNew, store.ServiceAssigned, store.ServiceWorking, store.ServiceWaiting}
	rows := make([]store.Values, 0, batchSize)
	for i := range requests {
		p := &g.parties[g.r.IntN(len(g.parties))]
		created := from.Add(time.Duration(g.r.Int64N(int64(g.end.Sub(from)))))
		if created.Before(p.created) {
			created = p.created.Add(time.Duration(g.r.IntN(72)) * time.Hour)
		}
		if created.After(g.end) {
			created = g.end.Add(-time.Hour)
		}
		stamp := func(t time.Time) string { return t.UTC().Format(tr.DateTimeLayout) }
		v := store.Values{
			"subject": pick(g.r, serviceSubjects), "type": pick(g.r, store.ServiceTypes), "customer_id": p.id,
			"channel": pick(g.r, store.ServiceChannels), "priority": store.ServicePriorities[min(3, g.r.IntN(5))],
			"opened_at": stamp(created), store.CreatedAtKey: created,
		}
		if g.chance(0.3) {
			v["description"] = "Müşteri telefonla aradı. " + pick(g.r, serviceResolutions)
		}
		// Two in five name the product; mostly one the knowledge base
		// has an answer about.
		if len(serviced) > 0 && g.chance(0.4) {
			if len(answered) > 0 && g.chance(0.8) {
				v["product_id"] = pick(g.r, answered)
			} else {
				v["product_id"] = pick(g.r, serviced)
			}
		}
		if team != nil && g.chance(0.8) {
			v["team_id"] = team
		}
		recent := created.After(g.end.AddDate(0, 0, -20))
		switch {
		case !recent || g.chance(0.3):
			resolved := created.Add(time.Duration(2+g.r.IntN(120)) * time.Hour)
			v["status"], v["resolution"] = store.ServiceResolved, pick(g.r, serviceResolutions)
			v["responded_at"], v["resolved_at"] = stamp(created.Add(time.Hour)), stamp(resolved)
			if len(desk) > 0 {
				v["assignee_id"] = pick(g.r, desk)
			}
			if g.chance(0.9) {
				v["status"], v["closed_at"], v["satisfaction"] = store.ServiceClosed, stamp(resolved.Add(48*time.Hour)), int64(1+g.r.IntN(5))
			}
		default:
			status := pick(g.r, open)
			if status != store.ServiceNew && len(desk) > 0 {
				v["assignee_id"] = pick(g.r, desk)
			} else {
				status = store.ServiceNew
			}
			if status == store.ServiceWorking || status == store.ServiceWaiting {
				v["responded_at"] = stamp(created.Add(time.Hour))
			}
			if status == store.ServiceWaiting {
				v["waiting_since"] = stamp(created.Add(2 * time.Hour))
			}
			v["status"] = status
		}
		rows = append(rows, v)
		if len(rows) < batchSize && i < requests-1 {
			continue
		}
		if _, err := st.CreateMany(ctx, a, store.ServiceRequests, rows); err != nil {
			return fmt.Errorf("demo service requests: %w", err)
		}
		sum.ServiceRequests += len(rows)
		report(progress, "service requests", sum.ServiceRequests, requests, start)
		rows = rows[:0]
	}
	return nil
}
