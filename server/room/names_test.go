package room

import (
	"strings"
	"testing"

	"github.com/tickwire/tickwire/shared/wire"
)

func TestUniqueName(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 20)
	wide := strings.Repeat("𝐀", 16)
	for _, tc := range []struct {
		name  string
		taken []string
		want  string
	}{
		{"Ann", nil, "Ann"},
		{"Ann", []string{"Bob"}, "Ann"},
		{"Ann", []string{"Ann"}, "Ann 2"},
		{"Ann", []string{"Ann", "Ann 2"}, "Ann 3"},
		{"Ann", []string{"Ann", "Ann 3"}, "Ann 2"},
		{"ann", []string{"Ann"}, "ann"}, // names differ as the roster shows them
		{long, []string{long}, strings.Repeat("x", 18) + " 2"},
		{"Zoë Zoë Zoë Zoë Zoë ", []string{"Zoë Zoë Zoë Zoë Zoë "}, "Zoë Zoë Zoë Zoë Zo 2"},
		// Cut at a space: no double space before the number.
		{strings.Repeat("x", 17) + " yy", []string{strings.Repeat("x", 17) + " yy"}, strings.Repeat("x", 17) + " 2"},
		// 16 four-byte letters are 64 bytes, wire.MaxNameBytes: the numbered name stays within it.
		{wide, []string{wide}, strings.Repeat("𝐀", 15) + " 2"},
	} {
		got := uniqueName(tc.name, func(n string) bool {
			for _, x := range tc.taken {
				if x == n {
					return true
				}
			}
			return false
		})
		if got != tc.want || len(got) > wire.MaxNameBytes {
			t.Errorf("uniqueName(%q) with %q taken = %q (%d bytes), want %q", tc.name, tc.taken, got, len(got), tc.want)
		}
	}
}

// TestDuplicateNameIsNumbered joins two "ann"s: the second is seated as "ann 2", its welcome says
// so (the first's says nothing), and the roster shows both names.
func TestDuplicateNameIsNumbered(t *testing.T) {
	t.Parallel()
	r := newLineRoom(Config{Name: "r"})
	var a, b fakePeer
	r.Join(1, "ann", &a)
	r.Join(2, "ann", &b)
	r.step()
	welcome := func(p *fakePeer) wire.Welcome {
		t.Helper()
		p.mu.Lock()
		defer p.mu.Unlock()
		var w wire.Welcome
		if len(p.frames) == 0 || p.frames[0].Decode(&w) != nil {
			t.Fatalf("no welcome first: %v", p.ops())
		}
		return w
	}
	if wa, wb := welcome(&a), welcome(&b); wa.Name != "" || wb.Name != "ann 2" {
		t.Errorf("welcomes name %q and %q, want \"\" (as asked) and \"ann 2\"", wa.Name, wb.Name)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for i := len(b.frames) - 1; i >= 0; i-- {
		if b.frames[i].Op == wire.OpRoster {
			var m wire.Roster
			if err := b.frames[i].Decode(&m); err != nil {
				t.Fatal(err)
			}
			if len(m.Players) != 2 || m.Players[0].Name != "ann" || m.Players[1].Name != "ann 2" {
				t.Errorf("roster %+v, want ann and ann 2", m.Players)
			}
			return
		}
	}
	t.Error("no roster sent")
}
