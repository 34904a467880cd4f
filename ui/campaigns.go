package ui

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"kobicrm/store"
	"kobicrm/ui/i18n"
)

// Campaigns' pages: the list, form and history come from the
// declaration; a campaign's own page adds its status buttons, the Launch
// button, and after the launch its members per channel: how many were
// left out by the ETK rule and why, and how far the contact has come.

var campaignsList = &listSpec{Key: "campaigns", Module: store.Campaigns, TitleKey: "module.campaigns",
	Columns:  []string{"name", "goal", "channels", "segment_id", "starts_on", "status", "owner_id"},
	New:      []link{{Label: "campaigns.new", URL: "/campaigns/new"}},
	EmptyKey: "campaigns.empty"}

var campaignMembersList = &listSpec{Key: "campaign_members", Module: store.CampaignMembers, TitleKey: "module.campaign_members",
	Columns:  []string{"recipient", "customer_id", "channel", "status", "reason", "sent_at", "error"},
	EmptyKey: "campaign_members.empty"}

func (s *Server) campaignRoutes(in *mux.Router) {
	s.listRoutes(in, campaignsList)
	s.recordRoutes(in, store.Campaigns, s.campaignShow)
	in.HandleFunc("/campaigns/{id:[0-9]+}/launch", s.campaignLaunch).Methods(http.MethodPost)
	in.HandleFunc("/campaigns/{id:[0-9]+}/status", s.campaignStatus).Methods(http.MethodPost)
	in.HandleFunc("/campaigns/{id:[0-9]+}/send", s.campaignSend).Methods(http.MethodPost)
	in.HandleFunc("/campaigns/{id:[0-9]+}/distribute", s.campaignDistribute).Methods(http.MethodPost)
	s.listRoutes(in, campaignMembersList)
	s.recordRoutes(in, store.CampaignMembers, s.recordShow(store.CampaignMembers))
}

type campaignData struct {
	recordData
	CanLaunch  bool
	Moves      []option // statuses a person may move it to
	Channels   []channelTally
	Members    int64
	Excluded   int64
	MembersURL string
	// E-mail and SMS sending: under way now, stopped with an error, why
	// each channel cannot be sent, and whether this user may start or
	// resume it.
	Sending     bool
	SendError   string
	MailProblem string
	SMSProblem  string
	CanSend     bool
	Results     *store.CampaignResult
	ResultRows  []resultRow
	ROIText     string // "%50", "-%12,5"; "" without a budget
	// Call and visit members without a task, and whether this user may
	// hand them out.
	Untasked      int
	CanDistribute bool
}

// percentText writes basis points the Turkish way: 1250 → "%12,5",
// -500 → "-%5" (a KDV rate, a line discount, a campaign's ROI).
func percentText(bp int64) string {
	sign := ""
	if bp < 0 {
		sign, bp = "-", -bp
	}
	s := strconv.FormatInt(bp/100, 10)
	if frac := bp % 100; frac != 0 {
		f := strconv.FormatInt(frac+100, 10)[1:]
		s += "," + strings.TrimRight(f, "0")
	}
	return sign + "%" + s
}

// resultRow is one channel's results, labelled.
type resultRow struct {
	Channel string
	store.ChannelResult
}

// channelTally is one channel's members on the campaign page.
type channelTally struct {
	Key      string // the channel: email, sms, call, visit
	Channel  string // label
	Total    int64
	Pending  int64
	Sent     int64
	Failed   int64
	Unknown  int64
	Excluded int64
	Reasons  []reasonCount // why they were excluded, or kept
	ListURL  string
}

type reasonCount struct {
	Label string
	Count int64
	URL   string
}

