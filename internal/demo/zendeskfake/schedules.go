package zendeskfake

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Schedule is a business hours schedule as the Schedules API returns it. Holidays are not part
// of the schedule's JSON: the holidays endpoint serves them. Reference:
// https://developer.zendesk.com/api-reference/ticketing/ticket-management/schedules/ (JSON format)
type Schedule struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	TimeZone  string     `json:"time_zone"` // a Rails zone name: "Pacific Time (US & Canada)"
	Intervals []Interval `json:"intervals"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
	Holidays  []Holiday  `json:"-"`
}

// Interval is a span of business hours in minutes since Sunday 00:00 in the schedule's zone;
// the reference says an interval cannot span calendar days.
type Interval struct {
	StartTime int `json:"start_time"`
	EndTime   int `json:"end_time"`
}

// Holiday closes a schedule from StartDate to EndDate inclusive (YYYY-MM-DD).
type Holiday struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	StartDate string `json:"start_date"`
	EndDate   string `json:"end_date"`
}

// SetSchedules replaces the account's schedules, the first being the default; none (the start
// state) makes the list endpoint return an empty list.
func (s *Server) SetSchedules(scheds ...Schedule) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.schedules = slices.Clone(scheds)
}

// listSchedules serves GET /api/v2/business_hours/schedules.
func (s *Server) listSchedules(w http.ResponseWriter) {
	out := make([]Schedule, len(s.schedules))
	for i, sc := range s.schedules {
		if sc.Intervals == nil {
			sc.Intervals = []Interval{}
		}
		out[i] = sc
	}
	writeJSON(w, http.StatusOK, map[string]any{"schedules": out})
}

// scheduleHolidays serves GET /api/v2/business_hours/schedules/{id}/holidays; rest is the path after
// the schedules prefix.
func (s *Server) scheduleHolidays(w http.ResponseWriter, rest string) {
	id, ok := strings.CutSuffix(rest, "/holidays")
	n, err := strconv.ParseInt(id, 10, 64)
	i := slices.IndexFunc(s.schedules, func(sc Schedule) bool { return sc.ID == n })
	if !ok || err != nil || i < 0 {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "RecordNotFound", "description": "Not found"})
		return
	}
	hols := s.schedules[i].Holidays
	if hols == nil {
		hols = []Holiday{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"holidays": hols})
}
