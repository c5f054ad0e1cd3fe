package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestReplayURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, ws, id, want, err string
	}{
		{"ws", "ws://localhost:8080/ws", "arena-r1-1733240000000", "http://localhost:8080/api/replays/arena-r1-1733240000000", ""},
		{"wss", "wss://example.com/ws", "pong-duel-mi8u2x1c-3fa91b", "https://example.com/api/replays/pong-duel-mi8u2x1c-3fa91b", ""},
		{"empty", "ws://h/ws", "", "", "not a replay id"},
		{"a path", "ws://h/ws", "../etc/passwd", "", "not a replay id"},
		{"a slash", "ws://h/ws", "a/b", "", "not a replay id"},
		{"a dot", "ws://h/ws", "a.twr", "", "not a replay id"},
		{"upper case", "ws://h/ws", "Arena-r1", "", "not a replay id"},
		{"a query", "ws://h/ws", "a?b=1", "", "not a replay id"},
		{"too long", "ws://h/ws", strings.Repeat("a", 81), "", "not a replay id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := replayURL(tt.ws, tt.id)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("replayURL(%q) = %q, %v; want an error with %q", tt.id, got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("replayURL(%q) = %q, %v; want %q", tt.id, got, err, tt.want)
			}
		})
	}
}

func TestFetchReplay(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/replays/good":
			w.Write([]byte("\x28\xb5\x2f\xfd")) // the bytes are the page's to judge, not the fetch's
		case "/api/replays/refused":
			http.Error(w, "not allowed", http.StatusForbidden)
		default:
			http.Error(w, "no such replay", http.StatusNotFound)
		}
	}))
	defer srv.Close()
	ws := "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws"
	ctx := context.Background()
	if data, err := fetchReplay(ctx, ws, "good"); err != nil || string(data) != "\x28\xb5\x2f\xfd" {
		t.Errorf("good: %q, %v", data, err)
	}
	for id, want := range map[string]string{"gone": "has no replay gone: it may be older", "refused": "refused replay refused: not allowed",
		"../x": "not a replay id"} {
		if _, err := fetchReplay(ctx, ws, id); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error with %q", id, err, want)
		}
	}
}

func TestFindReplay(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/replays" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(`{"replays":[{"id":"pong-r1-3","game":"pong","room":"r1","ticks":9,"started":"2026-12-03T12:00:00Z"},
			{"id":"arena-r2-2","game":"arena","room":"r2","started":"2026-12-03T12:00:00Z"},
			{"id":"arena-r1-2","game":"arena","room":"r1","started":"2026-12-03T12:00:00Z"},
			{"id":"arena-r1-1","game":"arena","room":"r1","started":"2026-12-03T11:00:00Z"},
			{"id":"arena-r4-1","game":"arena","room":"r4","started":"2026-12-02T12:00:00Z","seconds":600},
			{"id":"arena-r5-1","game":"arena","room":"r5","started":"2026-12-03T11:55:00Z","seconds":300},
			{"id":"../bad","game":"arena","room":"r3","started":"2026-12-03T12:00:00Z"}]}`))
	}))
	defer srv.Close()
	ws := "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws"
	since := time.Date(2026, 12, 3, 11, 59, 30, 0, time.UTC) // this page's session began then
	for _, tt := range []struct{ game, room, want string }{
		{"arena", "r1", "arena-r1-2"}, {"pong", "r1", "pong-r1-3"}, {"arena", "r9", ""}, {"arena", "r3", ""},
		{"arena", "r4", ""},           // only a match that ended before this session: not its file
		{"arena", "r5", "arena-r5-1"}, // began before this page joined, ended after: this session's
	} {
		if got, err := findReplay(context.Background(), ws, tt.game, tt.room, since); err != nil || got != tt.want {
			t.Errorf("findReplay(%s, %s) = %q, %v; want %q (the newest of this session listed)", tt.game, tt.room, got, err, tt.want)
		}
	}
}
