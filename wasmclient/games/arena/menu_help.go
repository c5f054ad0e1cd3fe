package arena

// Controls implements app.Helper: the controls the in-game menu's Controls shows (the HUD's
// first-seconds help says the same).
func (c *Client) Controls(touch bool) []string {
	if touch {
		return []string{"Drag on the left to move", "Tap DASH to dash"}
	}
	return []string{"WASD or arrow keys: move", "Space: dash", "F3: net graph", "Esc: menu"}
}
