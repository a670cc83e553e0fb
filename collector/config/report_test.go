package config

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestLoadInvalidReport proves each mistake in the report keys (top_categories,
// stale_after_polls, report.*, a customer's timezone and date_format, a source's category_from
// and category_names) is reported once with its file, line, field and message.
func TestLoadInvalidReport(t *testing.T) {
	cases := []struct{ file, want string }{
		{"top-categories", `:1: top_categories: must be between 1 and 10 (each adds a series per customer), got 50`},
		{"stale-after", `:1: stale_after_polls: must be at least 1 (poll intervals), got 0`},
		{"timezone", `:30: report.timezone: unknown time zone "Europe/Vilnus" (want an IANA name like Europe/Vilnius)`},
		{"date-format", `:29: report.date_format: unknown date format "%d/%m/%Y" (known: YYYY-MM-DD, DD.MM.YYYY, DD/MM/YYYY, MM/DD/YYYY)`},
		{"logo-missing", `:29: report.logo_file: cannot read the logo: stat testdata/missing-logo.png: no such file or directory`},
		{"logo-type", `:29: report.logo_file: "logo.gif" is not a PNG, JPEG or SVG file (by its extension)`},
		{"customer-timezone", `:14: customers[1].timezone: unknown time zone "EST5EDTX" (want an IANA name like Europe/Vilnius)`},
		{"customer-date-format", `:11: customers[0].date_format: unknown date format "DD-MM-YY" (known: YYYY-MM-DD, DD.MM.YYYY, DD/MM/YYYY, MM/DD/YYYY)`},
		{"category-form-jira", `:8: sources[0].category_from[0]: rule ticket_form applies to zendesk sources only (Jira: request_type or a {field: <id>})`},
		{"category-rule", `:8: sources[0].category_from[1]: unknown category rule "tag" (known: request_type, ticket_form, {field: <id>}, {label_prefix: <prefix>})`},
		{"category-twice", `:8: sources[0].category_from[1]: rule request_type listed twice`},
		{"category-names", `:8: sources[0].category_names: has no effect without category_from`},
	}
	files, err := filepath.Glob("testdata/report-invalid-*.yml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(cases) {
		t.Errorf("%d testdata/report-invalid-*.yml files but %d cases: every file needs its expected error", len(files), len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			path := "testdata/report-invalid-" + tc.file + ".yml"
			_, err := Load(path)
			if err == nil {
				t.Fatalf("Load(%s) succeeded, want %q", path, tc.want)
			}
			if got, want := err.Error(), path+tc.want; got != want {
				t.Errorf("got  %s\nwant %s", got, want)
			}
		})
	}
}

// TestReportSettings loads every report key and reads them back through Zone, DateLayout and the
// category helpers; a file without them gets the defaults.
func TestReportSettings(t *testing.T) {
	cfg, err := Load("testdata/report-valid.yml")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.TopCategories != 3 || cfg.StaleAfterPolls != 5 || cfg.Report.Title != "Acme support review" {
		t.Errorf("got top_categories %d, stale_after_polls %d, title %q", cfg.TopCategories, cfg.StaleAfterPolls, cfg.Report.Title)
	}
	if want, _ := filepath.Abs("testdata/logo.svg"); !strings.HasSuffix(cfg.Report.LogoFile, "testdata/logo.svg") || !filepath.IsAbs(want) {
		t.Errorf("logo_file %q is not anchored at the config file's directory", cfg.Report.LogoFile)
	}
	for _, tc := range []struct {
		customer, zone, layout string
	}{
		{"northwind", "Europe/Vilnius", "02.01.2006"}, // report defaults
		{"contoso", "America/New_York", "01/02/2006"}, // its own
		{"nobody", "Europe/Vilnius", "02.01.2006"},    // unknown: the report's
	} {
		if got := cfg.Zone(tc.customer).String(); got != tc.zone {
			t.Errorf("Zone(%s) = %s, want %s", tc.customer, got, tc.zone)
		}
		if got := cfg.DateLayout(tc.customer); got != tc.layout {
			t.Errorf("DateLayout(%s) = %s, want %s", tc.customer, got, tc.layout)
		}
	}
	src := cfg.Sources[0]
	if got, want := src.CategoryFields(), []string{"customfield_10060"}; !reflect.DeepEqual(got, want) {
		t.Errorf("CategoryFields = %v, want %v", got, want)
	}
	if !src.HasCategoryRule(CategoryRequestType) || src.HasCategoryRule(CategoryTicketForm) {
		t.Errorf("HasCategoryRule: got request_type %v, ticket_form %v", src.HasCategoryRule(CategoryRequestType), src.HasCategoryRule(CategoryTicketForm))
	}
	if src.CategoryNames["billing"] != "Billing" {
		t.Errorf("category_names: %v", src.CategoryNames)
	}

	def, err := Load("testdata/valid-minimal.yml")
	if err != nil {
		t.Fatal(err)
	}
	if def.TopCategories != DefaultTopCategories || def.StaleAfterPolls != DefaultStaleAfterPolls || def.Report != DefaultReport {
		t.Errorf("defaults: got %d, %d, %+v", def.TopCategories, def.StaleAfterPolls, def.Report)
	}
	if def.Zone("northwind") != time.UTC || def.DateLayout("northwind") != time.DateOnly {
		t.Errorf("default zone %v, layout %s; want UTC and ISO", def.Zone("northwind"), def.DateLayout("northwind"))
	}
}
