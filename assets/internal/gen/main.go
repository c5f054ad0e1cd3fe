// Command gen writes the demo's generated assets: the Go fonts, copied from golang.org/x/image, and
// the sound effects, synthesised here from sine waves and seeded noise so that no recording (and no
// third-party license) is involved. Its output is committed; run it again only to change a sound:
//
//	go generate ./assets
//
// The output is deterministic: running it twice writes the same bytes.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run() error {
	dir := flag.String("dir", ".", "the assets directory to write fonts/ and sounds/ into")
	flag.Parse()
	files := map[string][]byte{
		"fonts/Go-Regular.ttf": goregular.TTF,
		"fonts/Go-Bold.ttf":    gobold.TTF,
		"sounds/pickup.wav":    WAV(Pickup()),
		"sounds/golden.wav":    WAV(Golden()),
		"sounds/dash.wav":      WAV(Dash()),
	}
	for name, b := range files {
		p := filepath.Join(*dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
