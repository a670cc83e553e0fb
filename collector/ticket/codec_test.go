package ticket

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestGeneratedCodecUpToDate runs this package's go:generate line into a temporary file and
// compares it with ticket_gen.go: a type changed in ticket.go without regenerating would store
// tickets without the new field. The generator is the module's pinned tool (go.mod's tool line).
func TestGeneratedCodecUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the msgp generator")
	}
	args := generateArgs(t)
	out := filepath.Join(t.TempDir(), "ticket_gen.go")
	for i, a := range args {
		if a == "-o" {
			args[i+1] = out
		}
	}
	cmd := exec.Command("go", args...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, b)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("ticket_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("ticket_gen.go is not what the generator writes from ticket.go: run `go generate ./collector/ticket` and commit the result")
	}
}

// generateArgs reads ticket.go's go:generate line and splits it as go generate does (double
// quotes group words), without the leading "go".
func generateArgs(t *testing.T) []string {
	t.Helper()
	f, err := os.Open("ticket.go")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "//go:generate go ")
		if !ok {
			continue
		}
		var args []string
		for i, part := range strings.Split(line, `"`) {
			if i%2 == 1 {
				args = append(args, part)
			} else {
				args = append(args, strings.Fields(part)...)
			}
		}
		return args
	}
	t.Fatal("ticket.go has no go:generate line")
	return nil
}

// TestCodecKeepsInstantsInUTC: the codec stores an instant, whatever its zone, and reads it back
// in UTC at full precision, so a ticket reads the same from memory and from the file; the zero
// time stays the zero time.
func TestCodecKeepsInstantsInUTC(t *testing.T) {
	vilnius, err := time.LoadLocation("Europe/Vilnius")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 29, 3, 30, 0, 123456789, vilnius)
	in := Cycle{Start: at, Stop: at.Add(time.Hour), Goal: 8 * time.Hour}
	b, err := in.MarshalMsg(nil)
	if err != nil {
		t.Fatal(err)
	}
	var out Cycle
	if rest, err := out.UnmarshalMsg(b); err != nil || len(rest) != 0 {
		t.Fatalf("UnmarshalMsg: %v, %d bytes left", err, len(rest))
	}
	want := Cycle{Start: at.UTC(), Stop: at.Add(time.Hour).UTC(), Goal: 8 * time.Hour}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("got %+v, want %+v", out, want)
	}
	if out.Start.Location() != time.UTC || !out.BreachAt.IsZero() {
		t.Errorf("start in %v, breach %v: want UTC and the zero time", out.Start.Location(), out.BreachAt)
	}
}

// TestCodecRefusesHugeHeaders: a record whose array header claims more entries than the limit is
// an error, not an allocation of that size.
func TestCodecRefusesHugeHeaders(t *testing.T) {
	// {"cycles": [ 2^32-1 entries... ]} as a Clock.
	b := []byte{0x81, 0xa6, 'c', 'y', 'c', 'l', 'e', 's', 0xdd, 0xff, 0xff, 0xff, 0xff}
	var c Clock
	if _, err := c.UnmarshalMsg(b); err == nil {
		t.Fatal("a header of 4 billion cycles decoded")
	}
}
