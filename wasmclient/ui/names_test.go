package ui

import (
	"math/rand/v2"
	"testing"
	"unicode/utf8"
)

func TestRandomName(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	seen := map[string]bool{}
	for range 200 {
		name := RandomName(r)
		seen[name] = true
		if n := utf8.RuneCountInString(name); n == 0 || n > MaxNameRunes {
			t.Fatalf("%q has %d characters", name, n)
		}
		if NewNameField(name).Name() != name {
			t.Fatalf("%q is not a valid name", name)
		}
	}
	if len(seen) < 50 {
		t.Errorf("only %d distinct names in 200", len(seen))
	}
}

func TestNameField(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		start     string
		typed     string
		backspace int
		text      string
		want      string
	}{
		{name: "typing", start: "Ann", typed: "ie", text: "Annie", want: "Annie"},
		{name: "punctuation", typed: "O'Neil-2 _.!?", text: "O'Neil-2 _.!?", want: "O'Neil-2 _.!?"},
		{name: "refused characters", typed: "a<b>\tc\x00/", text: "abc", want: "abc"},
		{name: "limit", typed: "abcdefghijklmnopqrstuvwxyz", text: "abcdefghijklmnopqrst", want: "abcdefghijklmnopqrst"},
		{name: "limit counts runes", typed: "ééééééééééééééééééééé", text: "éééééééééééééééééééé", want: "éééééééééééééééééééé"},
		{name: "start is cut", start: "x/y", text: "xy", want: "xy"},
		{name: "backspace", start: "Bob", backspace: 1, text: "Bo", want: "Bo"},
		{name: "backspace past empty", start: "Bo", backspace: 5, text: "", want: ""},
		{name: "trimmed", typed: "  Zed ", text: "  Zed ", want: "Zed"},
		{name: "blank", typed: "   ", text: "   ", want: ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := NewNameField(tc.start)
			f.Type([]rune(tc.typed))
			for range tc.backspace {
				f.Backspace()
			}
			if f.Text() != tc.text || f.Name() != tc.want {
				t.Errorf("Text %q Name %q, want %q %q", f.Text(), f.Name(), tc.text, tc.want)
			}
		})
	}
}

func TestWrap(t *testing.T) {
	t.Parallel()
	// Every character is one unit wide.
	measure := func(s string) float64 { return float64(utf8.RuneCountInString(s)) }
	cases := []struct {
		name  string
		s     string
		width float64
		want  []string
	}{
		{"fits", "room is full", 20, []string{"room is full"}},
		{"breaks between words", "the room is full right now", 11, []string{"the room is", "full right", "now"}},
		{"long word alone", "a supercalifragilistic word", 8, []string{"a", "supercalifragilistic", "word"}},
		{"newline", "one\ntwo three", 20, []string{"one", "two three"}},
		{"extra spaces", "  a   b  ", 20, []string{"a b"}},
		{"empty", "", 10, []string{""}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := Wrap(tc.s, tc.width, measure)
			if len(got) != len(tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("got %q, want %q", got, tc.want)
				}
			}
		})
	}
}
