package server

import (
	"embed"
	"html/template"
	"math"
	"net/http"
	"strconv"
	"time"
)

//go:embed templates/*.html
var templateFS embed.FS

// pageTemplates are parsed once per handler; html/template escapes every ticket summary.
func pageTemplates() *template.Template {
	return template.Must(template.New("").Funcs(template.FuncMap{
		"age":      humanAge,
		"seconds":  func(f float64) string { return humanAge(time.Duration(f * float64(time.Second))) },
		"deref":    func(f *float64) float64 { return *f },
		"neg":      func(f float64) float64 { return -f },
		"datetime": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
		"round":    func(f float64) string { return formatFloat(f) },
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

// humanAge writes a duration the way an ops meeting reads it: 3d 4h, 2h 10m, 45m, -12m.
func humanAge(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	days := d / (24 * time.Hour)
	d -= days * 24 * time.Hour
	hours := d / time.Hour
	d -= hours * time.Hour
	mins := d / time.Minute
	switch {
	case days > 0:
		return sign + itoa(int(days)) + "d " + itoa(int(hours)) + "h"
	case hours > 0:
		return sign + itoa(int(hours)) + "h " + itoa(int(mins)) + "m"
	default:
		return sign + itoa(int(mins)) + "m"
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// formatFloat writes whole numbers without decimals and others with one.
func formatFloat(f float64) string {
	if f == math.Trunc(f) {
		return strconv.FormatFloat(f, 'f', 0, 64)
	}
	return strconv.FormatFloat(f, 'f', 1, 64)
}
