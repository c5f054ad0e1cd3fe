//go:build js

package main

import (
	"context"
	"errors"
	"syscall/js"
)

// httpGet fetches addr with the page's fetch, which is all the client needs of HTTP: net/http's
// client would bring its TLS and HTTP/2 code into the module for nothing (its js transport calls
// fetch too). The context aborts the fetch. The body is read whole: the server's answers the
// client asks for (a replay file, the replay list) are bounded, and a body over limit is cut at
// limit+1 bytes.
func httpGet(ctx context.Context, addr string, limit int64) (getAnswer, error) {
	abort := js.Global().Get("AbortController").New()
	opts := js.Global().Get("Object").New()
	opts.Set("signal", abort.Get("signal"))
	stop := context.AfterFunc(ctx, func() { abort.Call("abort") })
	defer stop()

	resp, err := await(ctx, js.Global().Call("fetch", addr, opts))
	if err != nil {
		return getAnswer{}, err
	}
	a := getAnswer{status: resp.Get("status").Int(), text: resp.Get("statusText").String()}
	buf, err := await(ctx, resp.Call("arrayBuffer"))
	if err != nil {
		return a, err
	}
	data := js.Global().Get("Uint8Array").New(buf)
	n := min(int64(data.Length()), limit+1)
	a.body = make([]byte, n)
	js.CopyBytesToGo(a.body, data.Call("subarray", 0, n))
	return a, nil
}

// await waits for a JavaScript promise on the calling goroutine (never the event loop's: the
// callbacks only hand the outcome over).
func await(ctx context.Context, p js.Value) (js.Value, error) {
	type outcome struct {
		v   js.Value
		err error
	}
	done := make(chan outcome, 1)
	then := js.FuncOf(func(_ js.Value, args []js.Value) any {
		done <- outcome{v: args[0]}
		return nil
	})
	catch := js.FuncOf(func(_ js.Value, args []js.Value) any {
		msg := "failed"
		if len(args) > 0 {
			msg = args[0].Call("toString").String()
		}
		done <- outcome{err: errors.New(msg)}
		return nil
	})
	defer then.Release()
	defer catch.Release()
	p.Call("then", then, catch)
	// No case for ctx.Done: the context's end aborts the fetch, which rejects the promise, and a
	// callback released before it runs would panic.
	o := <-done
	if o.err != nil && ctx.Err() != nil {
		return js.Value{}, ctx.Err()
	}
	return o.v, o.err
}
