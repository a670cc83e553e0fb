package exporter

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/custops/custops/collector/poller"
	"github.com/custops/custops/collector/snapshot"
)

// kind is an exposition format the renderer keeps bodies of.
type kind int

const (
	kindText        kind = iota // Prometheus text 0.0.4 / 1.0.0
	kindOpenMetrics             // OpenMetrics 1.0.0 / 0.0.1
	kindProtobuf                // length-delimited protobuf MetricFamily
	kinds
)

// kindOf maps a negotiated format to a kind; ok is false for the formats only the slow path
// serves (protobuf text and compact text, which no scraper asks for by default).
func kindOf(f expfmt.Format) (kind, bool) {
	switch f.FormatType() {
	case expfmt.TypeTextPlain:
		return kindText, true
	case expfmt.TypeOpenMetrics:
		return kindOpenMetrics, true
	case expfmt.TypeProtoDelim:
		return kindProtobuf, true
	}
	return 0, false
}

// rendering is the custops part of /metrics for one view, kept as pieces: per family, one
// encoded chunk per customer plus one for the series of no customer. Customers whose aggregates
// did not change since the previous view keep their chunks, so a view costs a re-render of the
// changed customers only. Immutable once built, but for the lazily built protobuf chunks and gzip
// bodies, each behind its own sync.Once.
type rendering struct {
	view      *poller.View
	families  []string // names, sorted: the order client_golang's Gather writes
	fams      map[string]*family
	customers []*customerPieces
	global    *pieces
	// same lists the families whose bytes equal the previous rendering's, whose compressed
	// members are then taken over instead of compressed again.
	same map[string]bool
	// previous holds the previous rendering's compressed members, where it had built them.
	previous [kinds]map[string][]byte
	gz       [kinds]lazyMembers
}

// customerPieces are one customer's chunks and the aggregates they were rendered from.
type customerPieces struct {
	from snapshot.Customer
	*pieces
}

// pieces is the encoded series of a set of metrics, by family and kind.
type pieces struct {
	metrics  map[string][]*dto.Metric // by family; dropped once the protobuf chunks are encoded (newPieces)
	text, om map[string][]byte
	proto    lazyPieces
}

// lazyMembers is a kind's body as gzip members, one per family, built once.
type lazyMembers struct {
	once    sync.Once
	members atomic.Pointer[map[string][]byte] // set once built, for the next rendering
	body    []byte
	err     error
}

type lazyPieces struct {
	once sync.Once
	b    map[string][]byte
	err  error
}

// family describes one metric family: its header lines in each text kind and its type.
type family struct {
	typ            dto.MetricType
	help           string
	textHead, omHd []byte
}

// newPieces encodes what emitting fn produces, grouped by family.
func newPieces(fns ...func(emit func(prometheus.Metric))) (*pieces, map[string]*family, error) {
	p := &pieces{metrics: map[string][]*dto.Metric{}, text: map[string][]byte{}, om: map[string][]byte{}}
	fams := map[string]*family{}
	var err error
	emit := func(m prometheus.Metric) {
		if err != nil {
			return
		}
		info, ok := descInfos[m.Desc()]
		name := info.name
		if !ok {
			err = fmt.Errorf("metric of an unregistered descriptor %s", m.Desc())
			return
		}
		var d dto.Metric
		if err = m.Write(&d); err != nil {
			return
		}
		p.metrics[name] = append(p.metrics[name], &d)
		if fams[name] == nil {
			fams[name] = &family{typ: metricType(&d), help: info.help}
		}
	}
	for _, fn := range fns {
		fn(emit)
	}
	if err != nil {
		return nil, nil, err
	}
	for name, ms := range p.metrics {
		slices.SortStableFunc(ms, compareLabels) // as client_golang's Gather orders them
		f := fams[name]
		mf := &dto.MetricFamily{Name: proto.String(name), Help: proto.String(f.help), Type: f.typ.Enum(), Metric: ms}
		text, err := encodeFamily(mf, expfmt.TypeTextPlain)
		if err != nil {
			return nil, nil, err
		}
		om, err := encodeFamily(mf, expfmt.TypeOpenMetrics)
		if err != nil {
			return nil, nil, err
		}
		f.textHead, p.text[name] = splitHeader(text)
		f.omHd, p.om[name] = splitHeader(om)
	}
	// The protobuf chunks too, at once: the decoded metrics they are made from take more memory
	// than every encoding together, and a render only encodes the customers that changed.
	if _, err := p.protobuf(); err != nil {
		return nil, nil, err
	}
	return p, fams, nil
}

