package store

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/custops/custops/collector/ticket"
)

// fill sets every leaf of v to a distinct non-zero value (two elements in slices and maps), so a
// field the store drops cannot survive a round trip. It knows kinds, not fields: a field added to
// the model is filled without a change here (a new kind panics with a message saying so).
func fill(v reflect.Value, n *int) {
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("s%d", *n))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if v.Type() == reflect.TypeFor[time.Duration]() {
			v.SetInt(int64(*n) * int64(time.Minute))
		} else {
			v.SetInt(int64(*n))
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(*n))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(*n) + 0.5)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(base.Add(time.Duration(*n)*time.Hour + time.Duration(*n)*time.Nanosecond)))
			return
		}
		for i := 0; i < v.NumField(); i++ {
			fill(v.Field(i), n)
		}
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := 0; i < 2; i++ {
			fill(s.Index(i), n)
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for i := 0; i < 2; i++ {
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			fill(k, n)
			fill(e, n)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(p.Elem(), n)
		v.Set(p)
	default:
		panic("fill: unhandled kind " + v.Kind().String() + ": extend fill")
	}
}

// filled returns a ticket of src with every field set.
func filled(src string) *ticket.Ticket {
	var in ticket.Ticket
	n := 0
	fill(reflect.ValueOf(&in).Elem(), &n)
	in.Source, in.Key = src, "FULL-1"
	return &in
}

// TestEveryFieldSurvivesApplyAndReopen: a ticket with every field of the model set (by reflection,
// nested structs, slices, maps and times included) reads back exactly from memory after Apply and
// from the file after a reopen. A field added to ticket.Ticket is covered without a change here.
func TestEveryFieldSurvivesApplyAndReopen(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, dir)
	in := filled("jsm")
	want := filled("jsm")
	mustApply(t, s, "jsm", batchArgs{upserts: []*ticket.Ticket{in}, cursor: "c"})
	for _, when := range []string{"after Apply", "after reopen"} {
		if when == "after reopen" {
			if err := s.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			s = mustOpen(t, dir)
			defer s.Close()
		}
		got, ok := s.Get("jsm", want.Key)
		if !ok {
			t.Fatalf("%s: ticket missing", when)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: round trip lost something:\ngot  %+v\nwant %+v", when, got, want)
		}
	}
}

// TestTimesAreStoredInUTC: every time of a ticket (including nested ones) reads back as the same
// instant in UTC, at full precision, before and after a reopen, the years JSON could not carry
// included.
func TestTimesAreStoredInUTC(t *testing.T) {
	cases := []struct {
		name string
		in   time.Time
	}{
		{"zero", time.Time{}},
		{"Unix epoch", time.Unix(0, 0)},
		{"seconds", time.Date(2026, 3, 1, 12, 0, 5, 0, time.UTC)},
		{"milliseconds", time.Date(2026, 3, 1, 12, 0, 5, 250_000_000, time.UTC)},
		{"nanoseconds", time.Date(2026, 3, 1, 12, 0, 5, 250_000_001, time.UTC)},
		{"before 1970", time.Date(1969, 12, 31, 23, 59, 59, 999_000_000, time.UTC)},
		{"year 1", time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC)},
		{"year 9999", time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, time.UTC)},
		{"year 10000", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"year 0", time.Date(0, 6, 1, 0, 0, 0, 0, time.UTC)},
		{"fixed zone", time.Date(2026, 3, 1, 12, 0, 5, 0, time.FixedZone("+0530", 5*3600+1800))},
		{"local with a monotonic reading", time.Now()},
	}
	dir := t.TempDir()
	s := mustOpen(t, dir)
	want := map[string]time.Time{}
	for i, c := range cases {
		in := realistic("jsm", i, 0)
		in.Created, in.Clocks[1].Cycles[0].Stop, in.Transitions[3].At = c.in, c.in, c.in
		mustApply(t, s, "jsm", batchArgs{upserts: []*ticket.Ticket{in}})
		w := c.in.UTC()
		if c.in.IsZero() {
			w = time.Time{}
		}
		want[in.Key] = w
	}
	for _, when := range []string{"after Apply", "after reopen"} {
		if when == "after reopen" {
			if err := s.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			s = mustOpen(t, dir)
			defer s.Close()
		}
		for i, c := range cases {
			got, _ := s.Get("jsm", realistic("jsm", i, 0).Key)
			w := want[got.Key]
			for _, g := range []time.Time{got.Created, got.Clocks[1].Cycles[0].Stop, got.Transitions[3].At} {
				if !reflect.DeepEqual(g, w) {
					t.Errorf("%s: %s: got %v, want %v (UTC)", when, c.name, g, w)
				}
			}
		}
	}

}

func TestSeal(t *testing.T) {
	key, value := []byte("SUP-1"), []byte(`{"key":"SUP-1"}`)
	sealed := seal(key, value)
	if got, err := unseal(key, sealed); err != nil || string(got) != string(value) {
		t.Fatalf("unseal(seal) = %q, %v; want %q", got, err, value)
	}
	for i := range sealed {
		flipped := append([]byte{}, sealed...)
		flipped[i] ^= 0x10
		if _, err := unseal(key, flipped); !errors.Is(err, errRecord) {
			t.Errorf("byte %d flipped: error %v, want %v", i, err, errRecord)
		}
	}
	if _, err := unseal([]byte("SUP-2"), sealed); !errors.Is(err, errRecord) {
		t.Errorf("value under another key: error %v, want %v", err, errRecord)
	}
	for n := range 4 {
		if _, err := unseal(key, sealed[:n]); !errors.Is(err, errRecord) {
			t.Errorf("%d bytes: error %v, want %v", n, err, errRecord)
		}
	}
}

// FuzzDecodeRecord: no input panics the decoder, and whatever it accepts is stored and read back
// unchanged.
func FuzzDecodeRecord(f *testing.F) {
	for _, tk := range []*ticket.Ticket{realistic("jsm", 1, 0), realistic("jsm", 4, 3), filled("jsm"), {}} {
		_, data, err := canonical(tk, newVocab())
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		// A schema "4" record, as that version wrote it.
		legacy, err := json.Marshal(tk, jsonOptions)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(legacy)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := decodeRecord(data, newVocab())
		if err != nil {
			return
		}
		c, again, err := canonical(got, newVocab())
		if err != nil {
			t.Fatalf("a decoded ticket cannot be stored: %v", err)
		}
		back, err := decodeRecord(again, newVocab())
		if err != nil {
			t.Fatalf("the stored record does not decode: %v", err)
		}
		if !reflect.DeepEqual(back, c) {
			t.Fatalf("storing changed the ticket:\ngot  %+v\nwant %+v", back, c)
		}
		// What a read-only open shows its filter is what the whole record holds.
		a, err := attributes(again)
		if err != nil {
			t.Fatalf("the attributes of a stored record do not decode: %v", err)
		}
		if !reflect.DeepEqual(a, c.Attributes) {
			t.Fatalf("head attributes differ:\ngot  %+v\nwant %+v", a, c.Attributes)
		}
	})
}
