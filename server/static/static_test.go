package static

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
)

// wasmBody is compressible but not trivial, so the variants differ in size
// from the original and from each other.
var wasmBody = bytes.Repeat([]byte("\x00asm\x01\x00\x00\x00 tickwire arena test payload "), 4096)

const indexBody = "<!doctype html><title>tickwire arena</title>"

// newSite writes a small site into a temporary directory:
//
//	index.html
//	app.wasm, app.wasm.br, app.wasm.gz   (all variants)
//	gzonly.js, gzonly.js.gz              (gzip only)
//	stale.css, stale.css.br              (.br older than the original)
//	plain.txt                            (no variants)
//	archive.tar.gz                       (a real .gz with no original)
//	sub/index.html
func newSite(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	write := func(name string, data []byte) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("index.html", []byte(indexBody))
	write("app.wasm", wasmBody)
	write("app.wasm.br", brotliBytes(t, wasmBody))
	write("app.wasm.gz", gzipBytes(t, wasmBody))
	write("gzonly.js", []byte("console.log('hi');"))
	write("gzonly.js.gz", gzipBytes(t, []byte("console.log('hi');")))
	write("stale.css", []byte("body{}"))
	write("stale.css.br", brotliBytes(t, []byte("body{} /* old */")))
	write("plain.txt", []byte("hello"))
	write("archive.tar.gz", gzipBytes(t, []byte("not really a tar")))
	write("sub/index.html", []byte("sub index"))

	// Make the variants clearly newer than their originals, except for
	// stale.css.br which is older.
	base := time.Now().Add(-time.Hour)
	for name, mod := range map[string]time.Time{
		"app.wasm": base, "app.wasm.br": base.Add(time.Minute), "app.wasm.gz": base.Add(time.Minute),
		"gzonly.js": base, "gzonly.js.gz": base.Add(time.Minute),
		"stale.css": base, "stale.css.br": base.Add(-time.Minute),
	} {
		if err := os.Chtimes(filepath.Join(dir, name), mod, mod); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func gzipBytes(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func brotliBytes(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := brotli.NewWriterLevel(&buf, 5)
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// decode undoes the response's Content-Encoding.
func decode(t *testing.T, encoding string, body []byte) []byte {
	t.Helper()
	var r io.Reader
	switch encoding {
	case "":
		return body
	case "br":
		r = brotli.NewReader(bytes.NewReader(body))
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("gzip: %v", err)
		}
		r = zr
	default:
		t.Fatalf("unexpected Content-Encoding %q", encoding)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("decoding %s: %v", encoding, err)
	}
	return out
}

func TestHandler(t *testing.T) {
	t.Parallel()
	dir := newSite(t)
	srv := httptest.NewServer(Handler(dir))
	t.Cleanup(srv.Close)

	client := &http.Client{
		// Observe redirects instead of following them, and stop the
		// transport from adding (and transparently undoing) gzip.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport:     &http.Transport{DisableCompression: true},
	}

	tests := []struct {
		name           string
		method         string
		path           string // sent raw, without client-side cleaning
		acceptEncoding string // "" = header absent

		wantStatus   int
		wantEncoding string // Content-Encoding
		wantType     string // Content-Type ("" = not checked)
		wantVary     bool
		wantDecoded  string // X-Decoded-Length ("" = not checked)
		wantBody     []byte // after decoding; nil = not checked
		wantLocation string
	}{
		{
			name: "br preferred", path: "/app.wasm", acceptEncoding: "gzip, deflate, br, zstd",
			wantStatus: 200, wantEncoding: "br", wantType: "application/wasm", wantVary: true,
			wantDecoded: strconv.Itoa(len(wasmBody)), wantBody: wasmBody,
		},
		{
			name: "gzip when br q=0", path: "/app.wasm", acceptEncoding: "br;q=0, gzip",
			wantStatus: 200, wantEncoding: "gzip", wantType: "application/wasm", wantVary: true,
			wantDecoded: strconv.Itoa(len(wasmBody)), wantBody: wasmBody,
		},
		{
			name: "higher q wins over preference", path: "/app.wasm", acceptEncoding: "br;q=0.5, gzip;q=0.9",
			wantStatus: 200, wantEncoding: "gzip", wantType: "application/wasm", wantVary: true, wantBody: wasmBody,
		},
		{
			name: "identity without Accept-Encoding", path: "/app.wasm",
			wantStatus: 200, wantEncoding: "", wantType: "application/wasm", wantVary: true,
			wantDecoded: strconv.Itoa(len(wasmBody)), wantBody: wasmBody,
		},
		{
			name: "identity when nothing acceptable", path: "/app.wasm", acceptEncoding: "br;q=0, gzip;q=0, deflate",
			wantStatus: 200, wantEncoding: "", wantType: "application/wasm", wantVary: true, wantBody: wasmBody,
		},
		{
			name: "wildcard", path: "/app.wasm", acceptEncoding: "*",
			wantStatus: 200, wantEncoding: "br", wantType: "application/wasm", wantVary: true, wantBody: wasmBody,
		},
		{
			name: "HEAD", method: http.MethodHead, path: "/app.wasm", acceptEncoding: "br",
			wantStatus: 200, wantEncoding: "br", wantType: "application/wasm", wantVary: true,
			wantDecoded: strconv.Itoa(len(wasmBody)),
		},
		{
			name: "gzip only variant", path: "/gzonly.js", acceptEncoding: "br, gzip",
			wantStatus: 200, wantEncoding: "gzip", wantType: "text/javascript; charset=utf-8", wantVary: true,
			wantBody: []byte("console.log('hi');"),
		},
		{
			name: "stale variant ignored", path: "/stale.css", acceptEncoding: "br",
			wantStatus: 200, wantEncoding: "", wantType: "text/css; charset=utf-8",
			wantBody: []byte("body{}"),
		},
		{
			name: "no variants", path: "/plain.txt", acceptEncoding: "br, gzip",
			wantStatus: 200, wantEncoding: "", wantType: "text/plain; charset=utf-8", wantVary: false,
			wantDecoded: "5", wantBody: []byte("hello"),
		},
		{
			name: "index at root", path: "/", acceptEncoding: "br",
			wantStatus: 200, wantType: "text/html; charset=utf-8", wantBody: []byte(indexBody),
		},
		{
			name: "index with query", path: "/?room=abc&name=bob",
			wantStatus: 200, wantType: "text/html; charset=utf-8", wantBody: []byte(indexBody),
		},
		{name: "index.html redirects", path: "/index.html", wantStatus: 301, wantLocation: "./"},
		{name: "directory redirect", path: "/sub", wantStatus: 301, wantLocation: "sub/"},
		{name: "directory index", path: "/sub/", wantStatus: 200, wantBody: []byte("sub index")},
		{name: "variant raw .br hidden", path: "/app.wasm.br", acceptEncoding: "br", wantStatus: 404},
		{name: "variant raw .gz hidden", path: "/app.wasm.gz", wantStatus: 404},
		{
			name: "real .gz file served as is", path: "/archive.tar.gz", acceptEncoding: "gzip",
			wantStatus: 200, wantEncoding: "", wantBody: gzipBytes(t, []byte("not really a tar")),
		},
		{name: "missing", path: "/nope.wasm", acceptEncoding: "br", wantStatus: 404},
		{name: "traversal", path: "/../static.go", wantStatus: 400},
		{name: "encoded traversal", path: "/%2e%2e/static.go", wantStatus: 400},
		{name: "nested traversal", path: "/sub/../../static.go", wantStatus: 400},
		{name: "backslash traversal", path: "/..%5cstatic.go", wantStatus: 400},
		{name: "POST", method: http.MethodPost, path: "/app.wasm", wantStatus: 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			method := tt.method
			if method == "" {
				method = http.MethodGet
			}
			req, err := http.NewRequest(method, srv.URL, nil)
			if err != nil {
				t.Fatal(err)
			}
			// Opaque keeps "/../x" and "%2e%2e" exactly as written.
			req.URL.Opaque = tt.path
			if tt.acceptEncoding != "" {
				req.Header.Set("Accept-Encoding", tt.acceptEncoding)
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}

			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status = %d, want %d (body %q)", resp.StatusCode, tt.wantStatus, body)
			}
			if tt.wantLocation != "" {
				if got := resp.Header.Get("Location"); got != tt.wantLocation {
					t.Errorf("Location = %q, want %q", got, tt.wantLocation)
				}
			}
			if tt.wantStatus != 200 {
				return
			}
			if got := resp.Header.Get("Content-Encoding"); got != tt.wantEncoding {
				t.Errorf("Content-Encoding = %q, want %q", got, tt.wantEncoding)
			}
			if tt.wantType != "" {
				if got := resp.Header.Get("Content-Type"); got != tt.wantType {
					t.Errorf("Content-Type = %q, want %q", got, tt.wantType)
				}
			}
			gotVary := false
			for _, v := range resp.Header.Values("Vary") {
				gotVary = gotVary || strings.Contains(strings.ToLower(v), "accept-encoding")
			}
			if gotVary != tt.wantVary {
				t.Errorf("Vary: Accept-Encoding present = %v, want %v (Vary %q)", gotVary, tt.wantVary, resp.Header.Values("Vary"))
			}
			if tt.wantDecoded != "" {
				if got := resp.Header.Get(DecodedLengthHeader); got != tt.wantDecoded {
					t.Errorf("%s = %q, want %q", DecodedLengthHeader, got, tt.wantDecoded)
				}
			}
			if got := resp.Header.Get("Cache-Control"); got != "no-cache" {
				t.Errorf("Cache-Control = %q, want no-cache", got)
			}
			// Content-Length must describe the bytes on the wire: the
			// compressed size for a variant.
			if resp.ContentLength < 0 {
				t.Errorf("Content-Length missing (chunked response)")
			}
			if method != http.MethodHead && resp.ContentLength != int64(len(body)) {
				t.Errorf("Content-Length = %d, but %d bytes were sent", resp.ContentLength, len(body))
			}
			if tt.wantBody != nil {
				if got := decode(t, resp.Header.Get("Content-Encoding"), body); !bytes.Equal(got, tt.wantBody) {
					t.Errorf("decoded body differs from original: got %d bytes, want %d", len(got), len(tt.wantBody))
				}
			}
		})
	}
}

func TestConditionalRequestPerEncoding(t *testing.T) {
	t.Parallel()
	h := Handler(newSite(t))

	get := func(acceptEncoding, ifNoneMatch string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "/app.wasm", nil)
		req.Header.Set("Accept-Encoding", acceptEncoding)
		if ifNoneMatch != "" {
			req.Header.Set("If-None-Match", ifNoneMatch)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	br := get("br", "")
	gz := get("gzip", "")
	brTag, gzTag := br.Header().Get("ETag"), gz.Header().Get("ETag")
	if brTag == "" || gzTag == "" || brTag == gzTag {
		t.Fatalf("ETags must exist and differ per encoding: br %q, gzip %q", brTag, gzTag)
	}
	tests := []struct {
		name           string
		acceptEncoding string
		ifNoneMatch    string
		wantStatus     int
	}{
		{"same encoding revalidates", "br", brTag, http.StatusNotModified},
		{"other encoding gets full body", "gzip", brTag, http.StatusOK},
		{"gzip revalidates", "gzip", gzTag, http.StatusNotModified},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := get(tt.acceptEncoding, tt.ifNoneMatch)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d", rec.Code, tt.wantStatus)
			}
			if got := rec.Header().Get("Vary"); got != "Accept-Encoding" {
				t.Errorf("Vary = %q, want Accept-Encoding", got)
			}
		})
	}
}

