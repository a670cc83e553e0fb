package vendorhttp

import (
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// decodeBody decodes a 2xx answer into out straight from the connection: a json.Decoder holds
// one value at a time and its buffer is garbage once the request ends, so a large answer does not
// keep memory for good. Errors from the connection come back as *readError (the request may be
// retried); every other error means the answer itself is wrong.
func decodeBody(resp *http.Response, out any) error {
	var r io.Reader = &netReader{resp.Body}
	if strings.EqualFold(resp.Header.Get("Content-Encoding"), "gzip") {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return fmt.Errorf("gzip: %w", err)
		}
		defer zr.Close()
		r = zr
	}
	r = &capReader{r: r, left: MaxBody}
	if out == nil {
		_, err := io.Copy(io.Discard, r)
		return err
	}
	dec := json.NewDecoder(r)
	if err := dec.Decode(out); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if err == nil || !isReadError(err) {
			return errors.New("data after the JSON value")
		}
		return err
	}
	return nil
}

// readError is a failure to read the answer from the connection (reset, timeout), as opposed to
// an answer that is not what was expected.
type readError struct{ err error }

func (e *readError) Error() string { return e.err.Error() }
func (e *readError) Unwrap() error { return e.err }

func isReadError(err error) bool {
	var re *readError
	return errors.As(err, &re)
}

// netReader marks the body's read errors (io.EOF aside) as readErrors.
type netReader struct{ r io.Reader }

func (n *netReader) Read(p []byte) (int, error) {
	k, err := n.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		err = &readError{err}
	}
	return k, err
}

// capReader fails once more than left bytes are read.
type capReader struct {
	r    io.Reader
	left int64
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.left < 0 {
		return 0, errTooLarge
	}
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if c.left < 0 {
		return n, errTooLarge
	}
	return n, err
}

var errTooLarge = fmt.Errorf("answer larger than %d MiB (lower page_size)", MaxBody>>20)
