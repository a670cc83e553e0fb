package config

import (
	"slices"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/custops/custops/collector/catalog"
)

func TestDuration(t *testing.T) {
	cases := []struct {
		in      string
		want    time.Duration
		out     string
		wantErr bool
	}{
		{"90s", 90 * time.Second, "1m30s", false},
		{"15m", 15 * time.Minute, "15m", false},
		{"4h", 4 * time.Hour, "4h", false},
		{"2d", 48 * time.Hour, "2d", false},
		{"1w", 7 * 24 * time.Hour, "1w", false},
		{"1h30m", 90 * time.Minute, "1h30m", false},
		{"1.5h", 0, "", true},
		{"-5m", 0, "", true},
		{"soon", 0, "", true},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			var d Duration
			err := yaml.Unmarshal([]byte(tc.in), &d)
			if (err != nil) != tc.wantErr {
				t.Fatalf("unmarshal %q: error %v, want error %v", tc.in, err, tc.wantErr)
			}
			if tc.wantErr {
				return
			}
			if time.Duration(d) != tc.want || d.String() != tc.out {
				t.Errorf("%q = %v (%s), want %v (%s)", tc.in, time.Duration(d), d, tc.want, tc.out)
			}
			b, _ := yaml.Marshal(d)
			if string(b) != tc.out+"\n" {
				t.Errorf("marshal = %q, want %q", b, tc.out+"\n")
			}
		})
	}
}

func TestThreshold(t *testing.T) {
	cases := []struct {
		in      string
		want    Threshold
		wantErr bool
	}{
		{"25%", Threshold{Fraction: 0.25}, false},
		{"12.5%", Threshold{Fraction: 0.125}, false},
		{"30m", Threshold{Duration: 30 * time.Minute}, false},
		{"1d", Threshold{Duration: 24 * time.Hour}, false},
		{"quarter%", Threshold{}, true},
		{"0.25", Threshold{}, true},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			var th Threshold
			err := yaml.Unmarshal([]byte(tc.in), &th)
			if (err != nil) != tc.wantErr {
				t.Fatalf("unmarshal %q: error %v, want error %v", tc.in, err, tc.wantErr)
			}
			if th != tc.want {
				t.Errorf("%q = %+v, want %+v", tc.in, th, tc.want)
			}
			if !tc.wantErr {
				if back, _ := ParseThreshold(th.String()); back != th {
					t.Errorf("String() %q does not parse back to %+v", th.String(), th)
				}
			}
		})
	}
}

func TestMatchRule(t *testing.T) {
	cases := []struct {
		in      string
		want    MatchRule
		wantErr string
	}{
		{"organization", MatchRule{Kind: MatchOrganization}, ""},
		{"project", MatchRule{Kind: MatchProject}, ""},
		{"label", MatchRule{Kind: MatchLabel}, ""},
		{"reporter_domain", MatchRule{Kind: MatchReporterDomain}, ""},
		{"{field: customfield_10050}", MatchRule{Kind: MatchField, Field: "customfield_10050"}, ""},
		{"{label_prefix: customer-}", MatchRule{Kind: MatchLabelPrefix, Prefix: "customer-"}, ""},
		{"{field: a, label_prefix: b}", MatchRule{}, "a rule mapping has exactly one key, like {field: customfield_10050}"},
		{"{field: ''}", MatchRule{}, "rule field needs a non-empty value"},
		{"label_prefix", MatchRule{}, "rule label_prefix needs the prefix: {label_prefix: customer-}"},
		{"[organization]", MatchRule{}, "expected a rule (" + knownRuleKinds + "), got a list"},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			var r MatchRule
			err := yaml.Unmarshal([]byte(tc.in), &r)
			if got := errString(err); (tc.wantErr == "" && err != nil) || (tc.wantErr != "" && got != tc.wantErr) {
				t.Fatalf("unmarshal %q: error %s, want %q", tc.in, got, tc.wantErr)
			}
			if r != tc.want {
				t.Errorf("%q = %+v, want %+v", tc.in, r, tc.want)
			}
			if tc.wantErr == "" {
				b, _ := yaml.Marshal(r)
				var back MatchRule
				if err := yaml.Unmarshal(b, &back); err != nil || back != r {
					t.Errorf("round trip through %q = %+v, %v", b, back, err)
				}
			}
		})
	}
}

