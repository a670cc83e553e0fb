package zendeskfake

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// SurveyResponse is a response to a ticket's CSAT survey (the CSAT that replaces the legacy
// satisfaction ratings). Reference:
// https://developer.zendesk.com/api-reference/ticketing/ticket-management/csat_survey_responses/
// (JSON format: answers, expires_at, id, responder_id, subject_zrns, subjects, survey); the
// rating_scale answer's rating and rating_category ("good | bad | neutral") as singer
// tap-zendesk reads them (tap_zendesk/schemas/csat_survey_responses.json).
type SurveyResponse struct {
	ID          string          `json:"id"`
	ExpiresAt   time.Time       `json:"expires_at"`
	ResponderID int64           `json:"responder_id"`
	SubjectZRNs []string        `json:"subject_zrns"`
	Subjects    []SurveySubject `json:"subjects"`
	Survey      SurveyRef       `json:"survey"`
	Answers     []SurveyAnswer  `json:"answers"`
}

// SurveySubject names what a response is about: {"id": "99", "type": "ticket", "zrn": "zen:ticket:99"}.
type SurveySubject struct {
	ID   string `json:"id"`
	Type string `json:"type"`
	ZRN  string `json:"zrn"`
}

// SurveyRef is the survey a response answers.
type SurveyRef struct {
	ID      string `json:"id"`
	Version int    `json:"version"`
	State   string `json:"state"`
}

// SurveyAnswer is one answer: type rating_scale (rating, rating_category), open_ended, or
// skipped.
type SurveyAnswer struct {
	Type           string         `json:"type"`
	Question       SurveyQuestion `json:"question"`
	Rating         *int           `json:"rating,omitempty"`
	RatingCategory string         `json:"rating_category,omitempty"`
	Value          string         `json:"value,omitempty"`
	CreatedAt      time.Time      `json:"created_at"`
	UpdatedAt      time.Time      `json:"updated_at"`
}

// SurveyQuestion is the question an answer answers; the CSAT one is a rating_scale question
// with sub_type customer_satisfaction.
type SurveyQuestion struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	SubType string `json:"sub_type,omitempty"`
	Alias   string `json:"alias,omitempty"`
}

// TicketSurveyResponse is a CSAT response to ticket id: a rating of rating on the scale, with its
// category (good, bad or neutral), answered at at.
func TicketSurveyResponse(id string, ticketID int64, rating int, category string, at time.Time) SurveyResponse {
	t := strconv.FormatInt(ticketID, 10)
	return SurveyResponse{
		ID: id, ExpiresAt: at.Add(28 * 24 * time.Hour), ResponderID: RequesterID,
		SubjectZRNs: []string{"zen:ticket:" + t},
		Subjects:    []SurveySubject{{ID: t, Type: "ticket", ZRN: "zen:ticket:" + t}},
		Survey:      SurveyRef{ID: "01CSATSURVEY", Version: 1, State: "enabled"},
		Answers: []SurveyAnswer{{
			Type: "rating_scale", Question: SurveyQuestion{ID: "01CSATQ", Type: "rating_scale", SubType: "customer_satisfaction"},
			Rating: &rating, RatingCategory: category, CreatedAt: at, UpdatedAt: at,
		}},
	}
}

// PutSurveyResponses adds or replaces CSAT survey responses (by id).
func (s *Server) PutSurveyResponses(rs ...SurveyResponse) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range rs {
		if i := slices.IndexFunc(s.surveys, func(x SurveyResponse) bool { return x.ID == r.ID }); i >= 0 {
			s.surveys[i] = r
			continue
		}
		s.surveys = append(s.surveys, r)
	}
}

// surveyResponses serves GET /api/v2/guide/survey_responses: filter[subject_zrns] (a
// comma-separated list), filter[created_at_start] and filter[created_at_end] (Unix epoch
// seconds), cursor pagination with page[size] (at most 100) and page[after]. Reference: "List
// Survey Responses" in the page cited on SurveyResponse; the pagination shape is
// https://developer.zendesk.com/api-reference/introduction/pagination/. A response is as old as
// its first answer.
func (s *Server) surveyResponses(w http.ResponseWriter, r *http.Request, q url.Values) {
	var zrns []string
	if v := q.Get("filter[subject_zrns]"); v != "" {
		zrns = strings.Split(v, ",")
	}
	bound := func(name string) (int64, bool) {
		v := q.Get(name)
		if v == "" {
			return 0, true
		}
		n, err := strconv.ParseInt(v, 10, 64)
		return n, err == nil
	}
	from, ok1 := bound("filter[created_at_start]")
	to, ok2 := bound("filter[created_at_end]")
	if !ok1 || !ok2 {
		badRequest(w, "filter[created_at_start] and filter[created_at_end] are Unix epoch times")
		return
	}
	var all []SurveyResponse
	for _, sr := range s.surveys {
		at := responseTime(sr)
		if (zrns != nil && !slices.ContainsFunc(sr.SubjectZRNs, func(z string) bool { return slices.Contains(zrns, z) })) ||
			at.Unix() < from || (to > 0 && at.Unix() > to) {
			continue
		}
		all = append(all, sr)
	}
	slices.SortStableFunc(all, func(a, b SurveyResponse) int { return responseTime(a).Compare(responseTime(b)) })
	if all == nil {
		all = []SurveyResponse{}
	}
	page, meta, links, ok := cursorPage(w, r, q, all)
	if !ok {
		return
	}
	if meta == nil {
		page, meta, links = all[:min(len(all), 100)], map[string]any{"has_more": len(all) > 100}, map[string]any{"next": nil}
	}
	writeJSON(w, http.StatusOK, map[string]any{"survey_responses": page, "meta": meta, "links": links})
}

func responseTime(sr SurveyResponse) time.Time {
	if len(sr.Answers) == 0 {
		return time.Time{}
	}
	return sr.Answers[0].CreatedAt
}
