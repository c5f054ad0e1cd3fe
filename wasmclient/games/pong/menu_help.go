package pong

// Controls implements app.Helper: the controls the in-game menu's Controls shows (the line under
// the field says the same).
func (c *Client) Controls(touch bool) []string {
	if touch {
		return []string{"Drag to move your paddle", "Tap when ready"}
	}
	return []string{"W/S or arrows: move", "Space: ready", "1–4: emotes", "F3: net graph", "Esc: menu"}
}
