package server

import (
	"embed"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/custops/custops/internal/human"
)

//go:embed templates/*.html
var templateFS embed.FS

// pageTemplates are parsed once per handler; html/template escapes every ticket summary.
// reports says whether the weekly reports are served, so no page links to one that is not.
func pageTemplates(reports bool) *template.Template {
	return template.Must(template.New("").Funcs(template.FuncMap{
		"reports":  func() bool { return reports },
		"age":      human.Duration,
		"seconds":  func(f float64) string { return human.Duration(time.Duration(f * float64(time.Second))) },
		"deref":    func(f *float64) float64 { return *f },
		"neg":      func(f float64) float64 { return -f },
		"datetime": pageTime,
		"round":    human.Number,
		// The shared vocabulary: people read First response, P1 and Gold, never the label values.
		"sla":      human.SLA,
		"priority": human.Priority,
		"tier":     human.Tier,
		"state":    human.State,
		"clock":    human.ClockState,
	}).ParseFS(templateFS, "templates/*.html"))
}

func (a *api) customersPage(w http.ResponseWriter, r *http.Request) {
	owner, err := ownerParam(r.URL.Query())
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	a.render(w, "customers.html", a.customerList(owner))
}

// reportsPage lists every customer's weekly report, by name.
func (a *api) reportsPage(w http.ResponseWriter, _ *http.Request) {
	list := a.customerList("")
	slices.SortStableFunc(list.Customers, func(x, y CustomerView) int { return strings.Compare(x.Name, y.Name) })
	a.render(w, "reports.html", list)
}

func (a *api) ticketsPage(w http.ResponseWriter, r *http.Request) {
	list, ok := a.customerTickets(w, r)
	if !ok {
		return
	}
	a.render(w, "tickets.html", list)
}

func (a *api) render(w http.ResponseWriter, name string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := a.pages.ExecuteTemplate(w, name, data); err != nil {
		http.Error(w, "rendering "+name+": "+err.Error(), http.StatusInternalServerError)
	}
}
