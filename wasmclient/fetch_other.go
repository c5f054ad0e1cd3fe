//go:build !js

package main

import (
	"context"
	"io"
	"net/http"
	"strings"
)

// httpGet fetches addr with net/http. The browser build uses the page's fetch instead
// (fetch_js.go): importing net/http there brings its client, TLS and HTTP/2 code into the module
// (docs/LOADING.md).
func httpGet(ctx context.Context, addr string, limit int64) (getAnswer, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, addr, nil)
	if err != nil {
		return getAnswer{}, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return getAnswer{}, err
	}
	defer resp.Body.Close()
	_, text, _ := strings.Cut(resp.Status, " ")
	a := getAnswer{status: resp.StatusCode, text: text}
	a.body, err = io.ReadAll(io.LimitReader(resp.Body, limit+1))
	return a, err
}
