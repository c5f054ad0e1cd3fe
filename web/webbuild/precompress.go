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
// Measured on the 18.7 MB GOOS=js GOARCH=wasm binary of December 2026 (Ebiten, msgpack, zstd, no
// net/http) with andybalholm/brotli v1.2.8, window 2^22, one core of a shared 2-core x86-64
// machine (steal 0, load 4.8 to 1.9):
//
//	quality  size      time
//	7        3.64 MB    5 s
//	9        3.59 MB    3 s
//	10       3.28 MB   21 s
//
// Quality 10 is the first that uses brotli's slow optimal parser: 10% smaller than 9, which is
// what keeps a first visit under its 3.5 MB budget (docs/LOADING.md). Its 21 s run alongside the
// gzip pass, during a build whose wasm link takes longer. (On the 19.2 MB binary of an older
// build, 11 measured 3% smaller than 10 but took 7 minutes.) Set TICKWIRE_BROTLI_QUALITY=5 for a
// quick edit-build-reload loop where the download size does not matter.
const DefaultBrotliQuality = 10

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
