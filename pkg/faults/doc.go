// Package faults holds casewire's fault-injection tests: the real service
// binaries, built from this workspace, run as processes against an
// in-process JetStream server and a real ClickHouse, and are killed,
// starved and restarted while a stream of articles flows. Every test ends by
// checking that each input article is in ClickHouse exactly once and that
// nothing is left pending. REPORT.md has the figures and how to reproduce
// them; the package has no code outside its tests.
package faults
