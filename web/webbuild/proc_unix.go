//go:build unix

package webbuild

import (
	"os/exec"
	"syscall"
)

// setProcessGroup puts the child into its own process group, so terminal
// signals (Ctrl-C) reach only this process, which forwards them.
func setProcessGroup(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
}