// protobuf returns the pieces' protobuf chunks: each metric as field 4 (metric) of a
// MetricFamily message, so that chunks concatenate into one family's message body.
func (p *pieces) protobuf() (map[string][]byte, error) {
	p.proto.once.Do(func() {
		out := make(map[string][]byte, len(p.metrics))
		for name, ms := range p.metrics {
			var b []byte
			for _, m := range ms {
				mb, err := proto.Marshal(m)
				if err != nil {
					p.proto.err = err
					return
				}
				b = protowire.AppendTag(b, 4, protowire.BytesType)
				b = protowire.AppendBytes(b, mb)
			}
			out[name] = b
		}
		p.proto.b = out
		p.metrics = nil // the decoded metrics are only needed until now
	})
	return p.proto.b, p.proto.err
}

// compareLabels orders metrics by their label values, label by label in name order.
func compareLabels(a, b *dto.Metric) int {
	for i := range min(len(a.Label), len(b.Label)) {
		if c := strings.Compare(a.Label[i].GetValue(), b.Label[i].GetValue()); c != 0 {
			return c
		}
	}
	return len(a.Label) - len(b.Label)
}

func metricType(m *dto.Metric) dto.MetricType {
	switch {
	case m.Counter != nil:
		return dto.MetricType_COUNTER
	case m.Summary != nil:
		return dto.MetricType_SUMMARY
	case m.Histogram != nil:
		return dto.MetricType_HISTOGRAM
	}
	return dto.MetricType_GAUGE
}

func encodeFamily(mf *dto.MetricFamily, t expfmt.FormatType) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	switch t {
	case expfmt.TypeOpenMetrics:
		_, err = expfmt.MetricFamilyToOpenMetrics(&buf, mf)
	default:
		_, err = expfmt.MetricFamilyToText(&buf, mf)
	}
	return buf.Bytes(), err
}

// splitHeader splits an encoded family into its leading comment lines (HELP, TYPE, UNIT) and
// its series.
func splitHeader(b []byte) (head, body []byte) {
	i := 0
	for i < len(b) && b[i] == '#' {
		nl := bytes.IndexByte(b[i:], '\n')
		if nl < 0 {
			break
		}
		i += nl + 1
	}
	return b[:i:i], b[i:]
}

// render builds the rendering of v, reusing prev's chunks of every customer whose aggregates
// are equal (prev may be nil).
func render(v *poller.View, prev *rendering) (*rendering, error) {
	r := &rendering{view: v, fams: map[string]*family{}}
	fams := r.fams
	old := map[string]*customerPieces{}
	if prev != nil {
		for _, c := range prev.customers {
			old[c.from.ID] = c
		}
		maps.Copy(fams, prev.fams)
	}
	names := map[string]bool{}
	merge := func(p *pieces, learnt map[string]*family) {
		for name := range p.text {
			names[name] = true
		}
		for name, f := range learnt {
			if fams[name] == nil {
				fams[name] = f
			}
		}
	}
	customers := v.Snapshot.Customers
	r.customers = make([]*customerPieces, len(customers))
	learnt := make([]map[string]*family, len(customers))
	var todo []int
	for i := range customers {
		if o := old[customers[i].ID]; o != nil && reflect.DeepEqual(o.from, customers[i]) {
			r.customers[i] = o
		} else {
			todo = append(todo, i)
		}
	}
	// Encoding is CPU-bound and customers are independent: spread them over the cores, so a
	// first render (every customer) ends in a fraction of the time.
	errs := make([]error, len(customers))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), len(todo)) {
		wg.Go(func() {
			for i := range next {
				c := &customers[i]
				p, l, err := newPieces(func(emit func(prometheus.Metric)) { collectCustomer(emit, c) })
				if err != nil {
					errs[i] = fmt.Errorf("rendering customer %s: %w", c.ID, err)
					continue
				}
				r.customers[i], learnt[i] = &customerPieces{from: *c, pieces: p}, l
			}
		})
	}
	for _, i := range todo {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	for i, c := range r.customers {
		if learnt[i] != nil {
			merge(c.pieces, learnt[i])
			continue
		}
		for name := range c.text {
			names[name] = true
		}
	}
	g, gl, err := newPieces(func(emit func(prometheus.Metric)) { collectGlobal(emit, v) })
	if err != nil {
		return nil, err
	}
	merge(g, gl)
	r.global = g
	for name := range names {
		r.families = append(r.families, name)
	}
	slices.Sort(r.families)
	r.same = unchangedFamilies(r, prev)
	if prev != nil {
		for k := range prev.gz {
			if m := prev.gz[k].members.Load(); m != nil {
				r.previous[k] = *m
			}
		}
	}
	return r, nil
}

