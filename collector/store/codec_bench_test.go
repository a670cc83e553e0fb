package store

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"testing"

	"github.com/custops/custops/collector/ticket"
)

// BenchmarkCodec compares the candidate encodings of one stored ticket: "binary" is the store's
// codec, "record-json" and "record-gob" a mirror struct with short names and integer times in
// encoding/json and encoding/gob, "ticket-json" the ticket.Ticket's own JSON. decode goes from the
// stored bytes to the canonical in-memory ticket (interned, as Open does), except for ticket-json,
// which stops at a plain decoded ticket. bbolt stores each ticket under its own key, so gob runs
// one stream per value, type descriptors included. B/record is the stored size.
func BenchmarkCodec(b *testing.B) {
	tickets := realisticBatch("jsm", 0, 1000, 0)
	records := make([]*record, len(tickets))
	for i, t := range tickets {
		r, err := toRecord(t)
		if err != nil {
			b.Fatal(err)
		}
		records[i] = r
	}
	in := newInterner()
	codecs := []struct {
		name   string
		encode func(i int) ([]byte, error)
		decode func(data []byte) error
	}{
		{
			name:   "binary",
			encode: func(i int) ([]byte, error) { return encodeTicket(tickets[i]), nil },
			decode: func(data []byte) error {
				_, err := decodeTicket("jsm", []byte("SUP-1001"), data, in)
				return err
			},
		},
		{
			name:   "record-json",
			encode: func(i int) ([]byte, error) { return json.Marshal(records[i]) },
			decode: func(data []byte) error {
				r, err := jsonDecode(data)
				if err == nil {
					_ = fromRecord("jsm", "SUP-1001", r, in, true)
				}
				return err
			},
		},
		{
			name: "record-gob",
			encode: func(i int) ([]byte, error) {
				var buf bytes.Buffer
				err := gob.NewEncoder(&buf).Encode(records[i])
				return buf.Bytes(), err
			},
			decode: func(data []byte) error {
				var r record
				err := gob.NewDecoder(bytes.NewReader(data)).Decode(&r)
				if err == nil {
					_ = fromRecord("jsm", "SUP-1001", &r, in, true)
				}
				return err
			},
		},
		{
			name:   "ticket-json",
			encode: func(i int) ([]byte, error) { return json.Marshal(tickets[i]) },
			decode: func(data []byte) error { var t ticket.Ticket; return json.Unmarshal(data, &t) },
		},
	}
	for _, c := range codecs {
		encoded := make([][]byte, len(records))
		size := 0
		for i := range records {
			data, err := c.encode(i)
			if err != nil {
				b.Fatal(err)
			}
			encoded[i] = data
			size += len(data)
		}
		b.Run(c.name+"/encode", func(b *testing.B) {
			i := 0
			for b.Loop() {
				if _, err := c.encode(i % len(records)); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(float64(size)/float64(len(records)), "B/record")
		})
		b.Run(c.name+"/decode", func(b *testing.B) {
			i := 0
			for b.Loop() {
				if err := c.decode(encoded[i%len(encoded)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(float64(size)/float64(len(records)), "B/record")
		})
	}
}
