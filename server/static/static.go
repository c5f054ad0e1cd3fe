// Package static serves the browser client (index.html, loader.js,
// wasm_exec.js, tickwire.wasm, ...) from a directory on disk.
//
// For every file f that has precompressed siblings f.br and/or f.gz (as
// written by web/webbuild.Precompress), the handler picks the best encoding
// the client accepts (brotli, then gzip, then identity, honouring q-values)
// and serves that variant with:
//
//   - Content-Encoding set to the chosen coding (absent for identity),
//   - Content-Type of the original file (application/wasm for .wasm),
//   - Content-Length of the bytes actually sent,
//   - X-Decoded-Length set to the size of the original, uncompressed file, so
//     the browser loader can show real download progress,
//   - Vary: Accept-Encoding (on every response for such a file).
//
// A variant is only used if it is not older than the original, so a stale
// .br/.gz left behind by an interrupted build never shadows a newer file.
// The variants themselves are not reachable under their own names when the
// original exists (they would otherwise be served with a misleading type).
//
// Requests containing ".." path elements are refused; files are opened
// through an [os.Root], so symlinks cannot escape the directory either.
// Directories are served as their index.html (no listings). Responses carry
// Cache-Control: no-cache plus ETag/Last-Modified, so browsers revalidate
// cheaply with conditional requests after every rebuild.
package static

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path"
	"strconv"
	"strings"
)

// DecodedLengthHeader is the response header carrying the size of the
// original (uncompressed) file.
const DecodedLengthHeader = "X-Decoded-Length"

// encodings lists the supported precompressed variants in order of server
// preference (used to break ties between equal q-values).
var encodings = []struct {
	coding string // Content-Encoding token
	ext    string // file suffix of the variant
}{
	{"br", ".br"},
	{"gzip", ".gz"},
}

// contentTypes is consulted before the system mime tables, which differ
// between machines (and may lack .wasm entirely).
var contentTypes = map[string]string{
	".wasm": "application/wasm",
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".mjs":  "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".json": "application/json",
	".map":  "application/json",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".ico":  "image/x-icon",
	".txt":  "text/plain; charset=utf-8",
}

// Handler returns an http.Handler serving the files below dir. The directory
// is opened per request, so it may be (re)created while the server runs.
func Handler(dir string) http.Handler {
	return &handler{dir: dir}
}

type handler struct {
	dir string
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	upath := r.URL.Path
	if !strings.HasPrefix(upath, "/") {
		upath = "/" + upath
	}
	if !validPath(upath) {
		http.Error(w, "invalid URL path", http.StatusBadRequest)
		return
	}
	// Like http.FileServer: canonical URL for index pages is the directory.
	if strings.HasSuffix(upath, "/index.html") {
		redirect(w, r, "./")
		return
	}

	root, err := os.OpenRoot(h.dir)
	if err != nil {
		http.Error(w, "static files unavailable", http.StatusInternalServerError)
		return
	}
	defer root.Close()

	name := strings.TrimPrefix(path.Clean(upath), "/")
	if name == "" {
		name = "."
	}
	fi, err := root.Stat(name)
	if err != nil {
		notFound(w, err)
		return
	}
	if fi.IsDir() {
		if !strings.HasSuffix(upath, "/") {
			redirect(w, r, path.Base(upath)+"/")
			return
		}
		name = path.Join(name, "index.html")
		if fi, err = root.Stat(name); err != nil {
			notFound(w, err)
			return
		}
	}
	if !fi.Mode().IsRegular() {
		http.NotFound(w, r)
		return
	}
	if isHiddenVariant(root, name) {
		http.NotFound(w, r)
		return
	}
	h.serveFile(w, r, root, name, fi)
}

// serveFile serves name (whose stat is fi), or one of its precompressed
// variants if the client accepts it.
func (h *handler) serveFile(w http.ResponseWriter, r *http.Request, root *os.Root, name string, fi fs.FileInfo) {
	// Collect usable variants: regular files not older than the original.
	var available []string
	variantInfo := map[string]fs.FileInfo{}
	for _, e := range encodings {
		vi, err := root.Stat(name + e.ext)
		if err != nil || !vi.Mode().IsRegular() || vi.ModTime().Before(fi.ModTime()) {
			continue
		}
		available = append(available, e.coding)
		variantInfo[e.coding] = vi
	}

	hdr := w.Header()
	if len(available) > 0 {
		hdr.Add("Vary", "Accept-Encoding")
	}
	hdr.Set("Cache-Control", "no-cache")
	hdr.Set(DecodedLengthHeader, strconv.FormatInt(fi.Size(), 10))

	coding := negotiate(r.Header.Values("Accept-Encoding"), available)
	sendName, sendInfo := name, fi
	if coding != "" {
		sendName, sendInfo = name+extFor(coding), variantInfo[coding]
	}

	f, err := root.Open(sendName)
	if err != nil {
		notFound(w, err)
		return
	}
	defer f.Close()

	ctype, err := contentType(root, name)
	if err != nil {
		http.Error(w, "cannot read file", http.StatusInternalServerError)
		return
	}
	hdr.Set("Content-Type", ctype)
	if coding != "" {
		hdr.Set("Content-Encoding", coding)
	}
	hdr.Set("ETag", etag(sendInfo, coding))
	http.ServeContent(&lengthWriter{ResponseWriter: w, size: sendInfo.Size()}, r, sendName, sendInfo.ModTime(), f)
}

