package report

import "github.com/custops/custops/collector/poller"

// The exporter mounts Handler over its running poller: it must stay a Source.
var _ Source = (*poller.Poller)(nil)
