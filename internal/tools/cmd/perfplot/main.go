// Command perfplot turns the JSON summaries of a cost-growth sweep into a plot and a table: the
// server's (and the bots') CPU per player-second against players per room and against the number of
// rooms. `go tool mage perfreport` runs the sweep and then this command; it also runs on saved JSON
// without re-running anything:
//
//	go run ./internal/tools/cmd/perfplot -in dist/perf -svg docs/perf-growth.svg -doc docs/PERFORMANCE.md
//
// The directory holds the load tester's -json output, one run a file: perroom-NNN.json for the
// sweep of players per room at a fixed player count, rooms-NNN.json for the sweep of rooms of 10.
// -svg writes a plain SVG; -doc replaces the table between its markers in a markdown file; without
// -doc the table goes to stdout.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "perfplot:", err)
			os.Exit(1)
		}
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("perfplot", flag.ContinueOnError)
	fs.SetOutput(stderr)
	in := fs.String("in", "", "directory of the sweep's JSON summaries (perroom-*.json, rooms-*.json); required")
	svgOut := fs.String("svg", "", "file to write the plot to, as SVG (default: no plot)")
	doc := fs.String("doc", "", "markdown file whose table, between perfplot's markers, is replaced (default: the table to stdout)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *in == "" || fs.NArg() > 0 {
		return errors.New("usage: perfplot -in DIR [-svg FILE] [-doc FILE]")
	}
	runs, err := loadRuns(*in)
	if err != nil {
		return err
	}
	if *svgOut != "" {
		if err := os.WriteFile(*svgOut, []byte(svg(runs)), 0o644); err != nil {
			return err
		}
	}
	tbl := table(runs)
	if *doc == "" {
		_, err := io.WriteString(stdout, tbl)
		return err
	}
	old, err := os.ReadFile(*doc)
	if err != nil {
		return err
	}
	updated, err := replaceTable(string(old), tbl)
	if err != nil {
		return fmt.Errorf("%s: %w", *doc, err)
	}
	return os.WriteFile(*doc, []byte(updated), 0o644)
}
