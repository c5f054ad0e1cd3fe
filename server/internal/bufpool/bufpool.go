// Package bufpool recycles the byte slices that frames are encoded into on their way to a socket.
package bufpool

import "sync"

// maxKept is the largest buffer worth keeping; bigger ones are left to the garbage collector.
const maxKept = 64 << 10

var pool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// Get returns an empty buffer.
func Get() []byte { return (*pool.Get().(*[]byte))[:0] }

// Put returns b to the pool. The caller must not use b afterwards.
func Put(b []byte) {
	if cap(b) == 0 || cap(b) > maxKept {
		return
	}
	b = b[:0]
	pool.Put(&b)
}
