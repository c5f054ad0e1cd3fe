//go:build !unix

package webbuild

import "os/exec"

func setProcessGroup(*exec.Cmd) {}
