package store

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/custops/custops/collector/ticket"
)

// fill sets every leaf of v to a distinct non-zero value (two elements in slices and maps), so a
// field the codec forgets cannot survive a round trip.
func fill(v reflect.Value, n *int) {
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("s%d", *n))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64:
		if v.Type() == reflect.TypeFor[time.Duration]() {
			v.SetInt(int64(*n) * int64(time.Minute))
		} else {
			v.SetInt(int64(*n))
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(base.Add(time.Duration(*n) * time.Hour)))
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
	default:
		panic("fill: unhandled kind " + v.Kind().String() + ": extend fill and the codec")
	}
}

func roundTrip(t *testing.T, in *ticket.Ticket) *ticket.Ticket {
	t.Helper()
	got, err := decodeTicket(in.Source, []byte(in.Key), encodeTicket(in), newInterner())
	if err != nil {
		t.Fatalf("decodeTicket: %v", err)
	}
	return got
}

func TestCodecCoversEveryField(t *testing.T) {
	var in ticket.Ticket
	n := 0
	fill(reflect.ValueOf(&in).Elem(), &n)
	if got := roundTrip(t, &in); !reflect.DeepEqual(got, &in) {
		t.Errorf("round trip lost something:\ngot  %+v\nwant %+v", got, &in)
	}
}

func TestCodecTimes(t *testing.T) {
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
		{"fixed zone", time.Date(2026, 3, 1, 12, 0, 5, 0, time.FixedZone("+0530", 5*3600+1800))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := realistic("jsm", 1, 0)
			in.Created, in.Clocks[1].Cycles[0].Stop = c.in, c.in
			got := roundTrip(t, in)
			want := c.in.UTC()
			if c.in.IsZero() {
				want = time.Time{}
			}
			if !reflect.DeepEqual(got.Created, want) || !reflect.DeepEqual(got.Clocks[1].Cycles[0].Stop, want) {
				t.Errorf("got %v and %v, want %v", got.Created, got.Clocks[1].Cycles[0].Stop, want)
			}
		})
	}
}

func TestCodecNegativeAndLargeNumbers(t *testing.T) {
	in := realistic("jsm", 1, 0)
	in.Reopened = -1
	in.Clocks[0].Cycles[0].Elapsed = -90 * time.Minute // a source's odd value, kept as is
	in.Clocks[0].Cycles[0].Goal = time.Duration(1<<63 - 1)
	if got := roundTrip(t, in); !reflect.DeepEqual(got, in) {
		t.Errorf("got %+v, want %+v", got, in)
	}
}

func TestDecodeRejectsInvalidRecords(t *testing.T) {
	valid := encodeTicket(realistic("jsm", 1, 0))
	for n := 0; n < len(valid); n++ {
		if _, err := decodeTicket("jsm", []byte("SUP-1001"), valid[:n], newInterner()); !errors.Is(err, errRecord) {
			t.Fatalf("truncated to %d of %d bytes: error %v, want %v", n, len(valid), err, errRecord)
		}
	}
	edit := func(f func(b []byte) []byte) []byte { return f(append([]byte{}, valid...)) }
	cases := []struct {
		name string
		data []byte
	}{
		{"other record version", edit(func(b []byte) []byte { b[0] = recordVersion + 1; return b })},
		{"trailing byte", edit(func(b []byte) []byte { return append(b, 0) })},
		{"summary longer than the record", edit(func(b []byte) []byte { b[1] = 0xff; b[2] = 0xff; b[3] = 0x7f; return b })},
		{"last count (transitions) without entries", edit(func(b []byte) []byte { b[len(b)-1] = 3; return b })},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := decodeTicket("jsm", []byte("SUP-1001"), c.data, newInterner())
			if !errors.Is(err, errRecord) {
				t.Errorf("error %v, want %v", err, errRecord)
			}
		})
	}
}

// FuzzDecodeTicket checks that no input panics the decoder, and that whatever it accepts survives
// a re-encoding unchanged.
func FuzzDecodeTicket(f *testing.F) {
	f.Add(encodeTicket(realistic("jsm", 1, 0)))
	f.Add(encodeTicket(realistic("jsm", 4, 3)))
	f.Add(encodeTicket(&ticket.Ticket{}))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := decodeTicket("jsm", []byte("K-1"), data, newInterner())
		if err != nil {
			return
		}
		again, err := decodeTicket("jsm", []byte("K-1"), encodeTicket(got), newInterner())
		if err != nil {
			t.Fatalf("re-encoded ticket does not decode: %v", err)
		}
		if !reflect.DeepEqual(again, got) {
			t.Fatalf("re-encoding changed the ticket:\ngot  %+v\nwant %+v", again, got)
		}
	})
}