// negotiate picks the content coding to send, given the request's
// Accept-Encoding header values and the codings available for the file (in
// server preference order). It returns "" for identity.
//
// The coding with the highest q-value wins; ties go to the earlier entry of
// available. q=0 means "not acceptable". A "*" entry covers codings not
// named explicitly. Identity is only chosen over an acceptable variant if the
// client explicitly ranks it higher (e.g. "identity;q=1, br;q=0.5").
func negotiate(acceptEncoding []string, available []string) string {
	if len(available) == 0 {
		return ""
	}
	qs := parseAcceptEncoding(acceptEncoding)
	qFor := func(coding string) (float64, bool) {
		if q, ok := qs[coding]; ok {
			return q, true
		}
		q, ok := qs["*"]
		return q, ok
	}
	best, bestQ := "", 0.0
	for _, c := range available {
		if q, ok := qFor(c); ok && q > bestQ {
			best, bestQ = c, q
		}
	}
	if best == "" {
		return ""
	}
	if q, ok := qs["identity"]; ok && q > bestQ {
		return ""
	}
	return best
}

// parseAcceptEncoding parses Accept-Encoding header values into a map from
// lower-case coding to q-value. Elements with malformed q-values are ignored;
// "x-gzip" is treated as "gzip". When a coding is listed more than once, the
// highest q-value counts.
func parseAcceptEncoding(values []string) map[string]float64 {
	qs := map[string]float64{}
	for _, v := range values {
		for elem := range strings.SplitSeq(v, ",") {
			coding, params, _ := strings.Cut(elem, ";")
			coding = strings.ToLower(strings.TrimSpace(coding))
			if coding == "" {
				continue
			}
			if coding == "x-gzip" {
				coding = "gzip"
			}
			q, ok := 1.0, true
			for p := range strings.SplitSeq(params, ";") {
				k, val, _ := strings.Cut(p, "=")
				if !strings.EqualFold(strings.TrimSpace(k), "q") {
					continue
				}
				f, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
				if err != nil || f < 0 || f > 1 {
					ok = false
					break
				}
				q = f
			}
			if !ok {
				continue
			}
			if old, seen := qs[coding]; !seen || q > old {
				qs[coding] = q
			}
		}
	}
	return qs
}

func extFor(coding string) string {
	for _, e := range encodings {
		if e.coding == coding {
			return e.ext
		}
	}
	return ""
}

// isHiddenVariant reports whether name is a precompressed variant (f.br or
// f.gz) of a file f that exists; such files are only served through content
// negotiation on f.
func isHiddenVariant(root *os.Root, name string) bool {
	for _, e := range encodings {
		if orig, ok := strings.CutSuffix(name, e.ext); ok && orig != "" && !strings.HasSuffix(orig, "/") {
			if fi, err := root.Stat(orig); err == nil && fi.Mode().IsRegular() {
				return true
			}
		}
	}
	return false
}

// contentType returns the Content-Type of the original file name: from the
// built-in table, then the system mime table, then by sniffing its content.
func contentType(root *os.Root, name string) (string, error) {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := contentTypes[ext]; ok {
		return t, nil
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t, nil
	}
	f, err := root.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	buf := make([]byte, 512)
	n, err := io.ReadFull(f, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", err
	}
	return http.DetectContentType(buf[:n]), nil
}

// etag builds a strong validator from the sent file's size and modification
// time, distinct per content coding (the bytes differ).
func etag(fi fs.FileInfo, coding string) string {
	tag := fmt.Sprintf("%x-%x", fi.ModTime().UnixNano(), fi.Size())
	if coding != "" {
		tag += "-" + coding
	}
	return `"` + tag + `"`
}

// validPath rejects paths with ".." elements, backslashes or NUL bytes.
func validPath(p string) bool {
	if strings.ContainsAny(p, "\\\x00") {
		return false
	}
	for seg := range strings.SplitSeq(p, "/") {
		if seg == ".." {
			return false
		}
	}
	return true
}

// notFound answers 404 for any error opening a file: missing files,
// permission problems and os.Root escape attempts (symlinks pointing outside
// the directory) alike, without leaking details.
func notFound(w http.ResponseWriter, _ error) {
	http.Error(w, "404 page not found", http.StatusNotFound)
}

// redirect sends a relative redirect, keeping the query string.
func redirect(w http.ResponseWriter, r *http.Request, target string) {
	if q := r.URL.RawQuery; q != "" {
		target += "?" + q
	}
	w.Header().Set("Location", target)
	w.WriteHeader(http.StatusMovedPermanently)
}

// lengthWriter sets Content-Length on full (200) responses.
// http.ServeContent leaves it out when Content-Encoding is set, which would
// make a precompressed response chunked; the size of the variant is known.
type lengthWriter struct {
	http.ResponseWriter
	size        int64
	wroteHeader bool
}

func (w *lengthWriter) WriteHeader(code int) {
	if !w.wroteHeader {
		w.wroteHeader = true
		if code == http.StatusOK && w.Header().Get("Content-Length") == "" {
			w.Header().Set("Content-Length", strconv.FormatInt(w.size, 10))
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *lengthWriter) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// ReadFrom keeps the underlying writer's sendfile fast path.
func (w *lengthWriter) ReadFrom(r io.Reader) (int64, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if rf, ok := w.ResponseWriter.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(writerOnly{w.ResponseWriter}, r)
}

func (w *lengthWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

type writerOnly struct{ io.Writer }
