package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
	"github.com/tinylib/msgp/msgp"

	"github.com/custops/custops/collector/ticket"
)

// A stored ticket is a MessagePack map of ticket.Ticket's fields under their JSON names, written
// and read by the code tinylib/msgp generates from the model (collector/ticket/ticket_gen.go). It
// evolves like JSON: a field added to ticket.Ticket is written from the next Apply on and reads as
// its zero value from an older record; a removed field is skipped. TestEveryFieldSurvivesApplyAndReopen
// proves the round trip by filling every field by reflection, and TestGeneratedCodecUpToDate that
// the codec was regenerated after the model changed. schemaVersion (layout.go) changes only when a
// stored meaning changes, not when a field is added.
//
// BenchmarkRecord chose it (docs/bench/store.md): decoding is nearly all of a restart, and the
// generated decoder reads a realistic ticket four times faster than JSON; a time is its instant in
// 12 bytes instead of text to parse. Records of schema "4" were JSON: decodeRecord still reads them
// (a JSON record starts with '{', which no MessagePack map does), and Open rewrites such a file
// once (upgrade.go). jsonOptions read them as schema "4" wrote them.
var jsonOptions = json.JoinOptions(
	jsonv1.FormatDurationAsNano(true),         // time.Duration as integer nanoseconds, like encoding/json
	json.FormatNilSliceAsNull(true),           // null is nil
	json.FormatNilMapAsNull(true),             // likewise
	jsontext.AllowInvalidUTF8(true),           // invalid UTF-8 becomes U+FFFD
	jsonv1.OmitEmptyWithLegacySemantics(true), // omitempty left out false and 0 too, like encoding/json
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

// isJSON reports whether data is a schema "4" record.
func isJSON(data []byte) bool { return len(data) > 0 && data[0] == '{' }

// decodeRecord reads a ticket from its record and interns its repeated strings in v. The bytes may
// be bbolt's memory map: the decoders copy whatever they keep.
func decodeRecord(data []byte, v *vocab) (*ticket.Ticket, error) {
	t := new(ticket.Ticket)
	if isJSON(data) {
		if err := json.Unmarshal(data, t, jsonOptions); err != nil {
			return nil, fmt.Errorf("%w: %v", errRecord, err)
		}
	} else {
		rest, err := t.UnmarshalMsg(data)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", errRecord, err)
		}
		if len(rest) != 0 {
			return nil, fmt.Errorf("%w: %d bytes after the ticket", errRecord, len(rest))
		}
	}
	v.ticket(t)
	return t, nil
}

// attributes decodes only the "attributes" member of a record and stops there: a record is
// written in ticket.Ticket's field order, so the member comes after a few short ones and the long
// rest (clocks, history) is never read. A record in another order is read until the member.
func attributes(data []byte) (ticket.Attributes, error) {
	var a ticket.Attributes
	if isJSON(data) {
		return jsonAttributes(data)
	}
	n, rest, err := msgp.ReadMapHeaderBytes(data)
	if err != nil {
		return a, fmt.Errorf("%w: %v", errRecord, err)
	}
	for range n {
		var name []byte
		if name, rest, err = msgp.ReadMapKeyZC(rest); err != nil {
			return a, fmt.Errorf("%w: %v", errRecord, err)
		}
		if string(name) == "attributes" {
			if _, err := a.UnmarshalMsg(rest); err != nil {
				return a, fmt.Errorf("%w: %v", errRecord, err)
			}
			return a, nil
		}
		if rest, err = msgp.Skip(rest); err != nil {
			return a, fmt.Errorf("%w: %v", errRecord, err)
		}
	}
	return a, nil
}

// jsonAttributes is attributes for a schema "4" record.
func jsonAttributes(data []byte) (ticket.Attributes, error) {
	var a ticket.Attributes
	dec := jsontext.NewDecoder(bytes.NewReader(data), jsonOptions)
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return a, fmt.Errorf("%w: not an object (%v)", errRecord, err)
	}
	for dec.PeekKind() != '}' {
		name, err := dec.ReadToken()
		if err != nil {
			return a, fmt.Errorf("%w: %v", errRecord, err)
		}
		if name.String() == "attributes" {
			if err := json.UnmarshalDecode(dec, &a, jsonOptions); err != nil {
				return a, fmt.Errorf("%w: %v", errRecord, err)
			}
			return a, nil
		}
		if err := dec.SkipValue(); err != nil {
			return a, fmt.Errorf("%w: %v", errRecord, err)
		}
	}
	return a, nil
}

// canonical returns the store's copy of t and the record it is stored as: a deep copy decoded
// from the record, so with every time in UTC and repeated strings interned. Apply keeps that copy,
// Open decodes the record: a ticket reads the same before and after a restart.
func canonical(t *ticket.Ticket, v *vocab) (*ticket.Ticket, []byte, error) {
	data, err := t.MarshalMsg(nil)
	if err != nil {
		return nil, nil, err
	}
	c, err := decodeRecord(data, v)
	if err != nil {
		return nil, nil, err
	}
	return c, data, nil
}