// unchangedFamilies returns the families whose encoded bytes are the same in r as in prev: same
// customers in the same order, and every chunk of the family equal.
func unchangedFamilies(r, prev *rendering) map[string]bool {
	same := map[string]bool{}
	if prev == nil || len(prev.customers) != len(r.customers) {
		return same
	}
	for i, c := range r.customers {
		if c.from.ID != prev.customers[i].from.ID {
			return same
		}
	}
	for _, name := range r.families {
		eq := bytes.Equal(r.global.text[name], prev.global.text[name])
		for i := 0; eq && i < len(r.customers); i++ {
			if a, b := r.customers[i].pieces, prev.customers[i].pieces; a != b {
				eq = bytes.Equal(a.text[name], b.text[name])
			}
		}
		same[name] = eq
	}
	return same
}

// chunksOf returns the chunk map of p for k.
func chunksOf(p *pieces, k kind) (map[string][]byte, error) {
	switch k {
	case kindOpenMetrics:
		return p.om, nil
	case kindProtobuf:
		return p.protobuf()
	}
	return p.text, nil
}

// countingDiscard counts what is written to it.
type countingDiscard struct{ n int }

func (c *countingDiscard) Write(b []byte) (int, error) { c.n += len(b); return len(b), nil }

// size returns how many bytes writeTo writes for k, so a scrape can stream the body with its
// Content-Length instead of copying it.
func (r *rendering) size(k kind) (int, error) {
	var c countingDiscard
	err := r.writeTo(&c, k)
	return c.n, err
}

// chunks returns, for kind k, every customer's chunk map and then the global one.
func (r *rendering) chunks(k kind) ([]map[string][]byte, error) {
	out := make([]map[string][]byte, 0, len(r.customers)+1)
	for _, p := range append(customerParts(r.customers), r.global) {
		c, err := chunksOf(p, k)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

func customerParts(cs []*customerPieces) []*pieces {
	out := make([]*pieces, len(cs))
	for i, c := range cs {
		out[i] = c.pieces
	}
	return out
}

// writeTo writes the rendering in kind k (without OpenMetrics' closing EOF).
func (r *rendering) writeTo(w io.Writer, k kind) error {
	chunks, err := r.chunks(k)
	if err != nil {
		return err
	}
	for _, name := range r.families {
		if err := r.writeFamily(w, k, name, chunks); err != nil {
			return err
		}
	}
	return nil
}

// writeFamily writes one family in kind k: its header, then its series from every chunk.
func (r *rendering) writeFamily(w io.Writer, k kind, name string, chunks []map[string][]byte) error {
	f := r.fams[name]
	var head []byte
	switch k {
	case kindProtobuf:
		// A delimited MetricFamily: its length, then name, help, type and the metrics.
		var fields []byte
		fields = protowire.AppendTag(fields, 1, protowire.BytesType)
		fields = protowire.AppendString(fields, name)
		fields = protowire.AppendTag(fields, 2, protowire.BytesType)
		fields = protowire.AppendString(fields, f.help)
		fields = protowire.AppendTag(fields, 3, protowire.VarintType)
		fields = protowire.AppendVarint(fields, uint64(f.typ))
		size := len(fields)
		for _, c := range chunks {
			size += len(c[name])
		}
		head = append(protowire.AppendVarint(nil, uint64(size)), fields...)
	case kindOpenMetrics:
		head = f.omHd
	default:
		head = f.textHead
	}
	if _, err := w.Write(head); err != nil {
		return err
	}
	for _, c := range chunks {
		if b := c[name]; len(b) > 0 {
			if _, err := w.Write(b); err != nil {
				return err
			}
		}
	}
	return nil
}

// gzipped returns the rendering in kind k gzip-compressed: one member per family (members
// concatenate into one valid gzip stream), compressed once per rendering, and taken over from
// the previous rendering for the families whose bytes did not change.
func (r *rendering) gzipped(k kind) ([]byte, error) {
	l := &r.gz[k]
	l.once.Do(func() {
		chunks, err := r.chunks(k)
		if err != nil {
			l.err = err
			return
		}
		members := make(map[string][]byte, len(r.families))
		var body bytes.Buffer
		for _, name := range r.families {
			m, ok := r.previous[k][name]
			if !ok || !r.same[name] {
				var buf bytes.Buffer
				zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed) // a valid level cannot fail
				if l.err = r.writeFamily(zw, k, name, chunks); l.err != nil {
					return
				}
				if l.err = zw.Close(); l.err != nil {
					return
				}
				m = buf.Bytes()
			}
			members[name] = m
			body.Write(m)
		}
		l.body = body.Bytes()
		l.members.Store(&members)
	})
	return l.body, l.err
}
