package netclient

import (
	"strings"
	"testing"

	"github.com/tickwire/tickwire/shared/wire"
)

func TestCheckURL(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		url string
		ok  bool
	}{
		{"ws://127.0.0.1:8081/ws", true},
		{"wss://eu1.example.com/ws", true},
		{"wss://[::1]:443/ws?x=1", true},
		{"http://eu1.example.com/ws", false},
		{"https://eu1.example.com/ws", false},
		{"file:///etc/passwd", false},
		{"javascript:alert(1)", false},
		{"ws:///ws", false},                        // no host
		{"ws://user:pass@eu1.example.com/", false}, // credentials are never the server's to hand out
		{"/ws", false},                             // relative
		{"", false},
		{"ws://%zz/", false}, // unparseable
	} {
		t.Run(tt.url, func(t *testing.T) {
			t.Parallel()
			err := checkURL(tt.url)
			if (err == nil) != tt.ok {
				t.Fatalf("checkURL(%q) = %v, want ok %v", tt.url, err, tt.ok)
			}
			if err != nil && !strings.Contains(err.Error(), "the server sent this client to") {
				t.Errorf("unreadable reason %q", err)
			}
		})
	}
}

// TestRoute walks the route through the rules of redirect.go, one step per row: where the next
// hello goes, with which reservation, and when the client gives up.
func TestRoute(t *testing.T) {
	t.Parallel()
	const home, b, c = "ws://a/ws", "ws://b/ws", "ws://c/ws"
	type step struct {
		name      string
		do        func(r *route) error
		current   string
		reserved  string
		goingHome bool // only for ended
		fails     bool
	}
	redirect := func(url, token string) func(r *route) error {
		return func(r *route) error { return r.follow(&wire.Redirect{URL: url, Token: token}) }
	}
	var goingHome bool
	ended := func(unreached bool) func(r *route) error {
		return func(r *route) error { goingHome = r.ended(unreached); return nil }
	}
	for _, tt := range []struct {
		name  string
		steps []step
	}{
		{"redirect then welcome", []step{
			{name: "redirect", do: redirect(b, "tok"), current: b, reserved: "tok"},
			{name: "lost after the welcome", do: ended(false), current: b},
		}},
		{"dead node sends home", []step{
			{name: "redirect", do: redirect(b, "tok"), current: b, reserved: "tok"},
			{name: "lost", do: ended(false), current: b},
			{name: "b unreachable", do: ended(true), current: home, goingHome: true},
			{name: "home unreachable: stays", do: ended(true), current: home},
		}},
		{"refused reservation goes home", []step{
			{name: "redirect", do: redirect(c, "stale"), current: c, reserved: "stale"},
			{name: "4019", do: func(r *route) error { return r.refused() }, current: home},
		}},
		{"redirect without a token", []step{
			{name: "resume redirected", do: redirect(c, ""), current: c},
		}},
		{"bad scheme", []step{
			{name: "http", do: redirect("http://b/ws", "tok"), current: home, fails: true},
		}},
		{"no downgrade from wss to ws", []step{
			{name: "to wss", do: redirect("wss://s/ws", "t1"), current: "wss://s/ws", reserved: "t1"},
			{name: "wss to wss", do: redirect("wss://t/ws", "t2"), current: "wss://t/ws", reserved: "t2"},
			{name: "wss to ws", do: redirect("ws://u/ws", "t3"), current: "wss://t/ws", fails: true},
		}},
		{"missing frame", []step{
			{name: "4018 alone", do: func(r *route) error { return r.follow(nil) }, current: home, fails: true},
		}},
		{"bounce ends", []step{
			{name: "1", do: redirect(b, "t1"), current: b, reserved: "t1"},
			{name: "2", do: redirect(home, "t2"), current: home, reserved: "t2"},
			{name: "3", do: redirect(b, "t3"), current: b, reserved: "t3"},
			{name: "4", do: redirect(home, "t4"), current: home, reserved: "t4"},
			{name: "5: too many", do: redirect(b, "t5"), current: home, fails: true},
		}},
		{"a failed attempt ends a run of hops", []step{
			{name: "1", do: redirect(b, ""), current: b},
			{name: "2", do: redirect(c, ""), current: c},
			{name: "3", do: redirect(b, ""), current: b},
			{name: "4", do: redirect(c, ""), current: c},
			{name: "c unreachable", do: ended(true), current: home, goingHome: true},
			{name: "5", do: redirect(c, ""), current: c},
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := newRoute(home)
			for _, s := range tt.steps {
				goingHome = false
				err := s.do(&r)
				if (err != nil) != s.fails {
					t.Fatalf("%s: error %v, want failure %v", s.name, err, s.fails)
				}
				if r.current != s.current || r.reservation != s.reserved || goingHome != s.goingHome {
					t.Fatalf("%s: at %s with reservation %q (going home %v), want %s with %q (%v)",
						s.name, r.current, r.reservation, goingHome, s.current, s.reserved, s.goingHome)
				}
			}
		})
	}
}