func (s *Server) campaignShow(w http.ResponseWriter, r *http.Request) {
	m := s.module(store.Campaigns)
	rec, ok := s.loadRecord(w, r, m)
	if !ok {
		return
	}
	st := state(r)
	l := st.locale
	d := &campaignData{recordData: recordData{Module: m, Record: rec, Details: details(l, m, rec)}}
	var err error
	if d.Can, err = s.recordRights(r, m, rec.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	status := rec.Values.Str("status")
	if d.Can.Edit {
		d.CanLaunch = status == store.CampaignDraft || status == store.CampaignScheduled
		for _, to := range store.CampaignMoves(status) {
			d.Moves = append(d.Moves, option{Value: to, Label: l.T("campaigns.move." + to)})
		}
	}
	tallies, err := s.store.CampaignTallies(r.Context(), st.actor, rec.ID)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	id := strconv.FormatInt(rec.ID, 10)
	d.MembersURL = "/campaign_members?campaign_id=" + id
	d.Channels = tallyChannels(l, tallies, d.MembersURL)
	for _, c := range d.Channels {
		d.Members += c.Total
		d.Excluded += c.Excluded
	}
	if err := s.campaignSending(r, d, tallies); err != nil {
		s.storeError(w, r, err)
		return
	}
	if err := s.campaignTasks(r, d); err != nil {
		s.storeError(w, r, err)
		return
	}
	if d.Results, err = s.store.CampaignResults(r.Context(), st.actor, rec.ID); err != nil {
		s.storeError(w, r, err)
		return
	}
	if d.Results.ROI.Valid {
		d.ROIText = percentText(d.Results.ROI.Int64)
	}
	for _, c := range d.Results.Channels {
		d.ResultRows = append(d.ResultRows, resultRow{Channel: l.T("choice.campaigns.channels." + c.Channel), ChannelResult: c})
	}
	if d.History, err = s.history(r, m, rec.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	p := s.newPage(r, m.Label, d)
	p.Title = rec.Title()
	p.Refresh = d.Sending
	s.render(w, r, http.StatusOK, "campaigns_show", p)
}

// tallyChannels groups the member counts by channel, in the channels'
// order, each with its reasons.
func tallyChannels(l *i18n.Locale, tallies []store.MemberTally, listURL string) []channelTally {
	var out []channelTally
	for _, ch := range store.CampaignChannels {
		c := channelTally{Key: ch, Channel: l.T("choice.campaigns.channels." + ch), ListURL: listURL + "&channel=" + ch}
		reasons := map[string]int64{}
		for _, t := range tallies {
			if t.Channel != ch {
				continue
			}
			n := int64(t.Count)
			c.Total += n
			switch t.Status {
			case store.MemberExcluded:
				c.Excluded += n
				reasons[t.Reason] += n
			case store.MemberPending:
				c.Pending += n
			case store.MemberSent, store.MemberResponded:
				c.Sent += n
			case store.MemberFailed:
				c.Failed += n
			case store.MemberUnknown:
				c.Unknown += n
			}
		}
		if c.Total == 0 {
			continue
		}
		for _, reason := range store.MemberReasons {
			if n := reasons[reason]; n > 0 {
				c.Reasons = append(c.Reasons, reasonCount{Label: l.T("choice.campaign_members.reason." + reason), Count: n,
					URL: c.ListURL + "&status=" + store.MemberExcluded + "&reason=" + reason})
			}
		}
		out = append(out, c)
	}
	return out
}

// campaignLaunch freezes the campaign's target list: the result, or why
// it could not be launched, shows on the campaign's page.
func (s *Server) campaignLaunch(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	st := state(r)
	l, err := s.store.LaunchCampaign(r.Context(), st.actor, id)
	if s.flashValidation(r, err) {
		s.redirect(w, r, recordURL(store.Campaigns, id))
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	s.addFlash(r, "ok", "campaigns.launched", strconv.Itoa(l.Members), strconv.Itoa(l.Excluded))
	s.startSending(id) // the channels that can be sent are
	if err := s.distributeAfterLaunch(r, id); err != nil {
		s.storeError(w, r, err)
		return
	}
	s.redirect(w, r, recordURL(store.Campaigns, id))
}

// campaignStatus moves the campaign to another status.
func (s *Server) campaignStatus(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	to := r.PostFormValue("status")
	if !slices.Contains(store.CampaignStatuses, to) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	err := s.store.SetCampaignStatus(r.Context(), state(r).actor, id, to)
	if s.flashValidation(r, err) {
		s.redirect(w, r, recordURL(store.Campaigns, id))
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	s.addFlash(r, "ok", "campaigns.moved")
	s.redirect(w, r, recordURL(store.Campaigns, id))
}

// flashValidation queues a validation error's first message for the next
// page, and says whether err was one.
func (s *Server) flashValidation(r *http.Request, err error) bool {
	v, ok := store.AsValidation(err)
	if !ok {
		return false
	}
	for _, name := range []string{"status", "segment_id", "channels", "callers", "visitors"} {
		if msg, ok := v.Fields[name]; ok {
			s.addFlash(r, "error", "campaigns.error_raw", msgText(state(r).locale, msg))
			return true
		}
	}
	for _, msg := range v.Fields {
		s.addFlash(r, "error", "campaigns.error_raw", msgText(state(r).locale, msg))
		break
	}
	return true
}

// apiCampaignRoutes are the campaign endpoints beside the generic module
// API, registered before /api/v1/{module}/{id}.
func (s *Server) apiCampaignRoutes(r *mux.Router) {
	r.HandleFunc(apiBase+"/campaigns/{id:[0-9]+}/launch", s.apiCampaignLaunch)
	r.HandleFunc(apiBase+"/campaigns/{id:[0-9]+}/distribute", s.apiCampaignDistribute)
}

// apiCampaignLaunch launches a campaign: {"members": …, "excluded": …}.
func (s *Server) apiCampaignLaunch(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		s.apiMethodNotAllowed(w, r, "POST")
		return
	}
	id, err := strconv.ParseInt(mux.Vars(r)["id"], 10, 64)
	if err != nil || id <= 0 {
		s.apiError(w, r, http.StatusNotFound, "api.not_found")
		return
	}
	l, err := s.store.LaunchCampaign(r.Context(), apiState(r).actor, id)
	if err != nil {
		s.apiStoreError(w, r, err)
		return
	}
	s.startSending(id) // as the page's launch does; calls and visits are /distribute's
	s.apiJSON(w, http.StatusOK, struct {
		ID       int64  `json:"id"`
		Status   string `json:"status"`
		Members  int    `json:"members"`
		Excluded int    `json:"excluded"`
	}{id, store.CampaignRunning, l.Members, l.Excluded})
}

// campaignSending fills the page's sending state.
func (s *Server) campaignSending(r *http.Request, d *campaignData, tallies []store.MemberTally) error {
	st := state(r)
	rec := d.Record
	mailProblem, err := s.store.MailProblem(r.Context(), st.actor, rec.ID)
	if err != nil {
		return err
	}
	smsProblem, err := s.store.SMSProblem(r.Context(), st.actor, rec.ID)
	if err != nil {
		return err
	}
	if mailProblem != "" {
		d.MailProblem = st.locale.T(mailProblem)
	}
	if smsProblem != "" {
		d.SMSProblem = st.locale.T(smsProblem)
	}
	d.Sending = s.sends.busy(rec.ID)
	d.SendError = rec.Values.Str("send_error")
	sendable := false
	for _, t := range tallies {
		if t.Status == store.MemberPending {
			sendable = sendable || t.Channel == store.CampaignEmail && mailProblem == "" || t.Channel == store.CampaignSMS && smsProblem == ""
		}
	}
	d.CanSend = d.Can.Edit && !d.Sending && sendable && rec.Values.Str("status") == store.CampaignRunning
	return nil
}

// campaignSend starts (or, after a stop, resumes) sending the campaign's
// e-mail: the recorded problem is cleared and the queue runs on.
func (s *Server) campaignSend(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	st := state(r)
	err := s.store.ResumeCampaignMail(r.Context(), st.actor, id)
	if s.flashValidation(r, err) {
		s.redirect(w, r, recordURL(store.Campaigns, id))
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	if s.startSending(id) {
		s.addFlash(r, "ok", "campaigns.send_started")
	}
	s.redirect(w, r, recordURL(store.Campaigns, id))
}
