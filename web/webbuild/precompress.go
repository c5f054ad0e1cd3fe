package webbuild

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/andybalholm/brotli"
)

// Suffixes of the precompressed variants (served by server/static).
const (
	BrotliSuffix = ".br"
	GzipSuffix   = ".gz"
)

// DefaultBrotliQuality is the brotli quality used by Precompress.
//
// Measured on a 19.2 MB GOOS=js GOARCH=wasm binary (Ebiten, msgpack,
// websocket, net/http, go/types, ...) with andybalholm/brotli v1.2.8, window
// 2^22, one core of a 2-core x86-64 machine. For comparison gzip
// BestCompression gives 4.61 MB (24.0%) in 2.5 s.
//
//	quality  size      ratio  time
//	5        3.89 MB   20.2%    1.3 s
//	7        3.81 MB   19.8%    2.5 s
//	9        3.77 MB   19.6%    4.9 s
//	10       3.40 MB   17.7%   55 s
//	11       3.31 MB   17.2%    7 min
//
// Quality 7 costs about as much as the gzip pass that runs alongside it, so
// it adds no wall time to a build; quality 9 would only save another 1%.
// Qualities 10 and 11 use the slow optimal parser: 11% to 13% smaller, but
// about a minute and seven minutes per build, far too slow for the
// edit-build-reload loop. Set TICKWIRE_BROTLI_QUALITY=11 for a release
// build where download size matters more than build time.
const DefaultBrotliQuality = 7

// brotliLGWin is the brotli window (2^22 = 4 MiB). The 2^24 window measured
// slightly larger output at qualities up to 8 and was slower at all of them.
const brotliLGWin = 22

// BrotliQualityEnv overrides DefaultBrotliQuality (0-11).
const BrotliQualityEnv = "TICKWIRE_BROTLI_QUALITY"

// brotliQuality parses the value of BrotliQualityEnv ("" = default).
func brotliQuality(env string) (int, error) {
	env = strings.TrimSpace(env)
	if env == "" {
		return DefaultBrotliQuality, nil
	}
	q, err := strconv.Atoi(env)
	if err != nil || q < 0 || q > 11 {
		return 0, fmt.Errorf("%s=%q: want an integer from 0 to 11", BrotliQualityEnv, env)
	}
	return q, nil
}

// Precompress writes path.gz (gzip, best compression) and path.br (brotli,
// DefaultBrotliQuality) next to path. A variant is left alone when it is
// newer than path. Both are written through temporary files, so an
// interrupted run never leaves a truncated variant that looks up to date.
// The two compressions run concurrently.
func Precompress(path string) error {
	quality, err := brotliQuality(os.Getenv(BrotliQualityEnv))
	if err != nil {
		return err
	}
	src, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !src.Mode().IsRegular() {
		return fmt.Errorf("precompress %s: not a regular file", path)
	}
	type job struct {
		dst      string
		compress func(io.Writer, io.Reader) error
	}
	jobs := []job{
		{path + BrotliSuffix, func(w io.Writer, r io.Reader) error {
			bw := brotli.NewWriterOptions(w, brotli.WriterOptions{Quality: quality, LGWin: brotliLGWin})
			if _, err := io.Copy(bw, r); err != nil {
				return err
			}
			return bw.Close()
		}},
		{path + GzipSuffix, func(w io.Writer, r io.Reader) error {
			gw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
			if err != nil {
				return err
			}
			if _, err := io.Copy(gw, r); err != nil {
				return err
			}
			return gw.Close()
		}},
	}
	errs := make(chan error, len(jobs))
	for _, j := range jobs {
		if upToDate(j.dst, src) {
			errs <- nil
			continue
		}
		go func() {
			errs <- compressFile(j.dst, path, j.compress)
		}()
	}
	var all []error
	for range jobs {
		if err := <-errs; err != nil {
			all = append(all, err)
		}
	}
	return errors.Join(all...)
}

// upToDate reports whether dst exists and is newer than src.
func upToDate(dst string, src os.FileInfo) bool {
	fi, err := os.Stat(dst)
	return err == nil && fi.Mode().IsRegular() && fi.ModTime().After(src.ModTime())
}

func compressFile(dst, src string, compress func(io.Writer, io.Reader) error) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	err = writeAtomic(dst, func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 1<<20)
		if err := compress(bw, bufio.NewReaderSize(in, 1<<20)); err != nil {
			return err
		}
		return bw.Flush()
	})
	if err != nil {
		return fmt.Errorf("precompress %s: %w", dst, err)
	}
	return nil
}
