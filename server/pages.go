package server

import (
	"embed"
	"html/template"
	"net/http"
	"time"

	"github.com/custops/custops/internal/human"
)

//go:embed templates/*.html
var templateFS embed.FS

// pageTemplates are parsed once per handler; html/template escapes every ticket summary.
func pageTemplates() *template.Template {
	return template.Must(template.New("").Funcs(template.FuncMap{
		"age":      human.Duration,
		"seconds":  func(f float64) string { return human.Duration(time.Duration(f * float64(time.Second))) },
		"deref":    func(f *float64) float64 { return *f },
		"neg":      func(f float64) float64 { return -f },
		"datetime": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
		"round":    human.Number,
	}).ParseFS(templateFS, "templates/*.html"))
}

func (a *api) customersPage(w http.ResponseWriter, _ *http.Request) {
	v := a.view()
	data := map[string]any{"Customers": customerViews(v), "At": time.Time{}}
	if v != nil {
		data["At"] = v.At()
	}
	render(w, "customers.html", data)
}

func (a *api) ticketsPage(w http.ResponseWriter, r *http.Request) {
	list, ok := a.customerTickets(w, r)
	if !ok {
		return
	}
	render(w, "tickets.html", list)
}

func render(w http.ResponseWriter, name string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := pageTemplates().ExecuteTemplate(w, name, data); err != nil {
		http.Error(w, "rendering "+name+": "+err.Error(), http.StatusInternalServerError)
	}
}
