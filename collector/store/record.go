package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"reflect"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"

	"github.com/custops/custops/collector/ticket"
)

// A stored ticket is its own JSON form, with the field names of ticket.Ticket's tags. JSON stores
// whatever the model holds with no list of fields to keep up: a field added to ticket.Ticket is
// written from the next Apply on and reads as its zero value from an older record; a removed field
// is ignored. TestEveryFieldSurvivesApplyAndReopen proves it by filling every field by reflection.
// schemaVersion (layout.go) changes only when a stored meaning changes, not when a field is added.
//
// BenchmarkRecord and BenchmarkOpenLoad chose it (docs/bench/store.md): encoding/gob repeats its
// type description in every bbolt value and decodes slowest; protobuf would need a descriptor of
// the ticket kept by hand beside the model, which is what this format replaces. The JSON is
// written and read with github.com/go-json-experiment/json, the Go project's encoding/json/v2
// (in the standard library behind GOEXPERIMENT=jsonv2 until it graduates): it decodes these records
// about twice as fast as encoding/json, which is what brings a restart of 200,000 tickets within
// 3 s on two cores. The options keep encoding/json's output for the model's types.
var jsonOptions = json.JoinOptions(
	jsonv1.FormatDurationAsNano(true),         // time.Duration as integer nanoseconds, like encoding/json
	json.FormatNilSliceAsNull(true),           // nil stays nil and empty stays empty across a restart
	json.FormatNilMapAsNull(true),             // likewise
	jsontext.AllowInvalidUTF8(true),           // a vendor's invalid UTF-8 becomes U+FFFD instead of failing the batch
	json.Deterministic(true),                  // equal tickets, equal bytes (map keys sorted)
	jsonv1.OmitEmptyWithLegacySemantics(true), // omitempty leaves out false and 0 too, like encoding/json
)

// errRecord is wrapped for bytes that are not a record the store wrote.
var errRecord = errors.New("invalid stored value")

// castagnoli is the CRC-32C table (hardware-assisted on amd64 and arm64).
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// seal prefixes value with the CRC-32C of key and value. bbolt checksums only its meta pages: a
// flipped byte in a page would otherwise load as a different summary, cursor or count, and a
// record misplaced under another key as that ticket.
func seal(key, value []byte) []byte {
	out := make([]byte, 4, 4+len(value))
	binary.BigEndian.PutUint32(out, sum(key, value))
	return append(out, value...)
}

// unseal checks and strips the sum seal added. The result aliases data.
func unseal(key, data []byte) ([]byte, error) {
	if len(data) < 4 {
		return nil, fmt.Errorf("%w: %d bytes, shorter than its checksum", errRecord, len(data))
	}
	value := data[4:]
	if binary.BigEndian.Uint32(data) != sum(key, value) {
		return nil, fmt.Errorf("%w: checksum mismatch", errRecord)
	}
	return value, nil
}

func sum(key, value []byte) uint32 {
	return crc32.Update(crc32.Update(0, castagnoli, key), castagnoli, value)
}

// decodeRecord reads a ticket from its JSON and interns its repeated strings in v. The bytes may
// be bbolt's memory map: the decoder copies whatever it keeps.
func decodeRecord(data []byte, v *vocab) (*ticket.Ticket, error) {
	t := new(ticket.Ticket)
	if err := json.Unmarshal(data, t, jsonOptions); err != nil {
		return nil, fmt.Errorf("%w: %v", errRecord, err)
	}
	v.ticket(t)
	return t, nil
}

// headReader reads the attributes at the head of records, one decoder reused for all of them.
type headReader struct {
	rd  *bytes.Reader
	dec *jsontext.Decoder
}

func newHeadReader() *headReader {
	rd := bytes.NewReader(nil)
	return &headReader{rd: rd, dec: jsontext.NewDecoder(rd, jsonOptions)}
}

// attributes decodes only the "attributes" member of a record and stops there: a record is
// written in ticket.Ticket's field order, so the member comes after a few short ones and the long
// rest (clocks, history) is never read. A record in another order is read until the member.
func (h *headReader) attributes(data []byte) (ticket.Attributes, error) {
	var a ticket.Attributes
	h.rd.Reset(data)
	h.dec.Reset(h.rd, jsonOptions)
	if tok, err := h.dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return a, fmt.Errorf("%w: not an object (%v)", errRecord, err)
	}
	for h.dec.PeekKind() != '}' {
		name, err := h.dec.ReadToken()
		if err != nil {
			return a, fmt.Errorf("%w: %v", errRecord, err)
		}
		if name.String() == "attributes" {
			if err := json.UnmarshalDecode(h.dec, &a, jsonOptions); err != nil {
				return a, fmt.Errorf("%w: %v", errRecord, err)
			}
			return a, nil
		}
		if err := h.dec.SkipValue(); err != nil {
			return a, fmt.Errorf("%w: %v", errRecord, err)
		}
	}
	return a, nil
}

// canonical returns the store's copy of t and the record it is stored as: a deep copy with every
// time in UTC and repeated strings interned, such that decoding the record gives the copy back
// exactly. Apply keeps that copy, Open decodes the record: a ticket reads the same before and after
// a restart. Times go to UTC because a time with an offset decodes with a *time.Location of its own,
// one allocation per time field in the heap.
func canonical(t *ticket.Ticket, v *vocab) (*ticket.Ticket, []byte, error) {
	data, err := json.Marshal(t, jsonOptions)
	if err != nil {
		return nil, nil, err
	}
	c, err := decodeRecord(data, v)
	if err != nil {
		return nil, nil, err
	}
	if !timesInUTC(reflect.ValueOf(c).Elem()) {
		if data, err = json.Marshal(c, jsonOptions); err != nil {
			return nil, nil, err
		}
	}
	return c, data, nil
}

var timeType = reflect.TypeFor[time.Time]()

// timesInUTC sets every time.Time reachable from v (a settable value) to UTC and reports whether
// all of them already were. It walks the type by reflection, so a time field added to the model
// is covered without a list.
func timesInUTC(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Struct:
		if v.Type() == timeType {
			t := v.Interface().(time.Time)
			if t.Location() == time.UTC {
				return true
			}
			v.Set(reflect.ValueOf(t.UTC()))
			return false
		}
		ok := true
		for i := range v.NumField() {
			if f := v.Field(i); f.CanSet() {
				ok = timesInUTC(f) && ok
			}
		}
		return ok
	case reflect.Slice, reflect.Array:
		ok := true
		for i := range v.Len() {
			ok = timesInUTC(v.Index(i)) && ok
		}
		return ok
	case reflect.Pointer:
		return v.IsNil() || timesInUTC(v.Elem())
	case reflect.Map:
		ok := true
		iter := v.MapRange()
		for iter.Next() {
			e := reflect.New(iter.Value().Type()).Elem()
			e.Set(iter.Value())
			if !timesInUTC(e) {
				v.SetMapIndex(iter.Key(), e)
				ok = false
			}
		}
		return ok
	}
	return true
}
