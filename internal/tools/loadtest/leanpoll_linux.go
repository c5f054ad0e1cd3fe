package loadtest

import "syscall"

// leanPoller tells a shard's driver which of its lean bots have something to read, with one
// epoll_wait a pass instead of a read per bot: snapshots come 20 times a second and the driver
// passes 30 times, so a read per bot and pass found nothing a third of the time.
type leanPoller struct {
	epfd   int
	events []syscall.EpollEvent
}

// newLeanPoller returns a poller for at most size bots, or nil when the kernel gives none (the
// driver then reads every bot each pass).
func newLeanPoller(size int) *leanPoller {
	fd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return nil
	}
	return &leanPoller{epfd: fd, events: make([]syscall.EpollEvent, size)}
}

// add watches fd for bot id (its index in the shard). Level-triggered: a socket left with bytes
// unread is reported again at the next pass. Closing fd stops the watch.
func (p *leanPoller) add(fd int, id int32) error {
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN | syscall.EPOLLRDHUP, Fd: id}
	return syscall.EpollCtl(p.epfd, syscall.EPOLL_CTL_ADD, fd, &ev)
}

// ready calls fn with the id of each bot whose socket has something to read (or has closed),
// without waiting: one system call for all of them, since the poller has room for every bot.
func (p *leanPoller) ready(fn func(id int32)) error {
	n, err := syscall.EpollWait(p.epfd, p.events, 0)
	for err == syscall.EINTR {
		n, err = syscall.EpollWait(p.epfd, p.events, 0)
	}
	if err != nil {
		return err
	}
	for _, ev := range p.events[:n] {
		fn(ev.Fd)
	}
	return nil
}

func (p *leanPoller) close() { syscall.Close(p.epfd) }
