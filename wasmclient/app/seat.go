package app

// takeResume returns the resume token the page kept for this tab (Page.Resume), once: the first
// connection presents it, a later one (Reconnect, another name) joins as asked.
func (a *App[I]) takeResume() string {
	t := a.cfg.Page.Resume
	a.cfg.Page.Resume = ""
	return t
}

// tellSeated tells the page each new welcome (Page.Seated): it then names the room in its address
// and keeps the seat's token for the tab, so that a reload resumes the seat.
func (a *App[I]) tellSeated() {
	c := a.client.Load()
	if c == nil || a.cfg.Page.Seated == nil {
		return
	}
	w, n, up := c.Welcomed()
	if !up || n == a.seated {
		return
	}
	a.seated = n
	name := a.cfg.Name
	if w.Name != "" {
		name = w.Name // the room gave another (a duplicate's "Ann 2")
	}
	a.cfg.Page.Seated(w, name)
}