func TestSymlinkEscapeRefused(t *testing.T) {
	t.Parallel()
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := newSite(t)
	if err := os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(dir, "link.txt")); err != nil {
		t.Skipf("symlinks unavailable: %v", err)
	}
	rec := httptest.NewRecorder()
	Handler(dir).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/link.txt", nil))
	if rec.Code != http.StatusNotFound || strings.Contains(rec.Body.String(), "secret") {
		t.Fatalf("symlink out of the directory: status %d body %q, want 404", rec.Code, rec.Body.String())
	}
}

func TestMissingDirectory(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	Handler(filepath.Join(t.TempDir(), "does-not-exist")).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status = %d, want 500", rec.Code)
	}
}

func TestNegotiate(t *testing.T) {
	t.Parallel()
	both := []string{"br", "gzip"}
	tests := []struct {
		name      string
		header    []string
		available []string
		want      string
	}{
		{"absent header", nil, both, ""},
		{"empty header", []string{""}, both, ""},
		{"browser default", []string{"gzip, deflate, br, zstd"}, both, "br"},
		{"br only", []string{"br"}, both, "br"},
		{"gzip only", []string{"gzip"}, both, "gzip"},
		{"x-gzip alias", []string{"x-gzip"}, both, "gzip"},
		{"case insensitive", []string{"GZip, BR"}, both, "br"},
		{"br refused", []string{"br;q=0, gzip"}, both, "gzip"},
		{"br refused with spaces", []string{"br ; q=0.0 , gzip ;q=0.5"}, both, "gzip"},
		{"all refused", []string{"br;q=0, gzip;q=0"}, both, ""},
		{"q decides", []string{"br;q=0.2, gzip;q=0.8"}, both, "gzip"},
		{"tie goes to br", []string{"gzip;q=0.5, br;q=0.5"}, both, "br"},
		{"wildcard", []string{"*"}, both, "br"},
		{"wildcard refused", []string{"*;q=0"}, both, ""},
		{"specific overrides wildcard", []string{"*;q=0.5, br;q=0"}, both, "gzip"},
		{"identity ranked higher", []string{"identity;q=1, br;q=0.5"}, both, ""},
		{"identity ranked lower", []string{"identity;q=0.1, br;q=0.5"}, both, "br"},
		{"malformed q ignored", []string{"br;q=abc, gzip"}, both, "gzip"},
		{"q out of range ignored", []string{"br;q=2, gzip"}, both, "gzip"},
		{"multiple header lines", []string{"deflate", "gzip"}, both, "gzip"},
		{"only gzip available", []string{"br, gzip"}, []string{"gzip"}, "gzip"},
		{"nothing available", []string{"br, gzip"}, nil, ""},
		{"unsupported codings", []string{"deflate, zstd"}, both, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := negotiate(tt.header, tt.available); got != tt.want {
				t.Errorf("negotiate(%q, %q) = %q, want %q", tt.header, tt.available, got, tt.want)
			}
		})
	}
}

func TestParseAcceptEncoding(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		header string
		want   map[string]float64
	}{
		{"empty", "", map[string]float64{}},
		{"defaults to q=1", "br, gzip", map[string]float64{"br": 1, "gzip": 1}},
		{"q values", "br;q=0.3,gzip;q=0", map[string]float64{"br": 0.3, "gzip": 0}},
		{"other params ignored", "br;level=3;q=0.7", map[string]float64{"br": 0.7}},
		{"duplicate keeps max", "br;q=0.1, br;q=0.9", map[string]float64{"br": 0.9}},
		{"empty elements", " , ,br", map[string]float64{"br": 1}},
		{"negative q ignored", "br;q=-1", map[string]float64{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := parseAcceptEncoding([]string{tt.header}); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parseAcceptEncoding(%q) = %v, want %v", tt.header, got, tt.want)
			}
		})
	}
}
