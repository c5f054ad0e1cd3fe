package app

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tickwire/tickwire/shared/wire"
	"github.com/tickwire/tickwire/wasmclient/netclient"
)

func TestRosterChanges(t *testing.T) {
	t.Parallel()
	ann, bob, cy := wire.RosterEntry{Player: 1, Name: "Ann"}, wire.RosterEntry{Player: 2, Name: "Bob"}, wire.RosterEntry{Player: 3, Name: "Cy"}
	for _, tc := range []struct {
		name     string
		old, cur []wire.RosterEntry
		want     []string
	}{
		{"nothing", []wire.RosterEntry{ann}, []wire.RosterEntry{ann}, nil},
		{"a join", []wire.RosterEntry{ann}, []wire.RosterEntry{ann, bob}, []string{"Bob joined"}},
		{"a leave", []wire.RosterEntry{ann, bob}, []wire.RosterEntry{ann}, []string{"Bob left"}},
		{"both", []wire.RosterEntry{ann, bob}, []wire.RosterEntry{ann, cy}, []string{"Cy joined", "Bob left"}},
		// A seat is its player id: another player under a freed name is a leave and a join.
		{"same name", []wire.RosterEntry{bob}, []wire.RosterEntry{{Player: 4, Name: "Bob"}}, []string{"Bob joined", "Bob left"}},
	} {
		if got := rosterChanges(tc.old, tc.cur); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestReconnectText(t *testing.T) {
	t.Parallel()
	now := time.Unix(1000, 0)
	for _, tc := range []struct {
		name        string
		v           netclient.View
		title, line string
	}{
		{"unreachable", netclient.View{Reason: "Can't reach the server", RetryAt: now.Add(7200 * time.Millisecond)},
			"Connection lost", "Can't reach the server — trying again in 8 s"},
		{"lost", netclient.View{Reason: "connection to the server lost", RetryAt: now.Add(time.Second)},
			"Connection lost", "Can't reach the server — trying again in 1 s"},
		{"restarting", netclient.View{Code: int(wire.CloseGoingAway), Reason: "the server is shutting down"},
			"Server restarting…", "the server is shutting down — trying again now…"},
		{"slow", netclient.View{Code: int(wire.CloseSlowClient), Reason: "too slow", RetryAt: now.Add(3 * time.Second)},
			"Connection lost", "too slow — trying again in 3 s"},
	} {
		title, line := reconnectText(tc.v, now)
		if title != tc.title || line != tc.line || strings.Contains(line, "ws://") {
			t.Errorf("%s: %q / %q, want %q / %q", tc.name, title, line, tc.title, tc.line)
		}
	}
}

// TestEveryErrorScreenLeadsToTheLobby: each close code's screen offers what helps with it, and the
// lobby last, whatever the code.
func TestEveryErrorScreenLeadsToTheLobby(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		code       wire.CloseCode
		spectating bool
		reload     bool
		room       string
		want       string
	}{
		{wire.CloseRoomFull, false, true, "r", "Watch,Back to lobby"},
		{wire.CloseRoomFull, true, true, "r", "Back to lobby"},
		{wire.CloseBadVersion, false, true, "", "Reload,Back to lobby"},
		{wire.CloseBadVersion, false, false, "", "Back to lobby"},
		{wire.CloseBadRoom, false, true, "Friday Night!", "Play in friday-night,Back to lobby"},
		{wire.CloseBadRoom, false, true, "!!!", "Back to lobby"},
		{wire.CloseBadName, false, true, "", "Change name,Back to lobby"},
		{wire.CloseNoRoom, true, true, "gone", "Back to lobby"},
		{wire.CloseUnknownGame, false, true, "", "Back to lobby"},
		{wire.CloseServerFull, false, true, "", "Try again,Back to lobby"},
		{wire.CloseNormal, false, true, "", "Reconnect,Back to lobby"},
		{0, false, true, "", "Reconnect,Back to lobby"},
	} {
		p, _ := planFor(int(tc.code), tc.spectating, tc.reload, tc.room)
		var got []string
		for _, w := range p.ways {
			got = append(got, w.label)
		}
		if strings.Join(got, ",") != tc.want || p.ways[len(p.ways)-1].to != exitLobby || p.heading == "" {
			t.Errorf("code %d (spectating %v, reload %v, room %q): %q %q, want %q ending in the lobby",
				tc.code, tc.spectating, tc.reload, tc.room, p.heading, got, tc.want)
		}
	}
}
