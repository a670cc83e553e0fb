package zendeskfake

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestSchedulesEndpoints(t *testing.T) {
	f := New(Options{})
	srv := httptest.NewServer(f)
	defer srv.Close()
	cases := []struct {
		name   string
		set    []Schedule
		path   string
		status int
		want   string
	}{
		{name: "none by default: an empty list", path: "/api/v2/business_hours/schedules.json", status: http.StatusOK,
			want: `{"schedules":[]}`},
		{
			name: "list in the reference's shape, holidays left out",
			set: []Schedule{{ID: 1, Name: "East", TimeZone: "Eastern Time (US & Canada)", Intervals: []Interval{{StartTime: 1980, EndTime: 2460}},
				CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), UpdatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
				Holidays: []Holiday{{ID: 7, Name: "New Year", StartDate: "2026-12-31", EndDate: "2027-01-01"}}}},
			path: "/api/v2/business_hours/schedules.json", status: http.StatusOK,
			want: `{"schedules":[{"id":1,"name":"East","time_zone":"Eastern Time (US \u0026 Canada)","intervals":[{"start_time":1980,"end_time":2460}],` +
				`"created_at":"2026-01-02T03:04:05Z","updated_at":"2026-01-02T03:04:05Z"}]}`,
		},
		{name: "holidays of a schedule", path: "/api/v2/business_hours/schedules/1/holidays.json", status: http.StatusOK,
			want: `{"holidays":[{"id":7,"name":"New Year","start_date":"2026-12-31","end_date":"2027-01-01"}]}`},
		{name: "schedule without holidays: an empty list", set: []Schedule{{ID: 2, Name: "West", TimeZone: "UTC"}},
			path: "/api/v2/business_hours/schedules/2/holidays", status: http.StatusOK, want: `{"holidays":[]}`},
		{name: "intervals never null", path: "/api/v2/business_hours/schedules", status: http.StatusOK,
			want: `{"schedules":[{"id":2,"name":"West","time_zone":"UTC","intervals":[],"created_at":"0001-01-01T00:00:00Z","updated_at":"0001-01-01T00:00:00Z"}]}`},
		{name: "unknown schedule", path: "/api/v2/business_hours/schedules/9/holidays.json", status: http.StatusNotFound,
			want: `{"description":"Not found","error":"RecordNotFound"}`},
		{name: "not a holidays path", path: "/api/v2/business_hours/schedules/2/intervals.json", status: http.StatusNotFound,
			want: `{"description":"Not found","error":"RecordNotFound"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.set != nil {
				f.SetSchedules(tc.set...)
			}
			resp, body := get(t, srv, tc.path, "")
			if resp.StatusCode != tc.status || compact(t, body) != tc.want {
				t.Errorf("GET %s: got %d %s\nwant %d %s", tc.path, resp.StatusCode, body, tc.status, tc.want)
			}
		})
	}
}
