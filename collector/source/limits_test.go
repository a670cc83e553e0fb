package source_test

import (
	"strings"
	"testing"

	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/source/sourcetest"
	"github.com/custops/custops/collector/ticket"
)

// TestLimitedClipsWhatEntersTheStore: a batch written through Limited stores its tickets cut to
// the ticket limits and flagged; the caller's batch is not modified.
func TestLimitedClipsWhatEntersTheStore(t *testing.T) {
	mem := sourcetest.NewMemStore()
	small := &ticket.Ticket{Source: "jsm", Key: "SUP-1", Summary: "fine"}
	big := &ticket.Ticket{Source: "jsm", Key: "SUP-2", Summary: strings.Repeat("x", 30<<20)}
	upserts := []*ticket.Ticket{small, big}
	if err := source.Limited(mem).Apply(source.Batch{Upserts: upserts, Cursor: []byte("c")}); err != nil {
		t.Fatal(err)
	}
	if upserts[1] != big || len(big.Summary) != 30<<20 {
		t.Error("the caller's batch was modified")
	}
	got, _ := mem.Get("SUP-2")
	if len(got.Summary) != ticket.MaxSummaryBytes || len(got.Quality) != 1 || got.Quality[0] != ticket.QualityTruncatedField {
		t.Errorf("stored: summary of %d bytes, quality %v; want %d bytes, [truncated_field]", len(got.Summary), got.Quality, ticket.MaxSummaryBytes)
	}
	if got, _ := mem.Get("SUP-1"); got != small {
		t.Errorf("a ticket within the limits was replaced")
	}
	if string(mem.Cursor()) != "c" {
		t.Errorf("cursor %q, want c", mem.Cursor())
	}
}
