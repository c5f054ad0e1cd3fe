package netclient

import (
	"encoding/json"

	"github.com/tickwire/tickwire/shared/sim"
)

// DebugView is the client's view as plain data, for tests and tools: the page exposes it as JSON
// through window.tickwireView(). Everything in it is what the client received from the server.
type DebugView struct {
	// Mode is "play" (a connection: everything below is what it received) or "replay" (a
	// recording played back: Tick is the tick drawn, Entities its entities, and DebugReplay
	// says the rest).
	Mode    string `json:"mode"`
	Status  string `json:"status"`
	Attempt int    `json:"attempt,omitempty"`
	Code    int    `json:"code,omitempty"`
	Reason  string `json:"reason,omitempty"`
	// URL is the server the client plays on (or is connecting to); Redirects how many redirects
	// between a cluster's nodes it followed to get there.
	URL       string `json:"url,omitempty"`
	Redirects int    `json:"redirects,omitempty"`
	Game      string `json:"game,omitempty"`
	Room      string `json:"room,omitempty"`
	Player    uint32 `json:"player,omitempty"`
	Spectator bool   `json:"spectator,omitempty"`
	Private   bool   `json:"private,omitempty"`
	Tick      uint32 `json:"tick"`
	Ack       uint32 `json:"ack"`
	Snapshots int    `json:"snapshots"`
	Events    int    `json:"events"` // game messages received
	RTTMillis int64  `json:"rttMs"`
	// Welcomes counts the welcomes over the client's life (a resumed seat, at the node the room
	// moved to or after a lost connection, is one more).
	Welcomes int `json:"welcomes"`
	// Rollbacks counts the resumes welcomed behind the newest snapshot seen (a room restored from a
	// checkpoint after its node died); RolledBack is how many ticks the last went back, and
	// RolledBackMillis the same in milliseconds at the room's tick rate.
	Rollbacks        int    `json:"rollbacks,omitempty"`
	RolledBack       uint32 `json:"rolledBack,omitempty"`
	RolledBackMillis int64  `json:"rolledBackMs,omitempty"`
	// Notice is the line the play screen shows now (View.Notice: for 5 s after a rollback), filled
	// in by the caller; empty without one.
	Notice string `json:"notice,omitempty"`
	// Frames is the number of frames the game has drawn, filled in by the caller.
	Frames int `json:"frames"`
	// NetGraph says whether the net graph is shown, filled in by the caller; Net holds the newest
	// value of each of its series (ping, jitter, delay, corrections, ...).
	NetGraph bool               `json:"netGraph"`
	Net      map[string]float64 `json:"net,omitempty"`
	// Texts are the texts the game drew in its last frame and where, filled in by the caller for a
	// game that reports them (app.TextReporter): for a test that checks nothing is cut off.
	Texts []DebugText `json:"texts,omitempty"`
	// Entities groups the newest snapshot's entities by kind name; each is its id, its owner's name
	// when it is a player's avatar, and its fields by schema name.
	Entities map[string][]DebugEntity `json:"entities"`
	// Board is the scores the game shows while playing (app.Scorer: the arena's leaderboard),
	// filled in by the caller; empty for a game without them.
	Board []DebugPlayer `json:"board,omitempty"`
	// Page is what the page shows over the game (its screen, buttons, menu, toasts), filled in by
	// the caller.
	Page *DebugPage `json:"page,omitempty"`
	// DebugReplay is set in mode "replay", its fields inline.
	*DebugReplay
}

// DebugReplay is a replay's playback, for a [DebugView] in mode "replay": the recording's first
// and last ticks and its tick rate, the speed, whether it plays, the player followed (0: the
// game's choice) and the players seated at the tick drawn, with the scores the game shows.
type DebugReplay struct {
	First     uint32        `json:"first"`
	Last      uint32        `json:"last"`
	TickRate  int           `json:"tickRate"`
	Speed     float64       `json:"speed"`
	Playing   bool          `json:"playing"`
	Following uint32        `json:"following"`
	Players   []DebugPlayer `json:"players"`
}

// DebugPlayer is one player of a [DebugReplay], or a row of a [DebugView]'s Board.
type DebugPlayer struct {
	ID    uint32 `json:"id"`
	Name  string `json:"name"`
	Score int32  `json:"score"`
}

// DebugText is a text drawn on the screen and its box, in CSS pixels from the top left.
type DebugText struct {
	Text string  `json:"text"`
	X    float64 `json:"x"`
	Y    float64 `json:"y"`
	W    float64 `json:"w"`
	H    float64 `json:"h"`
}

// DebugEntity is one entity of a [DebugView].
type DebugEntity struct {
	ID     uint32           `json:"id"`
	Name   string           `json:"name,omitempty"`
	Fields map[string]int32 `json:"fields"`
}

// Debug returns v as a [DebugView], naming kinds and fields by schema.
func Debug(v View, schema sim.Schema) DebugView {
	d := DebugView{
		Mode: "play", Status: v.Status.String(), Attempt: v.Attempt, Code: v.Code, Reason: v.Reason, URL: v.URL, Redirects: v.Redirects,
		Game: v.Welcome.Game, Room: v.Welcome.Room, Player: uint32(v.Welcome.Player),
		Spectator: v.Welcome.Spectator, Private: v.Welcome.Private,
		Tick: v.Tick, Ack: v.Ack, Snapshots: v.Snapshots, Events: v.Events, RTTMillis: v.RTT.Milliseconds(),
		Welcomes: v.Welcomes, Rollbacks: v.Rollbacks, RolledBack: v.RolledBack,
		RolledBackMillis: int64(v.RolledBack) * 1000 / int64(max(v.Welcome.TickRate, 1)),
		Entities:         map[string][]DebugEntity{},
	}
	for i := range v.Entities {
		e := &v.Entities[i]
		if int(e.Kind) >= len(schema) {
			continue
		}
		k := schema[e.Kind]
		de := DebugEntity{ID: uint32(e.ID), Fields: map[string]int32{}}
		if e.ID < 1<<16 {
			de.Name = v.Name(sim.PlayerID(e.ID))
		}
		for j, f := range k.Fields {
			de.Fields[f.Name] = e.Field(j)
		}
		d.Entities[k.Name] = append(d.Entities[k.Name], de)
	}
	return d
}

// JSON returns d encoded as JSON.
func (d DebugView) JSON() string {
	b, err := json.Marshal(d)
	if err != nil {
		return `{"status":"error"}`
	}
	return string(b)
}