func TestWeekHours(t *testing.T) {
	cases := []struct {
		name    string
		hours   map[string]string
		want    map[time.Weekday][]Span
		wantErr string
	}{
		{"mon-fri", map[string]string{"mon-fri": "09:00-18:00"}, map[time.Weekday][]Span{
			time.Monday: {{9 * time.Hour, 18 * time.Hour}}, time.Friday: {{9 * time.Hour, 18 * time.Hour}},
		}, ""},
		{"split day and saturday", map[string]string{"mon,wed": "08:00-12:00,13:00-17:00", "sat": "10:00-24:00"}, map[time.Weekday][]Span{
			time.Wednesday: {{8 * time.Hour, 12 * time.Hour}, {13 * time.Hour, 17 * time.Hour}},
			time.Saturday:  {{10 * time.Hour, 24 * time.Hour}},
		}, ""},
		{"daily", map[string]string{"daily": "00:00-24:00"}, map[time.Weekday][]Span{time.Sunday: {{0, 24 * time.Hour}}}, ""},
		{"overlapping days", map[string]string{"mon-fri": "09:00-17:00", "fri": "09:00-12:00"}, nil, "fri is listed in more than one hours key"},
		{"overlapping spans", map[string]string{"mon": "09:00-12:00,11:00-13:00"}, nil, `invalid hours "09:00-12:00,11:00-13:00": spans overlap`},
		{"backwards days", map[string]string{"fri-mon": "09:00-17:00"}, nil, `invalid days "fri-mon": fri comes after mon (weeks start on mon)`},
		{"bad minute", map[string]string{"mon": "09:60-17:00"}, nil, `invalid hours "09:60-17:00" (want HH:MM-HH:MM, e.g. 09:00-18:00)`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			week, err := Calendar{Hours: tc.hours}.WeekHours()
			if got := errString(err); (tc.wantErr == "" && err != nil) || (tc.wantErr != "" && got != tc.wantErr) {
				t.Fatalf("WeekHours() error %s, want %q", got, tc.wantErr)
			}
			for day, want := range tc.want {
				if !slices.Equal(week[day], want) {
					t.Errorf("%s = %v, want %v", day, week[day], want)
				}
			}
		})
	}
	week, _ := Calendar{Hours: map[string]string{"mon-fri": "09:00-18:00"}}.WeekHours()
	if week[time.Saturday] != nil || week[time.Sunday] != nil {
		t.Errorf("weekend has hours: %v %v", week[time.Saturday], week[time.Sunday])
	}
}

func TestCalendarHolidays(t *testing.T) {
	cal := Calendar{Timezone: "Europe/Vilnius", Holidays: []string{"2026-12-24"}}
	loc, err := cal.Location()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		at   time.Time
		want bool
	}{
		{time.Date(2026, 12, 24, 0, 30, 0, 0, loc), true},
		{time.Date(2026, 12, 23, 23, 30, 0, 0, time.UTC).In(loc), true}, // 01:30 on the 24th in Vilnius
		{time.Date(2026, 12, 25, 9, 0, 0, 0, loc), false},
	}
	for _, tc := range cases {
		if got := cal.IsHoliday(tc.at); got != tc.want {
			t.Errorf("IsHoliday(%v) = %v, want %v", tc.at, got, tc.want)
		}
	}
}

// TestDefaultRiskWeights keeps one default weight per risk factor, summing to 100.
func TestDefaultRiskWeights(t *testing.T) {
	keys := make([]string, 0, len(DefaultRiskWeights))
	total := 0.0
	for k, w := range DefaultRiskWeights {
		keys = append(keys, k)
		total += w
	}
	slices.Sort(keys)
	sorted := slices.Sorted(slices.Values(catalog.Factors))
	if !slices.Equal(keys, sorted) || total != 100 {
		t.Errorf("DefaultRiskWeights %v: want one weight per factor %v, summing to 100 (got %v)", DefaultRiskWeights, catalog.Factors, total)
	}
}
