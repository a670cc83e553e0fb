package snapshot

import (
	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/collector/category"
	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/ticket"
)

// categoryWindow is the window of the category breakdown: a month ranks the themes steadily, and
// one window keeps the metric at top_categories + 1 series per customer.
const categoryWindow = catalog.Window30d

// categories accumulates tickets created in categoryWindow per customer and category.
type categories struct {
	rules  *category.Rules
	top    int
	window int              // index in catalog.Windows
	counts []map[string]int // by customer index
}

// newCategories returns nil when no source categorizes its tickets: no breakdown, no series.
func newCategories(cfg *config.Config, customers int) *categories {
	r := category.New(cfg)
	if !r.Enabled() {
		return nil
	}
	c := &categories{rules: r, top: cfg.TopCategories, window: windowIndex(categoryWindow), counts: make([]map[string]int, customers)}
	if c.top < 1 {
		c.top = config.DefaultTopCategories
	}
	return c
}

// add counts t, created at the instant created (nanos), for customer ci.
func (c *categories) add(b *builder, ci int, t *ticket.Ticket, created int64) {
	if c == nil || c.window < 0 || !b.win.in(c.window, created) {
		return
	}
	if c.counts[ci] == nil {
		c.counts[ci] = map[string]int{}
	}
	c.counts[ci][c.rules.Of(t)]++
}

// finish ranks customer ci's categories into c's Categories.
func (c *categories) finish(ci int, cu *Customer) {
	if c == nil {
		return
	}
	cu.CategoryWindow = categoryWindow
	top := category.Top(c.counts[ci], c.top)
	cu.Categories = make([]CategoryCount, len(top))
	for i, k := range top {
		cu.Categories[i] = CategoryCount{Name: k.Name, Count: float64(k.Count)}
	}
}
