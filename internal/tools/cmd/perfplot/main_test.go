package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (go test -run %s -update to accept):\n%s", name, t.Name(), got)
	}
}

// TestReport makes the plot and the table of a small saved sweep: two runs of players per room, two
// of rooms (one the same run), one of them overloaded, with steal and without the bots' CPU.
func TestReport(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	svgPath, docPath := filepath.Join(dir, "plot.svg"), filepath.Join(dir, "doc.md")
	doc := "# Before\n\n" + tableStart + "\nold table\n" + tableEnd + "\n\nAfter.\n"
	if err := os.WriteFile(docPath, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if err := run([]string{"-in", filepath.Join("testdata", "sweep"), "-svg", svgPath, "-doc", docPath}, &stdout, &stderr); err != nil {
		t.Fatal(err, stderr.String())
	}
	svg, err := os.ReadFile(svgPath)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "sweep.svg", string(svg))
	md, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "sweep.md", string(md))
	if !strings.HasPrefix(string(md), "# Before\n") || !strings.HasSuffix(string(md), tableEnd+"\n\nAfter.\n") || strings.Contains(string(md), "old table") {
		t.Errorf("the document outside the markers changed, or the old table stayed:\n%s", md)
	}
	// Without -doc the table goes to stdout, and it is the same table.
	stdout.Reset()
	if err := run([]string{"-in", filepath.Join("testdata", "sweep")}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), stdout.String()) {
		t.Errorf("the table on stdout is not the one in the document:\n%s", stdout.String())
	}
}

func TestRefusals(t *testing.T) {
	t.Parallel()
	empty := t.TempDir()
	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, "rooms-010.json"), []byte("not json"), 0o644)
	noRooms := t.TempDir()
	os.WriteFile(filepath.Join(noRooms, "rooms-010.json"), []byte(`{"bots":100,"rooms":0}`), 0o644)
	noMarkers := filepath.Join(t.TempDir(), "doc.md")
	os.WriteFile(noMarkers, []byte("# A document without markers\n"), 0o644)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no directory", nil, "usage"},
		{"no runs", []string{"-in", empty}, "no perroom-*.json"},
		{"not JSON", []string{"-in", bad}, "not a load tester's JSON summary"},
		{"no rooms", []string{"-in", noRooms}, "not part of a sweep"},
		{"no markers", []string{"-in", filepath.Join("testdata", "sweep"), "-doc", noMarkers}, "no table markers"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out, errs bytes.Buffer
			err := run(tc.args, &out, &errs)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err %v, want one saying %q", err, tc.want)
			}
		})
	}
}
