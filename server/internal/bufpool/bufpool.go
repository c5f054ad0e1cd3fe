// Package bufpool recycles the byte slices that frames are encoded into on their way to a socket.
//
// It is a bounded free list rather than a sync.Pool: a sync.Pool of []byte must box each slice on
// Put, an allocation per frame on the hottest path; a buffered channel holds slices by value.
package bufpool

// maxKept is the largest buffer worth keeping; bigger ones are left to the garbage collector.
const maxKept = 64 << 10

// free holds up to 4096 idle buffers: about 4 MiB at the typical 1 KiB.
var free = make(chan []byte, 4096)

// Get returns an empty buffer.
func Get() []byte {
	select {
	case b := <-free:
		return b
	default:
		return make([]byte, 0, 1024)
	}
}

// Put returns b to the pool. The caller must not use b afterwards.
func Put(b []byte) {
	if cap(b) == 0 || cap(b) > maxKept {
		return
	}
	select {
	case free <- b[:0]:
	default: // full: let the collector have it
	}
}
