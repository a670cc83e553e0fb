package store

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/custops/custops/collector/ticket"
)

// BenchmarkRecord compares serializations of one stored ticket, each of the whole ticket.Ticket
// with no list of fields kept by hand: "msgpack" is the store's (MessagePack through the code
// tinylib/msgp generates from the model), "json-v2" the JSON schema "4" stored (through
// go-json-experiment/json, encoding/json/v2, which decodeRecord still reads), "json-v1" the same
// JSON through encoding/json, "gob" encoding/gob with one stream per value, since bbolt keeps each
// ticket under its own key (so every value carries gob's type description). decode goes from the
// stored bytes to the ticket the store keeps (strings interned, slices cut to length), which is
// what Open does for every ticket. B/record is the stored size.
func BenchmarkRecord(b *testing.B) {
	tickets := realisticBatch("jsm", 0, 1000, 0)
	codecs := []struct {
		name   string
		encode func(t *ticket.Ticket) ([]byte, error)
		decode func(data []byte, v *vocab) error
	}{
		{
			name:   "msgpack",
			encode: func(t *ticket.Ticket) ([]byte, error) { return t.MarshalMsg(nil) },
			decode: func(data []byte, v *vocab) error { _, err := decodeRecord(data, v); return err },
		},
		{
			name:   "json-v2",
			encode: func(t *ticket.Ticket) ([]byte, error) { return jsonv2.Marshal(t, jsonOptions) },
			decode: func(data []byte, v *vocab) error { _, err := decodeRecord(data, v); return err },
		},
		{
			name:   "json-v1",
			encode: func(t *ticket.Ticket) ([]byte, error) { return json.Marshal(t) },
			decode: func(data []byte, v *vocab) error {
				t := new(ticket.Ticket)
				err := json.Unmarshal(data, t)
				v.ticket(t)
				return err
			},
		},
		{
			name: "gob",
			encode: func(t *ticket.Ticket) ([]byte, error) {
				var buf bytes.Buffer
				err := gob.NewEncoder(&buf).Encode(t)
				return buf.Bytes(), err
			},
			decode: func(data []byte, v *vocab) error {
				t := new(ticket.Ticket)
				err := gob.NewDecoder(bytes.NewReader(data)).Decode(t)
				v.ticket(t)
				return err
			},
		},
	}
	for _, c := range codecs {
		encoded := make([][]byte, len(tickets))
		size := 0
		for i, t := range tickets {
			data, err := c.encode(t)
			if err != nil {
				b.Fatal(err)
			}
			encoded[i] = data
			size += len(data)
		}
		perRecord := float64(size) / float64(len(tickets))
		b.Run(c.name+"/encode", func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := c.encode(tickets[i%len(tickets)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(perRecord, "B/record")
		})
		b.Run(c.name+"/decode", func(b *testing.B) {
			b.ReportAllocs()
			v := newVocab()
			i := 0
			for b.Loop() {
				if err := c.decode(encoded[i%len(encoded)], v); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(perRecord, "B/record")
		})
	}
}
