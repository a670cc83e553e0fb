package main

import (
	"runtime/debug"

	"github.com/prometheus/common/version"
)

// stampVersion fills in the version that --version, the landing page and custops_build_info
// show when the build did not stamp one with -ldflags (scripts/build.sh and the Dockerfile do):
// `go build` and `go install` record the module's version in the binary, from the VCS tag or a
// pseudo-version of the commit (v0.0.0-20261102100405-0123456789ab+dirty). prometheus/common
// reads the revision from the same build info itself.
func stampVersion() {
	if version.Version != "" {
		return
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		version.Version = buildVersion(bi)
	}
}

// buildVersion is the main module's version from the build info, or "devel" when the build
// recorded none (go run, or a build outside a VCS checkout).
func buildVersion(bi *debug.BuildInfo) string {
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	return "devel"
}
