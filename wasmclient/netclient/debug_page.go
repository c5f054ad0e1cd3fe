package netclient

// DebugPage is what the page shows over the game, for a [DebugView]: filled in by the app (the
// client's screens), not received from the server. Positions are in CSS pixels, the page's, so
// that a browser test can click a button where the view says it is.
type DebugPage struct {
	// Scene is the screen showing: "title", "connecting", "playing", "closed" or "replay".
	Scene string `json:"scene"`
	// Buttons are the canvas buttons a player can press now, in drawing order.
	Buttons []DebugButton `json:"buttons,omitempty"`
	// Heading is the closed screen's title ("Room full", say); empty on the other screens.
	Heading string `json:"heading,omitempty"`
	// Overlay is the line drawn over a game that lost its connection ("Can't reach the server —
	// trying again in 8 s"); empty while connected.
	Overlay string `json:"overlay,omitempty"`
	// Menu says the in-game menu is open; Invite is the link its Invite copied last.
	Menu   bool   `json:"menu,omitempty"`
	Invite string `json:"invite,omitempty"`
	// Muted and Volume are the sound's settings (Volume 0 to 1).
	Muted  bool    `json:"muted"`
	Volume float64 `json:"volume"`
	// Toasts are the join and leave notices showing ("Ann joined"), oldest first.
	Toasts []string `json:"toasts,omitempty"`
}

// DebugButton is a canvas button: its label and its rectangle in CSS pixels.
type DebugButton struct {
	Label string  `json:"label"`
	X     float64 `json:"x"`
	Y     float64 `json:"y"`
	W     float64 `json:"w"`
	H     float64 `json:"h"`
}
